// The behaviour catalog: event rates follow the propensities; streams are independent.
#include "credsim/behave/behaviour.hpp"

#include "credsim/core/rng.hpp"

#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <span>
#include <vector>

namespace credsim {
namespace {

TEST(Behaviour, InstalmentsAreDueOncePerPeriodStaggeredById) {
  for (NodeId i = 0; i < 20; ++i) {
    int due = 0;
    for (Tick t = 1; t <= 8; ++t) due += instalment_due(i, t, 4);
    EXPECT_EQ(due, 2) << i;
  }
  EXPECT_TRUE(instalment_due(3, 1, 4));
  EXPECT_FALSE(instalment_due(3, 2, 4));
}

TEST(Behaviour, RatesMatchPropensities) {
  SocietySpec s;
  BehaviourSpec b;
  const NodeId n = 100000;
  Society soc = generate_society(n, s, b, 5, 0);
  Persons& p = soc.persons;
  // Give everyone the same known propensities so expected counts are exact.
  for (NodeId i = 0; i < n; ++i) {
    p.set_has_loan(i, 1);
    p.miss_prob.set(i, 0.2);  // stored as 0.19995… (16 bits): within the tolerances below
    p.rate_domestic.set(i, 1.5);
    for (Uf16Column* c : {&p.rate_baby, &p.rate_games, &p.rate_luxury}) c->set(i, 0.0);
    p.platform_share.set(i, 0.25);
    p.dissent.set(i, 0.1);  // 0.099975…
    p.gaming_hours.set(i, 4.0);
  }
  TickEvents ev;
  double due = 0, missed_or_default = 0, defaults = 0, dom = 0, plat = 0, posts = 0, hours = 0, spend = 0;
  for (Tick t = 1; t <= 4; ++t) {
    behave(b, p, 5, 0, t, ev);
    for (NodeId i = 0; i < n; ++i) {
      due += ev.repayment[i] != Repayment::kNone;
      missed_or_default += ev.repayment[i] == Repayment::kMissed || ev.repayment[i] == Repayment::kDefault;
      defaults += ev.repayment[i] == Repayment::kDefault;
      dom += ev.domestic[i];
      plat += ev.on_platform[i];
      posts += ev.unapproved[i];
      hours += ev.gaming_hours[i];
      spend += ev.spending[i];
    }
  }
  EXPECT_EQ(due, n);  // each person exactly once in 4 ticks
  EXPECT_NEAR(missed_or_default / due, 0.2, 0.005);
  EXPECT_NEAR(defaults / missed_or_default, b.default_given_miss, 0.01);
  EXPECT_NEAR(dom / (4.0 * n), 1.5, 0.01);
  EXPECT_NEAR(plat / dom, 0.25, 0.005);
  EXPECT_NEAR(posts / (4.0 * n), 0.1, 0.003);
  EXPECT_NEAR(hours / (4.0 * n), 4.0, 0.03);
  EXPECT_DOUBLE_EQ(spend, dom * b.price_domestic);  // only domestic purchases, 80 yuan each
}

TEST(Behaviour, ChangingOneRateLeavesOtherDrawsUntouched) {
  SocietySpec s;
  BehaviourSpec b;
  Society soc = generate_society(20000, s, b, 5, 0);
  TickEvents a, c;
  behave(b, soc.persons, 5, 0, 3, a);
  Uf16Column& games = soc.persons.rate_games;
  for (std::size_t i = 0; i < games.size(); ++i) games.set(i, 3.0 * games[i]);  // a different games rate...
  behave(b, soc.persons, 5, 0, 3, c);
  EXPECT_EQ(a.unapproved, c.unapproved);  // ...does not move anyone's posts (own stream)
  EXPECT_EQ(a.repayment, c.repayment);
  EXPECT_EQ(a.gaming_hours, c.gaming_hours);
  EXPECT_NE(a.games, c.games);
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

// Recording fused into behave: the recorders see every person's events exactly once, in blocks of
// kFuseBlock (the last one short), with the same values the full columns hold; the fused
// TickEvents keeps only repayment, spending and posts, equal to the full columns.
TEST(BehaviourFused, RecordersSeeTheSameEventsAsTheFullColumnsOnce) {
  SocietySpec s;
  BehaviourSpec b;
  const NodeId n = 2 * kFuseBlock + 517;
  const Society soc = generate_society(n, s, b, 11, 0);
  for (Tick t = 1; t <= 3; ++t) {
    TickEvents full;
    behave(b, soc.persons, 11, 0, t, full);
    ASSERT_FALSE(full.fused);
    std::vector<PersonEvents> seen(n);
    std::vector<int> times(n, 0), firsts(3, -1);
    std::vector<FusedRecorder> recorders{[&](std::size_t first, std::span<const PersonEvents> block) {
      ASSERT_EQ(first % kFuseBlock, 0u);
      firsts[first / kFuseBlock] = static_cast<int>(block.size());
      for (std::size_t k = 0; k < block.size(); ++k) seen[first + k] = block[k], times[first + k]++;
    }};
    TickEvents fused;
    behave(b, soc.persons, 11, 0, t, fused, nullptr, &recorders);
    ASSERT_TRUE(fused.fused);
    EXPECT_EQ(firsts, (std::vector<int>{static_cast<int>(kFuseBlock), static_cast<int>(kFuseBlock), 517}));
    EXPECT_TRUE(fused.baby.empty() && fused.games.empty() && fused.domestic.empty() && fused.luxury.empty() &&
                fused.on_platform.empty() && fused.gaming_hours.empty());
    EXPECT_EQ(fused.memory_bytes(), n * TickEvents::kBytesFused);
    std::uint64_t purchases = 0;
    for (NodeId i = 0; i < n; ++i) {
      ASSERT_EQ(times[i], 1) << i;
      const PersonEvents a = full.at(i), e = seen[i];
      ASSERT_TRUE(a.repayment == e.repayment && a.baby == e.baby && a.games == e.games && a.domestic == e.domestic &&
                  a.luxury == e.luxury && a.on_platform == e.on_platform && a.unapproved == e.unapproved &&
                  a.embarrassing == e.embarrassing)
          << i;
      ASSERT_EQ(std::memcmp(&a.gaming_hours, &e.gaming_hours, sizeof(float)), 0) << i;
      ASSERT_EQ(std::memcmp(&a.spending, &e.spending, sizeof(float)), 0) << i;
      ASSERT_EQ(fused.repayment[i], full.repayment[i]);
      ASSERT_EQ(fused.unapproved[i], full.unapproved[i]);
      ASSERT_EQ(fused.embarrassing[i], full.embarrassing[i]);
      ASSERT_EQ(std::memcmp(&fused.spending[i], &full.spending[i], sizeof(float)), 0);
      purchases += e.baby + e.games + e.domestic + e.luxury;
    }
    EXPECT_GT(purchases, n);  // the comparison saw real events
    // With no recorder at all the columns are made the fused way too (nothing reads them).
    std::vector<FusedRecorder> none;
    TickEvents bare;
    behave(b, soc.persons, 11, 0, t, bare, nullptr, &none);
    EXPECT_TRUE(bare.fused && bare.baby.empty());
    EXPECT_EQ(bare.spending, fused.spending);
    // And the full way again after a fused tick (the columns are made again).
    behave(b, soc.persons, 11, 0, t, bare);
    EXPECT_FALSE(bare.fused);
    EXPECT_EQ(bare.baby, full.baby);
  }
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

void expect_same_bytes(const TickEvents& a, const TickEvents& b, const char* skip, const char* why) {
  auto same = [&](const char* name, const auto& x, const auto& y) {
    if (std::string_view(name) == skip) return;
    ASSERT_EQ(x.size(), y.size()) << name;
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])), 0) << name << " moved when " << why;
  };
  same("repayment", a.repayment, b.repayment);
  same("baby", a.baby, b.baby);
  same("games", a.games, b.games);
  same("domestic", a.domestic, b.domestic);
  same("luxury", a.luxury, b.luxury);
  same("on_platform", a.on_platform, b.on_platform);
  same("gaming_hours", a.gaming_hours, b.gaming_hours);
  same("unapproved", a.unapproved, b.unapproved);
  same("embarrassing", a.embarrassing, b.embarrassing);
  same("spending", a.spending, b.spending);
}

