// Rare-event sampling: the skipping-and-thinning sampler against the exact per-person
// probabilities, derived events, ordering and thread-count independence.
#include "credsim/behave/rare_events.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

namespace credsim {
namespace {

struct World {
  SocietySpec s;
  BehaviourSpec b;
  Society soc;
  EventCatalog cat;
  TickEvents ev;
  explicit World(NodeId n) : soc(generate_society(n, s, b, 4, 0)) { ev.resize(n); }
};

TEST(RareEvents, CountsMatchExactPerPersonProbabilities) {
  World w(200000);
  // Keep only two drawn types: a heterogeneous misconduct one and a neutral one.
  for (auto& t : w.cat.mutable_types())
    if (t.kind != EventKind::kDerived) t.rate = 0;
  auto& jay = w.cat.mutable_types()[*w.cat.find("jaywalking")];
  jay.rate = 0.02;
  jay.wealth_elasticity = -0.5;
  auto& charity = w.cat.mutable_types()[*w.cat.find("charity")];
  charity.kind = EventKind::kNeutral;
  charity.rate = 0.01;
  charity.wealth_elasticity = 0;
  RareEventSampler sampler(w.cat, w.soc.persons);
  // Expected events per tick: Σ_i (1 − exp(−rate_i)), computed naively.
  double expect_jay = 0;
  for (std::size_t i = 0; i < w.soc.persons.size(); ++i) {
    const double m = w.soc.persons.misconduct(i) * std::exp(-0.5 * w.soc.persons.wealth_z(i) - 0.125);
    EXPECT_NEAR(sampler.rate(*w.cat.find("jaywalking"), i), 0.02 * m, 1e-9);
    expect_jay += -std::expm1(-0.02 * m);
  }
  const double expect_charity = w.soc.persons.size() * -std::expm1(-0.01);
  std::vector<Occurrence> occ;
  double jay_n = 0, charity_n = 0;
  const int ticks = 10;
  for (Tick t = 1; t <= ticks; ++t) {
    sampler.draw(4, 0, t, w.ev, occ);
    for (const auto& o : occ) {
      EXPECT_EQ(o.count, 1);
      (o.type == *w.cat.find("jaywalking") ? jay_n : charity_n) += 1;
    }
  }
  // Binomial totals: within 5 standard deviations.
  EXPECT_NEAR(jay_n, ticks * expect_jay, 5 * std::sqrt(ticks * expect_jay));
  EXPECT_NEAR(charity_n, ticks * expect_charity, 5 * std::sqrt(ticks * expect_charity));
}

TEST(RareEvents, SortedDeterministicAndIndependentOfThreads) {
  World w(30000);
  RareEventSampler sampler(w.cat, w.soc.persons);
  std::vector<Occurrence> a, b;
  omp_set_num_threads(1);
  sampler.draw(4, 0, 3, w.ev, a);
  omp_set_num_threads(2);
  sampler.draw(4, 0, 3, w.ev, b);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  for (std::size_t k = 1; k < a.size(); ++k)
    EXPECT_TRUE(a[k - 1].person < a[k].person || (a[k - 1].person == a[k].person && a[k - 1].type < a[k].type));
  std::vector<Occurrence> c;
  sampler.draw(4, 0, 4, w.ev, c);
  EXPECT_NE(a, c);  // another tick, other events
}

TEST(RareEvents, DerivedEventsComeFromStructuredBehaviour) {
  World w(100);
  for (auto& t : w.cat.mutable_types()) t.rate = 0;
  RareEventSampler sampler(w.cat, w.soc.persons);
  w.ev.repayment[5] = Repayment::kMissed;
  w.ev.repayment[7] = Repayment::kDefault;
  w.ev.unapproved[7] = 3;
  w.ev.embarrassing[9] = 1;
  std::vector<Occurrence> occ;
  sampler.draw(4, 0, 1, w.ev, occ);
  const std::vector<Occurrence> expected{{5, ev::kMissedInstalment, 1},
                                         {7, ev::kLoanDefault, 1},
                                         {7, ev::kUnapprovedPost, 3},
                                         {9, ev::kEmbarrassingPost, 1}};
  EXPECT_EQ(occ, expected);
}

}  // namespace
}  // namespace credsim
