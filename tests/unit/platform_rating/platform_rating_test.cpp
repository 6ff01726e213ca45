// Platform ratings: the ring buffer's exact means while wrapping, deactivation exactly at the
// cut-off after the minimum count, defect tiers at their thresholds, lost income, inflation
// from reluctance (none without it, positive with it), the quality/standards split from common
// random numbers, and the same results for 1 and 2 threads.
#include "credsim/systems/platform_rating.hpp"

#include <gtest/gtest.h>

#include "calibration_check.hpp"
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>

#include "credsim/graph/build.hpp"
#include "credsim/run/runner.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

struct World {
  Scenario sc;
  Society soc;
  graph::Csr g;
  Exchange ex{g};
  EventCatalog cat;
  TickEvents ev;
  std::vector<Occurrence> occ;
  Ledger ledger;
  Tick tick = 0;
  World(NodeId n, std::uint64_t seed)
      : soc(generate_society(n, sc.society, sc.behaviour, seed, 0)), g(graph::build_csr(n, {})), ex(g) {
    ev.resize(n);
  }
  SimContext ctx() const { return SimContext{sc, soc, g, ex, cat, ev, occ, ledger, 3, 0, tick, nullptr}; }
  void step(System& s, std::vector<double>* delta = nullptr) {
    ++tick;
    s.record(ctx());
    s.score(ctx());
    std::vector<double> d(soc.persons.size(), 0.0);
    s.consequences(ctx(), d);
    // The stage runs block by block: any blocking gives every person the same sum, bit for bit.
    for (std::size_t block : {1, 5, 4096}) {
      std::vector<double> blocked(d.size(), 0.0);
      for (std::size_t first = 0; first < blocked.size(); first += block)
        s.add_consequences(ctx(), first, std::span<double>(blocked).subspan(first, std::min(block, blocked.size() - first)));
      for (std::size_t i = 0; i < blocked.size(); ++i) EXPECT_EQ(blocked[i], d[i]) << "person " << i << ", blocks of " << block;
    }
    if (delta) *delta = d;
  }
};

TEST(RatingRings, ExactMeanOfTheLastKWhileWrapping) {
  RatingRings r(2, 3, 2);
  EXPECT_TRUE(std::isnan(r.mean(0)));
  r.push(0, 5, 5);
  r.push(0, 4, 5);
  r.push(0, 3, 3);
  EXPECT_EQ(r.filled(0), 3u);
  EXPECT_DOUBLE_EQ(r.mean(0), 4.0);
  EXPECT_DOUBLE_EQ(r.mean_cf(0), 13.0 / 3.0);
  r.push(0, 1, 1);  // the 5 leaves: {4, 3, 1}
  EXPECT_DOUBLE_EQ(r.mean(0), 8.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.defect_rate(0), 1.0 / 3.0);
  r.push(0, 2, 5);  // {3, 1, 2}
  r.push(0, 2, 2);  // {1, 2, 2}: wrapped twice past the start
  EXPECT_DOUBLE_EQ(r.mean(0), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(r.mean_cf(0), 8.0 / 3.0);  // cf {1, 5, 2}
  EXPECT_DOUBLE_EQ(r.defect_rate(0), 1.0);
  EXPECT_EQ(r.count(0), 6u);
  EXPECT_EQ(r.filled(0), 3u);
  for (int k = 0; k < 7; ++k) r.push(0, 5, 5);  // 7 more pushes: all three slots hold 5
  EXPECT_DOUBLE_EQ(r.mean(0), 5.0);
  EXPECT_DOUBLE_EQ(r.defect_rate(0), 0.0);
  EXPECT_EQ(r.filled(1), 0u);  // the other provider's ring is untouched
  // A naive verifier over a long random sequence with K = 7.
  RatingRings big(1, 7, 2);
  std::vector<int> all;
  Rng rng(1, 0, 0, 0, Stream::kSocietyTraits);
  for (int k = 0; k < 100; ++k) {
    const int v = 1 + static_cast<int>(rng.below(5));
    all.push_back(v);
    big.push(0, static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v));
    const std::size_t lo = all.size() > 7 ? all.size() - 7 : 0;
    double sum = 0, defects = 0;
    for (std::size_t j = lo; j < all.size(); ++j) sum += all[j], defects += all[j] <= 2;
    ASSERT_DOUBLE_EQ(big.mean(0), sum / static_cast<double>(all.size() - lo));
    ASSERT_DOUBLE_EQ(big.defect_rate(0), defects / static_cast<double>(all.size() - lo));
  }
}