// Common random numbers (MODEL.md): every behaviour reads its own field of the block, so changing
// one behaviour's input moves only its own column (and the columns computed from it: spending and
// platform use follow the purchase counts).
TEST(BehaviourLayout, ChangingOneBehaviourLeavesEveryOtherColumnByteIdentical) {
  SocietySpec s;
  BehaviourSpec b;
  const NodeId n = 30000;
  const Society base = generate_society(n, s, b, 9, 0);
  TickEvents ref;
  const Tick t = 2;
  behave(b, base.persons, 9, 0, t, ref);
  struct Change {
    const char* column;
    std::function<void(Persons&)> apply;
  };
  auto scale = [](Uf16Column Persons::*c, double f) {
    return [c, f](Persons& p) {
      for (std::size_t i = 0; i < p.size(); ++i) (p.*c).set(i, std::min(40.0, f * (p.*c)[i] + 0.05));
    };
  };
  const std::vector<Change> changes{
      {"repayment", [](Persons& p) { for (std::size_t i = 0; i < p.size(); ++i) { p.set_has_loan(i, 1); p.miss_prob.set(i, 0.5); } }},
      {"baby", scale(&Persons::rate_baby, 2.0)},
      {"games", scale(&Persons::rate_games, 3.0)},
      {"domestic", scale(&Persons::rate_domestic, 0.5)},
      {"luxury", scale(&Persons::rate_luxury, 4.0)},
      {"on_platform", [](Persons& p) { for (std::size_t i = 0; i < p.size(); ++i) p.platform_share.set(i, 1.0 - p.platform_share[i]); }},
      {"gaming_hours", scale(&Persons::gaming_hours, 2.0)},
      {"unapproved", scale(&Persons::dissent, 5.0)},
      {"embarrassing", scale(&Persons::embarrassing, 5.0)},
  };
  for (const Change& c : changes) {
    Society changed = base;
    c.apply(changed.persons);
    TickEvents ev;
    behave(b, changed.persons, 9, 0, t, ev);
    const std::string col = c.column;
    const bool purchase = col == "baby" || col == "games" || col == "domestic" || col == "luxury";
    if (purchase) {
      // Platform use and spending follow the counts; everything else must not move.
      TickEvents a = ref, e = ev;
      a.on_platform = e.on_platform;
      a.spending = e.spending;
      expect_same_bytes(a, e, c.column, c.column);
    } else {
      expect_same_bytes(ref, ev, c.column, c.column);
    }
    // And the change did move its own column.
    const std::vector<std::uint16_t>* own16 = col == "baby" ? &ev.baby : col == "games" ? &ev.games : col == "domestic" ? &ev.domestic
                                          : col == "luxury" ? &ev.luxury : col == "on_platform" ? &ev.on_platform
                                          : col == "unapproved" ? &ev.unapproved : col == "embarrassing" ? &ev.embarrassing : nullptr;
    const std::vector<std::uint16_t>* ref16 = col == "baby" ? &ref.baby : col == "games" ? &ref.games : col == "domestic" ? &ref.domestic
                                          : col == "luxury" ? &ref.luxury : col == "on_platform" ? &ref.on_platform
                                          : col == "unapproved" ? &ref.unapproved : col == "embarrassing" ? &ref.embarrassing : nullptr;
    if (own16) {
      EXPECT_NE(*own16, *ref16) << col;
    }
    if (col == "repayment") {
      EXPECT_NE(ev.repayment, ref.repayment);
    }
    if (col == "gaming_hours") {
      EXPECT_NE(ev.gaming_hours, ref.gaming_hours);
    }
  }
}

