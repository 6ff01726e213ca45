// The composite score on hand-computed cases: four persons with known records and friends,
// whose sub-scores, scores, bands and privileges are worked out by hand below.
#include "credsim/systems/composite.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <span>

#include "credsim/consequences/privileges.hpp"
#include "credsim/graph/build.hpp"

namespace credsim {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Spec with every detection certain and a one-tick half-life (λ = 0.5), empty initial
// history: after one record() call each counter equals that tick's count, and each per-week
// rate is count × (1 − λ) = count / 2.
CompositeSpec hand_spec() {
  CompositeSpec s;
  s.name = "hand";
  s.record_half_life = 1;
  s.expected_history = false;
  s.detect_offplatform_purchase = 1;
  s.detect_gaming = 1;
  s.detect_posts = 1;
  // Defaults used below: weights 35/25/15/20/5; prior_good 1, prior_bad 3, missed 4, default 20;
  // wealth_ref 100000, income_ref 1500; identity 0.5/0.3/0.2 with age factors .5 .8 1 1 .7;
  // behaviour bias -2, betas 0.8 (approved), 4 (games), 2 (platform), 0.15 (gaming hours),
  // 8 (unapproved), 8 (embarrassing); relationships = mean of friends' scores only.
  return s;
}

struct Fixture {
  Persons p;
  TickEvents ev;
  graph::Csr g;
  Fixture() {
    const int n = 4;
    auto fill = [n](auto& col, std::initializer_list<double> v) {
      col.resize(n);
      int k = 0;
      for (double x : v) col[k++] = static_cast<std::remove_reference_t<decltype(col[0])>>(x);
    };
    fill(p.region, {0, 0, 0, 0});
    fill(p.wealth, {100000, 0, 300000, 100000});
    p.income.assign({1500, 0, 500, 1500});  // exact in 16 bits
    p.traits.assign(n, 0);
    const unsigned education[] = {3, 0, 1, 2}, stable_job[] = {1, 0, 0, 1}, age_band[] = {2, 0, 1, 4};
    const unsigned consent[] = {7, 7, 7, 0};  // person 3 consented to nothing
    for (int i = 0; i < n; ++i) {
      p.set_education(i, education[i]);
      p.set_stable_job(i, stable_job[i]);
      p.set_age_band(i, age_band[i]);
      p.set_consent(i, consent[i]);
    }
    ev.resize(n);
    ev.repayment = {Repayment::kOnTime, Repayment::kDefault, Repayment::kMissed, Repayment::kOnTime};
    ev.domestic = {2, 0, 1, 4};
    ev.games = {0, 2, 0, 0};
    ev.on_platform = {2, 0, 1, 0};
    ev.gaming_hours = {0, 10, 0, 0};
    ev.unapproved = {0, 1, 0, 3};
    ev.embarrassing = {0, 0, 1, 0};
    g = graph::build_csr(4, {{0, 1}, {0, 2}, {1, 2}});  // a triangle; person 3 has no friends
  }
};

TEST(CompositeHand, SubscoresByHand) {
  const CompositeSpec s = hand_spec();
  // Credit: (1 + on_time) / (1 + 3 + on_time + 4·missed + 20·defaults).
  EXPECT_DOUBLE_EQ(credit_history_subscore(s, 1, 0, 0), 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(credit_history_subscore(s, 0, 0, 1), 1.0 / 24.0);
  EXPECT_DOUBLE_EQ(credit_history_subscore(s, 0, 1, 0), 1.0 / 8.0);
  // Capacity: ½·W/(W+100000) + ½·Y/(Y+1500).
  EXPECT_DOUBLE_EQ(capacity_subscore(s, 100000, 1500), 0.5);
  EXPECT_DOUBLE_EQ(capacity_subscore(s, 300000, 500), 0.5 * 0.75 + 0.5 * 0.25);
  EXPECT_DOUBLE_EQ(capacity_subscore(s, 0, 0), 0.0);
  // Identity: 0.5·edu/3 + 0.3·job + 0.2·age_factor.
  EXPECT_DOUBLE_EQ(identity_subscore(s, 3, true, 2), 1.0);
  EXPECT_DOUBLE_EQ(identity_subscore(s, 0, false, 0), 0.1);
  EXPECT_NEAR(identity_subscore(s, 1, false, 1), 0.5 / 3 + 0.16, 1e-15);
  // Behaviour: person 0's rates: approved 1/week, platform share 1 → x = -2 + 0.8 + 1.
  BehaviourRates r;
  r.approved = 1;
  r.platform_share = 1;
  EXPECT_DOUBLE_EQ(behaviour_subscore(s, r), sigmoid(-0.2));
  // Switching the platform input off removes its term.
  CompositeSpec off = s;
  off.use_platform = false;
  EXPECT_DOUBLE_EQ(behaviour_subscore(off, r), sigmoid(-1.2));
  // Relationships: friends' mean score 650 → (650 − 350)/600 = 0.5; no friends → 0.5 default.
  RelationshipInputs in;
  in.friends = 2;
  in.mean_friend_score = 650;
  EXPECT_DOUBLE_EQ(relationships_subscore(s, in), 0.5);
  in.friends = 0;
  CompositeSpec lonely = s;
  lonely.rel_no_friends = 0.25;
  EXPECT_DOUBLE_EQ(relationships_subscore(lonely, in), 0.25);
  // Share-below and friends'-posts inputs, equally weighted with the mean.
  CompositeSpec all = s;
  all.rel_friends_below = 1;
  all.rel_friends_posts = 1;
  in = {};
  in.friends = 4;
  in.mean_friend_score = 590;       // → 0.4
  in.share_below = 0.25;            // → 0.75
  in.mean_friend_unapproved = 0.1;  // cap 0.2 → 1 − 0.5 = 0.5
  EXPECT_DOUBLE_EQ(relationships_subscore(all, in), (0.4 + 0.75 + 0.5) / 3);
}

TEST(CompositeHand, ScoresBandsAndPrivilegesByHand) {
  Fixture f;
  Composite c(hand_spec(), 4);
  c.record(f.p, f.ev, 1, 0, 1);
  Exchange ex(f.g);
  // Behaviour indices (rates = counts/2):
  //  p0: approved 1, platform 2/2       → x = -2 + 0.8 + 1                     = -0.2
  //  p1: games 1, platform 0/2, gaming 5h, unapproved 0.5
  //                                     → x = -2 - 4 - 1 - 0.75 - 4             = -11.75
  //  p2: approved 0.5, platform 1/1, embarrassing 0.5 → x = -2 + 0.4 + 1 - 4    = -4.6
  //  p3: consented to nothing: nothing seen, platform share 0.5 → x = -2
  // Score = 350 + 6·(35·credit + 25·capacity + 15·identity + 20·behaviour + 5·relationships).
  // First the network-free pre-score (relationships 0.5 for all):
  //  p0: 350 + 6(35·0.4 + 25·0.5 + 15·1 + 20·σ(-0.2) + 2.5)              = 668.02 → 668
  //  p1: 350 + 6(35/24 + 0 + 1.5 + 20·σ(-11.75) + 2.5)                     = 382.75 → 383
  //  p2: 350 + 6(35/8 + 12.5 + 15·0.32667 + 20·σ(-4.6) + 2.5)              = 496.84 → 497
  //  p3: 350 + 6(14 + 12.5 + 15·0.77333 + 20·σ(-2) + 2.5)                  = 607.90 → 608
  // Then relationships from friends' pre-scores: p0 (383+497)/2 → (440−350)/600 = 0.15;
  // p1 (668+497)/2 → 0.3875; p2 (668+383)/2 → 0.2925; p3 no friends → 0.5:
  //  p0 = 668.02 + 30·(0.15 − 0.5) = 657.52 → 658;  p1 = 382.75 − 3.375 = 379.38 → 379
  //  p2 = 496.84 − 6.225 = 490.62 → 491;            p3 = 607.90 → 608
  c.score(f.p, ex);
  EXPECT_EQ(c.scores(), (std::vector<std::uint16_t>{658, 379, 491, 608}));
  EXPECT_EQ(composite_band(658), 3);  // very good
  EXPECT_EQ(composite_band(379), 0);  // poor
  EXPECT_EQ(composite_band(491), 0);
  EXPECT_EQ(composite_band(608), 2);  // good
  // 658 ≥ 600 and ≥ 650; 608 ≥ 600 only (derived from the score when read).
  std::vector<std::uint8_t> priv;
  const auto bytes = c.privileges().bytes(priv);
  EXPECT_EQ(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), (std::vector<std::uint8_t>{0b0011, 0, 0, 0b0001}));
  // A second recomputation reads the tick-0 scores of friends (Jacobi):
  //  p0: (379+491)/2 = 435 → 0.141667: 657.27 → 657; p1: (658+491)/2 → 378.98 → 379;
  //  p2: (658+379)/2 → 490.27 → 490; p3 unchanged 608.
  c.score(f.p, ex);
  EXPECT_EQ(c.scores(), (std::vector<std::uint16_t>{657, 379, 490, 608}));
}

TEST(CompositeHand, BandBoundaries) {
  EXPECT_EQ(composite_band(350), 0);
  EXPECT_EQ(composite_band(549), 0);
  EXPECT_EQ(composite_band(550), 1);
  EXPECT_EQ(composite_band(599), 1);
  EXPECT_EQ(composite_band(600), 2);
  EXPECT_EQ(composite_band(650), 3);
  EXPECT_EQ(composite_band(699), 3);
  EXPECT_EQ(composite_band(700), 4);
  EXPECT_EQ(composite_band(950), 4);
}

TEST(CompositeHand, ScoreStaysInRangeAndIsMonotoneInEachSubscore) {
  const CompositeSpec s = hand_spec();
  EXPECT_EQ(composite_score(s, {0, 0, 0, 0, 0}), 350);
  EXPECT_EQ(composite_score(s, {1, 1, 1, 1, 1}), 950);
  for (int d = 0; d < 5; ++d) {
    Subscores lo{0.3, 0.3, 0.3, 0.3, 0.3}, hi = lo;
    double* fields[] = {&hi.credit, &hi.capacity, &hi.identity, &hi.behaviour, &hi.relationships};
    *fields[d] = 0.9;
    EXPECT_GT(composite_score(s, hi), composite_score(s, lo)) << "dimension " << d;
  }
}

TEST(CompositeHand, NoConsentMeansNothingSeenUnlessDataExchange) {
  Fixture f;
  Composite c(hand_spec(), 4);
  c.record(f.p, f.ev, 1, 0, 1);
  EXPECT_EQ(c.records().unapproved[3], 0.0f);
  EXPECT_EQ(c.records().purchases[3], 0.0f);
  EXPECT_EQ(c.records().on_time[3], 1.0f);  // the operator's own credit line is always seen
  CompositeSpec ex_spec = hand_spec();
  ex_spec.data_exchange = true;  // a government data-exchange agreement opens every domain
  Composite e(ex_spec, 4);
  e.record(f.p, f.ev, 1, 0, 1);
  EXPECT_EQ(e.records().unapproved[3], 3.0f);
  EXPECT_EQ(e.records().purchases[3], 4.0f);
}

TEST(Privileges, ThresholdsAndWeeklyValue) {
  PrivilegeSpec s;
  EXPECT_EQ(privileges_for(s, 599), 0);
  EXPECT_EQ(privileges_for(s, 600), 0b0001);
  EXPECT_EQ(privileges_for(s, 650), 0b0011);
  EXPECT_EQ(privileges_for(s, 700), 0b0111);
  EXPECT_EQ(privileges_for(s, 750), 0b1111);
  EXPECT_EQ(privileges_for(s, 950), 0b1111);
  // 5600 × 0.002 + 4 = 15.2; + 6 = 21.2; + 5 = 26.2; + 10 = 36.2 yuan per week.
  EXPECT_DOUBLE_EQ(privilege_weekly_value(s, 0), 0.0);
  EXPECT_DOUBLE_EQ(privilege_weekly_value(s, 0b0001), 15.2);
  EXPECT_DOUBLE_EQ(privilege_weekly_value(s, 0b1111), 36.2);
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

TEST(CompositeHand, DomainsOutsideTheSharingMatrixRowAreNotSeenEvenWithConsent) {
  Fixture f;
  Composite c(hand_spec(), 4);
  c.set_sees(1u << static_cast<int>(Domain::kShopping));  // no finance, no social
  c.record(f.p, f.ev, 1, 0, 1);
  EXPECT_EQ(c.records().on_time[0], 0.0f);
  EXPECT_EQ(c.records().defaults[1], 0.0f);
  EXPECT_EQ(c.records().unapproved[1], 0.0f);
  EXPECT_EQ(c.records().purchases[0], 2.0f);  // shopping still seen
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {
// Recording fused into behave gives the composite the same records, bit for bit, as recording
// from the full event columns in the record stage (every domain, consent and detection draw).
TEST(CompositeFused, RecordsEqualRecordingFromTheFullColumns) {
  SocietySpec s;
  BehaviourSpec b;
  const NodeId n = 5000;
  const Society soc = generate_society(n, s, b, 3, 1);
  CompositeSpec spec = hand_spec();
  Composite from_columns(spec, n), fused(spec, n);
  for (Tick t = 1; t <= 3; ++t) {
    TickEvents full;
    behave(b, soc.persons, 3, 1, t, full);
    from_columns.record(soc.persons, full, 3, 1, t);
    std::vector<FusedRecorder> rec{[&](std::size_t first, std::span<const PersonEvents> block) {
      fused.record_block(soc.persons, first, block, 3, 1, t);
    }};
    TickEvents part;
    behave(b, soc.persons, 3, 1, t, part, nullptr, &rec);
  }
  const CompositeRecords &a = from_columns.records(), &c = fused.records();
  auto same = [&](const Uf16Column& x, const Uf16Column& y) { return x.codes() == y.codes(); };
  EXPECT_TRUE(same(a.on_time, c.on_time) && same(a.missed, c.missed) && same(a.defaults, c.defaults));
  EXPECT_TRUE(same(a.approved, c.approved) && same(a.games, c.games) && same(a.purchases, c.purchases));
  EXPECT_TRUE(same(a.on_platform, c.on_platform) && same(a.gaming_hours, c.gaming_hours));
  EXPECT_TRUE(same(a.unapproved, c.unapproved) && same(a.embarrassing, c.embarrassing));
  double seen = 0;
  for (float v : c.purchases) seen += v;
  EXPECT_GT(seen, n);  // records were written
}
}  // namespace
}  // namespace credsim

namespace credsim {
namespace {
// The 16-bit records (MODEL.md §6.1, "Storage"): with certain detection and the same events every
// tick, each stored count equals an independent recomputation of one step (the update in float
// from the stored value, rounded once by the reference encoder uf16::encode), and stays within
// 2^-11 / (1 − λ) of the exact recurrence in double over 300 ticks.
TEST(CompositeRecords16, EachTickRoundsTheFloatUpdateOnceAndStaysNearTheExactRecurrence) {
  Fixture f;
  CompositeSpec spec = hand_spec();
  spec.record_half_life = 26;
  spec.data_exchange = true;
  Composite c(spec, 4);
  const float lam = static_cast<float>(c.decay());
  const double bound = 0x1p-11 / (1.0 - c.decay());
  std::vector<std::array<double, 10>> exact(4, std::array<double, 10>{});
  auto columns = [](const CompositeRecords& r) {
    return std::array<const Uf16Column*, 10>{&r.on_time,     &r.missed,       &r.defaults,   &r.approved,
                                              &r.games,       &r.purchases,    &r.on_platform, &r.gaming_hours,
                                              &r.unapproved,  &r.embarrassing};
  };
  // Every purchase on the platform (no off-platform detection draw), gaming and posts certain.
  for (std::size_t i = 0; i < 4; ++i) {
    f.ev.repayment[i] = i == 1 ? Repayment::kMissed : Repayment::kOnTime;
    f.ev.baby[i] = 1, f.ev.games[i] = static_cast<std::uint16_t>(i), f.ev.domestic[i] = 2, f.ev.luxury[i] = 0;
    f.ev.on_platform[i] = static_cast<std::uint16_t>(3 + i);
    f.ev.gaming_hours[i] = 0.7f * static_cast<float>(i + 1);
    f.ev.unapproved[i] = static_cast<std::uint16_t>(i % 2), f.ev.embarrassing[i] = 1;
  }
  for (Tick t = 1; t <= 300; ++t) {
    std::vector<std::array<std::uint16_t, 10>> before(4);
    for (std::size_t i = 0; i < 4; ++i)
      for (std::size_t k = 0; k < 10; ++k) before[i][k] = columns(c.records())[k]->code(i);
    c.record(f.p, f.ev, 1, 0, t);
    for (std::size_t i = 0; i < 4; ++i) {
      const double total = f.ev.baby[i] + f.ev.games[i] + f.ev.domestic[i] + f.ev.luxury[i];
      const double r[10] = {f.ev.repayment[i] == Repayment::kOnTime ? 1.0 : 0.0,
                            f.ev.repayment[i] == Repayment::kMissed ? 1.0 : 0.0,
                            0.0,
                            static_cast<double>(f.ev.baby[i] + f.ev.domestic[i]),
                            static_cast<double>(f.ev.games[i]),
                            total,
                            static_cast<double>(f.ev.on_platform[i]),
                            static_cast<double>(f.ev.gaming_hours[i]),
                            static_cast<double>(f.ev.unapproved[i]),
                            static_cast<double>(f.ev.embarrassing[i])};
      for (std::size_t k = 0; k < 10; ++k) {
        const float step = lam * uf16::decode(before[i][k]) + static_cast<float>(r[k]);
        ASSERT_EQ(columns(c.records())[k]->code(i), uf16::encode(static_cast<double>(step)).value())
            << "tick " << t << " person " << i << " record " << k;
        exact[i][k] = c.decay() * exact[i][k] + r[k];
        const double stored = (*columns(c.records())[k])[i];
        ASSERT_LE(std::abs(stored - exact[i][k]), bound * exact[i][k] + 1e-30)
            << "tick " << t << " person " << i << " record " << k;
      }
    }
  }
  // After 300 ticks (≈ 11.5 half-lives) every count is near its steady state r / (1 − λ).
  EXPECT_NEAR(c.records().purchases[0], 3.0 / (1.0 - c.decay()), 3.0 / (1.0 - c.decay()) * bound);
}

// A count past the format's largest value is not clamped: the next score stage reports it.
TEST(CompositeRecords16, ACountPastTheFormatIsAnInputErrorAtTheNextScore) {
  Fixture f;
  CompositeSpec spec = hand_spec();
  spec.data_exchange = true;
  Composite c(spec, 4);
  const graph::Csr g = graph::build_csr(4, {});
  const Exchange ex(g);
  f.ev.gaming_hours[2] = 1.5e9f;
  c.record(f.p, f.ev, 1, 0, 1);
  EXPECT_NO_THROW(c.score(f.p, ex));
  c.record(f.p, f.ev, 1, 0, 2);  // 0.5 · 1.5e9 + 1.5e9 > 2146435072
  try {
    c.score(f.p, ex);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("person 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("record_half_life"), std::string::npos) << e.what();
  }
}
}  // namespace
}  // namespace credsim
