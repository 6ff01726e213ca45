// The behaviour catalog: event rates follow the propensities; streams are independent.
#include "credsim/behave/behaviour.hpp"

#include <gtest/gtest.h>

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
    p.has_loan[i] = 1;
    p.miss_prob[i] = 0.2f;
    p.rate_domestic[i] = 1.5f;
    p.rate_baby[i] = p.rate_games[i] = p.rate_luxury[i] = 0.0f;
    p.platform_share[i] = 0.25f;
    p.dissent[i] = 0.1f;
    p.gaming_hours[i] = 4.0f;
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
  for (auto& r : soc.persons.rate_games) r *= 3;  // a different games rate...
  behave(b, soc.persons, 5, 0, 3, c);
  EXPECT_EQ(a.unapproved, c.unapproved);  // ...does not move anyone's posts (own stream)
  EXPECT_EQ(a.repayment, c.repayment);
  EXPECT_EQ(a.gaming_hours, c.gaming_hours);
  EXPECT_NE(a.games, c.games);
}

}  // namespace
}  // namespace credsim