TEST(PlatformRules, DeactivationExactlyBelowTheCutoffAfterTheMinimum) {
  PlatformRatingSpec s;
  s.cutoff = 4.6;
  s.min_ratings = 5;
  RatingRings r(1, 5, 2);
  const std::uint8_t seq[] = {3, 3, 5, 5, 5};
  for (int k = 0; k < 4; ++k) {
    r.push(0, seq[k], seq[k]);
    EXPECT_FALSE(platform_deactivates(s, r.count(0), r.mean(0))) << "before the minimum, at mean " << r.mean(0);
  }
  r.push(0, seq[4], seq[4]);  // 5 ratings, mean 4.2
  EXPECT_TRUE(platform_deactivates(s, r.count(0), r.mean(0)));
  RatingRings edge(1, 5, 2);
  for (std::uint8_t v : {5, 5, 5, 4, 4}) edge.push(0, v, v);  // mean exactly 4.6: not below
  EXPECT_FALSE(platform_deactivates(s, edge.count(0), edge.mean(0)));
  edge.push(0, 4, 4);  // {5, 5, 4, 4, 4}: 4.4
  EXPECT_TRUE(platform_deactivates(s, edge.count(0), edge.mean(0)));
}

TEST(PlatformRules, TiersAtTheirThresholds) {
  PlatformRatingSpec s;
  s.min_ratings = 100;
  EXPECT_EQ(platform_tier(s, 1000, 0.0), kTopRated);
  EXPECT_EQ(platform_tier(s, 1000, 0.005), kTopRated);   // ≤ 0.5 %
  EXPECT_EQ(platform_tier(s, 1000, 0.006), kAboveStandard);
  EXPECT_EQ(platform_tier(s, 1000, 0.02), kAboveStandard);  // exactly 2 %: not above it
  EXPECT_EQ(platform_tier(s, 1000, 0.021), kBelowStandard);
  EXPECT_EQ(platform_tier(s, 99, 0.5), kAboveStandard);  // not yet evaluated
  // From a window: 1 defect in 200 is 0.5 % (top rated); 5 in 200 is 2.5 % (below standard).
  RatingRings r(2, 200, 2);
  for (int k = 0; k < 200; ++k) r.push(0, k == 0 ? 2 : 5, 5), r.push(1, k < 5 ? 1 : 4, 4);
  EXPECT_EQ(platform_tier(s, r.filled(0), r.defect_rate(0)), kTopRated);
  EXPECT_EQ(platform_tier(s, r.filled(1), r.defect_rate(1)), kBelowStandard);
}

TEST(PlatformRules, ReluctanceRampAndTheRatingDraw) {
  PlatformRatingSpec s;
  s.reluctance_start = 0.1;
  s.reluctance_end = 0.5;
  s.reluctance_ramp_ticks = 100;
  EXPECT_DOUBLE_EQ(platform_reluctance(s, 0), 0.1);
  EXPECT_DOUBLE_EQ(platform_reluctance(s, 50), 0.3);
  EXPECT_DOUBLE_EQ(platform_reluctance(s, 100), 0.5);
  EXPECT_DOUBLE_EQ(platform_reluctance(s, 400), 0.5);
  // Certain reluctance turns every rating into 5; none leaves the honest rating; the
  // counterfactual uses the same uniform.
  for (std::uint64_t e = 0; e < 50; ++e) {
    Rng a(1, 0, 1, e, Stream::kSocietyTraits), b(1, 0, 1, e, Stream::kSocietyTraits);
    const RatingDraw all5 = platform_rate(2.0, 0.0, 1.0, 1.0, 0.0, a);
    const RatingDraw honest = platform_rate(2.0, 0.0, 1.0, 0.0, 1.0, b);
    EXPECT_EQ(all5.rating, 5);
    EXPECT_EQ(all5.counterfactual, honest.rating);
    EXPECT_EQ(honest.counterfactual, 5);
    EXPECT_GE(honest.rating, 1);
    EXPECT_LE(honest.rating, 5);
  }
}