// Every column recomputed naively from the person's block and the layout's fields (behave_layout):
// a wrong slot, width or uniform would show here.
TEST(BehaviourLayout, EachBehaviourReadsItsOwnFieldOfThePersonsBlock) {
  using namespace behave_layout;
  SocietySpec s;
  BehaviourSpec b;
  const NodeId n = 5000;
  Society soc = generate_society(n, s, b, 21, 0);
  Persons& p = soc.persons;
  for (NodeId i = 0; i < n; ++i) p.set_has_loan(i, 1);
  const Tick t = 4;  // due for i % 4 == 0 with the default period 4
  ASSERT_EQ(b.repayment_period, 4);
  TickEvents ev;
  behave(b, p, 21, 0, t, ev);
  int due = 0, missed = 0, buying = 0;
  for (NodeId i = 0; i < n; ++i) {
    const Rng::Block blk = Rng::block(21, 0, t, i, Stream::kBehaviour, 0);
    auto u = [&](unsigned k) { return (static_cast<double>(draw::field<25>(blk, k)) + 0.5) / 33554432.0; };
    Repayment r = Repayment::kNone;
    if (i % 4 == 0) {
      r = u(0) < p.miss_prob[i] ? (u(1) < b.default_given_miss ? Repayment::kDefault : Repayment::kMissed) : Repayment::kOnTime;
      ++due;
      missed += r != Repayment::kOnTime;
    }
    ASSERT_EQ(ev.repayment[i], r) << i;
    ASSERT_EQ(ev.baby[i], draw::poisson_inv(u(2), p.rate_baby[i])) << i;
    ASSERT_EQ(ev.games[i], draw::poisson_inv(u(3), p.rate_games[i])) << i;
    ASSERT_EQ(ev.domestic[i], draw::poisson_inv(u(4), p.rate_domestic[i])) << i;
    ASSERT_EQ(ev.luxury[i], draw::poisson_inv(u(5), p.rate_luxury[i])) << i;
    const unsigned total = ev.baby[i] + ev.games[i] + ev.domestic[i] + ev.luxury[i];
    buying += total > 0;
    ASSERT_EQ(ev.on_platform[i], draw::binomial_inv(u(6), total, p.platform_share[i])) << i;
    ASSERT_EQ(ev.gaming_hours[i], static_cast<float>(p.gaming_hours[i] * -std::log(u(7)))) << i;
    ASSERT_EQ(ev.unapproved[i], draw::poisson_inv(u(8), p.dissent[i])) << i;
    ASSERT_EQ(ev.embarrassing[i], draw::poisson_inv(u(9), p.embarrassing[i])) << i;
  }
  EXPECT_EQ(due, n / 4);
  EXPECT_GT(missed, 0);
  EXPECT_GT(buying, n / 4);  // the comparison saw real purchases
}

