// Society generation: exact region sizes, per-person determinism, and the distributions asked for.
#include "credsim/society/society.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <numeric>

#include "credsim/measure/stats.hpp"

namespace credsim {
namespace {

TEST(RegionSizes, LargestRemainderSumsExactly) {
  EXPECT_EQ(region_sizes(10, {1, 1, 1}), (std::vector<NodeId>{4, 3, 3}));
  EXPECT_EQ(region_sizes(7, {2, 1}), (std::vector<NodeId>{5, 2}));  // 4.667, 2.333
  EXPECT_EQ(region_sizes(5, {0, 1}), (std::vector<NodeId>{0, 5}));
  const auto s = region_sizes(1000003, {3, 1, 4, 1, 5, 9, 2, 6});
  EXPECT_EQ(std::accumulate(s.begin(), s.end(), NodeId{0}), 1000003u);
}

TEST(Society, SameForAnyThreadCountAndPrefixStable) {
  SocietySpec s;
  s.region_weights = {1, 2};
  BehaviourSpec b;
  omp_set_num_threads(1);
  const Society a = generate_society(5000, s, b, 9, 0);
  omp_set_num_threads(2);
  const Society c = generate_society(5000, s, b, 9, 0);
  EXPECT_EQ(a.persons.wealth, c.persons.wealth);
  EXPECT_EQ(a.persons.dissent, c.persons.dissent);
  EXPECT_EQ(a.persons.consent, c.persons.consent);
  // A person's traits depend on their id, not on the population size.
  const Society big = generate_society(8000, s, b, 9, 0);
  for (NodeId i = 0; i < 5000; i += 97) EXPECT_EQ(a.persons.income[i], big.persons.income[i]);
  const Society other = generate_society(5000, s, b, 10, 0);
  EXPECT_NE(a.persons.wealth, other.persons.wealth);
}

TEST(Society, DistributionsFollowTheSpec) {
  SocietySpec s;
  s.region_weights = {1, 1, 2};
  s.wealth_median = 50000;
  s.wealth_sigma = 1.0;
  BehaviourSpec b;
  const NodeId n = 200000;
  const Society soc = generate_society(n, s, b, 3, 0);
  const Persons& p = soc.persons;
  // Regions are contiguous blocks of the right sizes.
  EXPECT_EQ(soc.region_start, (std::vector<NodeId>{0, 50000, 100000, 200000}));
  EXPECT_EQ(p.region[49999], 0);
  EXPECT_EQ(p.region[50000], 1);
  EXPECT_EQ(p.region[199999], 2);
  // Lognormal wealth: the median is wealth_median (within sampling error).
  std::vector<double> w(p.initial_wealth.begin(), p.initial_wealth.end());
  const double half[] = {0.5};
  EXPECT_NEAR(measure::quantiles(w, half)[0] / 50000, 1.0, 0.02);
  // Mean-preserving spread of personal rates.
  std::vector<double> dom(p.rate_domestic.begin(), p.rate_domestic.end());
  EXPECT_NEAR(measure::mean(dom), b.rate_domestic, 0.02);
  // Shares.
  double parents = 0, loans = 0, shop = 0;
  for (NodeId i = 0; i < n; ++i) {
    parents += p.parent[i];
    loans += p.has_loan[i];
    shop += (p.consent[i] & kConsentShopping) != 0;
  }
  EXPECT_NEAR(parents / n, s.parent_share, 0.005);
  EXPECT_NEAR(loans / n, b.loan_share, 0.005);
  EXPECT_NEAR(shop / n, s.consent_shopping, 0.005);
  // Income correlates with wealth, and poorer persons miss more instalments (SPEC §2).
  std::vector<double> inc(p.income.begin(), p.income.end()), miss(p.miss_prob.begin(), p.miss_prob.end());
  EXPECT_GT(measure::spearman(w, inc), 0.4);
  EXPECT_LT(measure::spearman(w, miss), -0.2);
  // Wealth starts where initial wealth is.
  for (NodeId i = 0; i < n; i += 1013) EXPECT_EQ(p.wealth[i], p.initial_wealth[i]);
  // Non-parents rarely buy baby goods.
  double baby_parent = 0, baby_other = 0, np = 0;
  for (NodeId i = 0; i < n; ++i) (p.parent[i] ? baby_parent : baby_other) += p.rate_baby[i], np += p.parent[i];
  EXPECT_NEAR(baby_parent / np, b.rate_baby_parent, 0.02);
  EXPECT_NEAR(baby_other / (n - np), b.rate_baby_other, 0.002);
}

TEST(Society, BusinessesHaveRepresentativesInTheSociety) {
  SocietySpec s;
  s.businesses = 500;
  const Society soc = generate_society(1000, s, BehaviourSpec{}, 1, 0);
  ASSERT_EQ(soc.businesses.size_rows(), 500u);
  for (std::size_t j = 0; j < 500; ++j) {
    ASSERT_LT(soc.businesses.legal_representative[j], 1000u);
    EXPECT_EQ(soc.businesses.region[j], soc.persons.region[soc.businesses.legal_representative[j]]);
    EXPECT_GE(soc.businesses.size[j], 1.0f);
  }
}

}  // namespace
}  // namespace credsim