TEST(PlatformRules, ExpectedRatingByHandAndByMonteCarlo) {
  PlatformRatingSpec s;
  s.rater_noise = 0;
  s.rater_bias_sd = 0;
  EXPECT_DOUBLE_EQ(platform_expected_rating(s, 4.2, 0.0), 4.0);   // always rounds to 4
  EXPECT_DOUBLE_EQ(platform_expected_rating(s, 4.2, 0.25), 4.25);  // 0.75·4 + 0.25·5
  EXPECT_DOUBLE_EQ(platform_expected_rating(s, 4.8, 0.5), 5.0);
  EXPECT_DOUBLE_EQ(platform_expected_rating(s, -3, 0.0), 1.0);    // clamped
  s.rater_noise = 0.8;
  s.rater_bias_sd = 0.3;
  double sum = 0;
  const int m = 200000;
  for (int k = 0; k < m; ++k) {
    Rng rng(2, 0, 0, static_cast<std::uint64_t>(k), Stream::kSocietyTraits);
    const double bias = 0.3 * rng.normal();
    sum += platform_rate(3.9, bias, 0.8, 0.3, 0.0, rng).rating;
  }
  EXPECT_NEAR(sum / m, platform_expected_rating(s, 3.9, 0.3), 0.01);  // SE ≈ 0.002
}

PlatformRatingSpec sim_spec() {
  PlatformRatingSpec s;
  s.provider_share = 0.2;
  s.counterparties = 20;
  s.window = 50;
  s.initial_ratings = 50;
  s.cutoff = 0;  // nobody deactivated: the rating pool is fixed
  s.quality_mean = 3.7;
  s.quality_sd = 0.5;
  s.rater_noise = 1.0;
  return s;
}

TEST(PlatformStatistics, NoReluctanceNoInflationAndReluctanceInflates) {
  World w(10000, 21);
  PlatformRating flat("flat", sim_spec(), 10000);
  PlatformRatingSpec rs = sim_spec();
  rs.reluctance_end = 0.5;
  rs.reluctance_ramp_ticks = 10;
  PlatformRating ramp("flat", rs, 10000);  // same name: the same providers and the same draws
  flat.initialise(w.ctx());
  ramp.initialise(w.ctx());
  ASSERT_EQ(flat.providers(), ramp.providers());
  const double g0 = flat.given_mean_tick0();
  EXPECT_EQ(g0, ramp.given_mean_tick0());
  EXPECT_NEAR(g0, 3.7, 0.15);
  double flat_sum = 0;
  for (int t = 1; t <= 10; ++t) {
    w.step(flat);
    --w.tick;
    w.step(ramp);
    flat_sum += flat.given_mean() - g0;
    // Common random numbers: the counterfactual at tick-0 reluctance is the flat run exactly.
    EXPECT_EQ(ramp.given_mean_cf(), flat.given_mean());
  }
  // ~2000 providers × 20 ratings a tick × 10 ticks: the standard error of the mean drift is
  // about 1.2/√400000 ≈ 0.002; allow 0.01.
  EXPECT_NEAR(flat_sum / 10, 0.0, 0.01);
  // At reluctance 0.5, half of all below-5 ratings become 5: mean + 0.5·E[5 − honest] ≈ +0.6.
  EXPECT_GT(ramp.given_mean() - g0, 0.4);
  EXPECT_NEAR(ramp.given_mean() - ramp.given_mean_cf(), 0.5 * (5 - flat.given_mean()), 0.1);
  EXPECT_GT(ramp.scores()[ramp.providers()[0]], 0.0f);
}