// Marginals over many persons: each Poisson count has mean and variance equal to its rate (also
// above the inversion range, where the normal fallback draws), platform use is Binomial(total,
// share) and gaming hours exponential with the person's mean (mean m, variance m^2).
TEST(BehaviourLayout, MarginalDistributionsMatchTheRates) {
  SocietySpec s;
  BehaviourSpec b;
  const NodeId n = 50000;
  Society soc = generate_society(n, s, b, 3, 0);
  Persons& p = soc.persons;
  for (NodeId i = 0; i < n; ++i) {
    p.rate_baby.set(i, 0.3);
    p.rate_games.set(i, 2.0);
    p.rate_domestic.set(i, 7.5);
    p.rate_luxury.set(i, 45.0);  // > 30: the normal fallback
    p.platform_share.set(i, 0.35);
    p.gaming_hours.set(i, 3.0);
    p.dissent.set(i, 0.05);
    p.embarrassing.set(i, 1.2);
  }
  const int ticks = 4;
  const double N = static_cast<double>(n) * ticks;
  struct Acc { double s = 0, s2 = 0; void add(double x) { s += x, s2 += x * x; } };
  Acc baby, games, dom, lux, hours, unap, emb;
  double plat = 0, plat_mean = 0, plat_var = 0;
  TickEvents ev;
  for (Tick t = 1; t <= ticks; ++t) {
    behave(b, p, 3, 0, t, ev);
    for (NodeId i = 0; i < n; ++i) {
      baby.add(ev.baby[i]), games.add(ev.games[i]), dom.add(ev.domestic[i]), lux.add(ev.luxury[i]);
      hours.add(ev.gaming_hours[i]), unap.add(ev.unapproved[i]), emb.add(ev.embarrassing[i]);
      const double total = ev.baby[i] + ev.games[i] + ev.domestic[i] + ev.luxury[i], q = p.platform_share[i];
      plat += ev.on_platform[i], plat_mean += total * q, plat_var += total * q * (1 - q);
    }
  }
  // Mean within 4.5 standard errors; variance within 4.5 of its standard error (Poisson: the
  // variance of the sample variance ~ (m + 2 m^2) / N).
  auto check_poisson = [&](const Acc& a, double m, const char* name) {
    const double mean = a.s / N, var = a.s2 / N - mean * mean;
    EXPECT_NEAR(mean, m, 4.5 * std::sqrt(m / N)) << name;
    EXPECT_NEAR(var, m, 4.5 * std::sqrt((m + 2 * m * m) / N)) << name;
  };
  check_poisson(baby, p.rate_baby[0], "baby");
  check_poisson(games, p.rate_games[0], "games");
  check_poisson(dom, p.rate_domestic[0], "domestic");
  check_poisson(lux, p.rate_luxury[0], "luxury");
  check_poisson(unap, p.dissent[0], "unapproved");
  check_poisson(emb, p.embarrassing[0], "embarrassing");
  EXPECT_NEAR(plat, plat_mean, 4.5 * std::sqrt(plat_var));
  const double hm = p.gaming_hours[0], mean_h = hours.s / N, var_h = hours.s2 / N - mean_h * mean_h;
  EXPECT_NEAR(mean_h, hm, 4.5 * hm / std::sqrt(N));
  EXPECT_NEAR(var_h, hm * hm, 4.5 * hm * hm * std::sqrt(8.0 / N));  // Var of sample variance: 8 m^4 / N
}

