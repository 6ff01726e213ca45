// The behaviour catalog: event rates follow the propensities; streams are independent.
#include "credsim/behave/behaviour.hpp"

#include <gtest/gtest.h>

#include <cstring>
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