TEST(PlatformSystem, DeactivationStopsServiceAndCostsIncome) {
  World w(2000, 4);
  PlatformRatingSpec s = sim_spec();
  s.provider_share = 0.5;
  s.cutoff = 4.6;  // far above most latent qualities
  s.min_ratings = 10;
  s.income_share = 0.25;
  PlatformRating p("uber", s, 2000);
  p.initialise(w.ctx());
  // Deactivation applies from tick 1 on (the initial ratings are already on file).
  for (std::uint8_t a : p.active()) EXPECT_EQ(a, 1);
  std::vector<double> delta;
  w.step(p, &delta);
  const auto& prov = p.providers();
  std::size_t off = 0;
  for (std::size_t k = 0; k < prov.size(); ++k) {
    const NodeId i = prov[k];
    const bool below = p.rings().mean(k) < 4.6;  // 10+ ratings each
    EXPECT_EQ(p.active()[k], below ? 0 : 1);
    EXPECT_EQ(p.deactivated()[i], below ? 1 : 0);
    EXPECT_DOUBLE_EQ(delta[i], below ? -0.25 * w.soc.persons.income[i] : 0.0);
    off += below;
  }
  EXPECT_GT(off, prov.size() / 2);
  // Deactivated providers receive no more ratings.
  std::vector<std::uint32_t> count(prov.size());
  const std::vector<std::uint8_t> active_after_1 = p.active();
  for (std::size_t k = 0; k < prov.size(); ++k) count[k] = p.rings().count(k);
  w.step(p);
  for (std::size_t k = 0; k < prov.size(); ++k) {
    if (!active_after_1[k]) {
      EXPECT_EQ(p.rings().count(k), count[k]);
    } else {
      EXPECT_GT(p.rings().count(k), count[k]);  // Poisson(20): 0 with probability e^-20
    }
  }
  // Non-providers: NaN score, grade not_provider, never listed.
  const auto o = p.outputs();
  EXPECT_EQ(o.grade_names.back(), "not_provider");
  std::size_t k = 0;
  for (NodeId i = 0; i < 2000; ++i) {
    if (k < prov.size() && prov[k] == i) {
      ++k;
      continue;
    }
    EXPECT_TRUE(std::isnan(p.scores()[i]));
    EXPECT_EQ(p.grades()[i], kNotProvider);
    EXPECT_EQ(p.deactivated()[i], 0);
  }
}

TEST(PlatformSystem, SameResultsForOneAndTwoThreads) {
  const int before = omp_get_max_threads();
  auto run = [](int threads) {
    omp_set_num_threads(threads);
    World w(3000, 8);
    PlatformRatingSpec s = sim_spec();
    s.cutoff = 3.5;
    s.min_ratings = 60;
    s.reluctance_end = 0.3;
    s.reluctance_ramp_ticks = 5;
    PlatformRating p("p", s, 3000);
    p.initialise(w.ctx());
    std::vector<double> means;
    for (int t = 0; t < 6; ++t) {
      w.step(p);
      means.push_back(p.given_mean());
      means.push_back(p.given_mean_cf());
    }
    return std::make_tuple(p.scores(), p.grades(), p.deactivated(), means);
  };
  const auto one = run(1), two = run(2);
  omp_set_num_threads(before);
  // NaN != NaN: compare the bytes.
  const auto& s1 = std::get<0>(one);
  const auto& s2 = std::get<0>(two);
  ASSERT_EQ(s1.size(), s2.size());
  EXPECT_EQ(std::memcmp(s1.data(), s2.data(), s1.size() * sizeof(float)), 0);
  EXPECT_EQ(std::get<1>(one), std::get<1>(two));
  EXPECT_EQ(std::get<2>(one), std::get<2>(two));
  EXPECT_EQ(std::get<3>(one), std::get<3>(two));
}

using test::expect_target;
using test::read_rows;
using test::slurp;

TEST(PlatformPreset, ShortRunWritesCalibrationRows) {
  const std::string path = std::string(CREDSIM_SOURCE_DIR) + "/scenarios/platform_rating.toml";
  const Scenario sc = load_scenario(path, {"society.persons=5000", "run.ticks=4"});
  test::TempDir tmp("platform");
  RunOptions opt;
  opt.out_dir = tmp.path() / "r";
  opt.threads = 1;
  const RunResult r = run_scenario(sc, opt);
  const std::string csv = slurp(tmp.path() / "r" / "metrics.csv");
  auto rows = read_rows(csv);
  expect_target(r, rows, {"labour_market_drift_per_year", "labour_market", "drift_per_year", "0.11"}, {0, 4});
  expect_target(r, rows, {"labour_market_standards_share", "labour_market", "drift_standards_share", "0.4"}, {0, 4});
  EXPECT_EQ(r.calibration.size(), 2u);
  EXPECT_NE(rows["4,calibration,labour_market_drift_per_year,model"], "NA");  // a drift by tick 4
  EXPECT_EQ(csv.find(",labour_market,calibration,"), std::string::npos);  // the old per-system layout is gone
  EXPECT_NE(csv.find(",uber,deactivated_share,"), std::string::npos);
  EXPECT_NE(csv.find(",uber,tier_share,top_rated,"), std::string::npos);
}

}  // namespace
}  // namespace credsim