// The same bytes with 1 and 2 threads, full and fused.
TEST(BehaviourLayout, SameBytesForOneAndTwoThreads) {
  SocietySpec s;
  BehaviourSpec b;
  const NodeId n = 3 * kFuseBlock + 91;
  const Society soc = generate_society(n, s, b, 13, 0);
  const int saved = omp_get_max_threads();
  TickEvents one, two;
  std::vector<PersonEvents> f1(n), f2(n);
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    TickEvents& ev = threads == 1 ? one : two;
    behave(b, soc.persons, 13, 0, 3, ev);
    std::vector<PersonEvents>& seen = threads == 1 ? f1 : f2;
    std::vector<FusedRecorder> rec{[&](std::size_t first, std::span<const PersonEvents> blk) {
      for (std::size_t k = 0; k < blk.size(); ++k) seen[first + k] = blk[k];
    }};
    TickEvents fused;
    behave(b, soc.persons, 13, 0, 3, fused, nullptr, &rec);
  }
  omp_set_num_threads(saved);
  expect_same_bytes(one, two, "", "the thread count changed");
  for (NodeId i = 0; i < n; ++i) {
    ASSERT_EQ(f1[i].games, f2[i].games);
    ASSERT_EQ(f1[i].on_platform, f2[i].on_platform);
    ASSERT_EQ(std::memcmp(&f1[i].gaming_hours, &f2[i].gaming_hours, sizeof(float)), 0);
  }
}

}  // namespace
}  // namespace credsim
