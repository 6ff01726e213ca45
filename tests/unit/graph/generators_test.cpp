// Generators: validity, statistical properties with tolerances of several standard deviations,
// exact structure where there is one, argument checks, and determinism (across calls and
// thread counts) — the SPEC §6 rule that a seed gives the same graph on any machine.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <functional>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/graph/generators.hpp"
#include "credsim/graph/stats.hpp"

namespace credsim::graph {
namespace {

bool same(const Csr& a, const Csr& b) {
  return a.offsets().to_vector() == b.offsets().to_vector() && a.neighbour_array() == b.neighbour_array();
}

// Builds with 1, 2 and 5 threads (5 oversubscribes the 2-core test machine, which shuffles the
// scatter order further) and checks the bytes agree.
void expect_thread_independent(const std::function<Csr()>& make) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  Csr one = make();
  omp_set_num_threads(2);
  Csr two = make();
  omp_set_num_threads(5);
  Csr five = make();
  omp_set_num_threads(saved);
  EXPECT_TRUE(same(one, two));
  EXPECT_TRUE(same(one, five));
  EXPECT_TRUE(same(one, make())) << "a second call differs";
}

void expect_input_error(const std::function<void()>& fn, const std::string& key) {
  try {
    fn();
    ADD_FAILURE() << "no InputError for " << key;
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), key) << e.what();
    EXPECT_FALSE(e.expected().empty()) << e.what();
  }
}

TEST(ErdosRenyi, MeanDegreeAndValidity) {
  const Csr g = erdos_renyi(20000, 10.0, 7, 0);
  ASSERT_TRUE(g.valid());
  EXPECT_EQ(g.num_nodes(), 20000u);
  // Edges ~ Binomial(n(n-1)/2, p): mean 100000, sd ~316 → mean degree sd ~0.03.
  EXPECT_NEAR(compute_stats(g).mean_degree, 10.0, 0.2);
  // Degrees ~ Poisson(10): variance close to 10 (naive check that edges are not clumped).
  double var = 0;
  for (NodeId u = 0; u < g.num_nodes(); ++u) var += std::pow(g.degree(u) - 10.0, 2);
  EXPECT_NEAR(var / g.num_nodes(), 10.0, 1.0);
}

TEST(ErdosRenyi, ExtremesAndDeterminism) {
  EXPECT_EQ(erdos_renyi(500, 0.0, 1, 0).num_edges(), 0u);
  const Csr full = erdos_renyi(200, 199.0, 1, 0);  // p = 1: complete graph
  EXPECT_EQ(full.num_edges(), 200u * 199 / 2);
  EXPECT_TRUE(full.valid());
  EXPECT_EQ(erdos_renyi(0, 0.0, 1, 0).num_nodes(), 0u);
  EXPECT_EQ(erdos_renyi(1, 0.0, 1, 0).num_edges(), 0u);
  expect_thread_independent([] { return erdos_renyi(30000, 8.0, 42, 3); });
  EXPECT_FALSE(same(erdos_renyi(5000, 8.0, 42, 0), erdos_renyi(5000, 8.0, 43, 0)));
  EXPECT_FALSE(same(erdos_renyi(5000, 8.0, 42, 0), erdos_renyi(5000, 8.0, 42, 1)));
}

TEST(ErdosRenyi, RejectsImpossibleMeanDegree) {
  expect_input_error([] { erdos_renyi(10, 10.0, 1, 0); }, "graph.mean_degree");
  expect_input_error([] { erdos_renyi(10, -1.0, 1, 0); }, "graph.mean_degree");
  expect_input_error([] { erdos_renyi(10, std::nan(""), 1, 0); }, "graph.mean_degree");
  expect_input_error([] { erdos_renyi(0, 1.0, 1, 0); }, "graph.mean_degree");
}

TEST(WattsStrogatz, BetaZeroIsExactRingLattice) {
  const NodeId n = 1001;
  const unsigned k = 6;
  const Csr g = watts_strogatz(n, k, 0.0, 5, 0);
  ASSERT_TRUE(g.valid());
  EXPECT_EQ(g.num_edges(), std::uint64_t{n} * k / 2);
  for (NodeId u = 0; u < n; ++u) {
    ASSERT_EQ(g.degree(u), k);
    for (unsigned j = 1; j <= k / 2; ++j) {
      const auto nb = g.neighbours(u);
      EXPECT_TRUE(std::binary_search(nb.begin(), nb.end(), (u + j) % n));
      EXPECT_TRUE(std::binary_search(nb.begin(), nb.end(), (u + n - j) % n));
    }
  }
  // The largest possible k (n - 1 with n odd) is the complete graph.
  EXPECT_EQ(watts_strogatz(9, 8, 0.0, 5, 0).num_edges(), 36u);
}

TEST(WattsStrogatz, RewiringKeepsDegreeAndShortensRing) {
  const NodeId n = 20000;
  const Csr g = watts_strogatz(n, 10, 0.2, 9, 0);
  ASSERT_TRUE(g.valid());
  // Losses are rewired self-loops (1/n) and collisions (~k/n): a tiny fraction.
  const double mean = compute_stats(g).mean_degree;
  EXPECT_LT(mean, 10.0);
  EXPECT_GT(mean, 9.98);
  // About beta of the lattice edges (u, u+j) are gone.
  std::uint64_t kept = 0;
  for (NodeId u = 0; u < n; ++u) {
    const auto nb = g.neighbours(u);
    for (unsigned j = 1; j <= 5; ++j) kept += std::binary_search(nb.begin(), nb.end(), (u + j) % n);
  }
  EXPECT_NEAR(static_cast<double>(kept) / (5.0 * n), 0.8, 0.01);
  expect_thread_independent([] { return watts_strogatz(30000, 8, 0.3, 4, 1); });
  EXPECT_FALSE(same(watts_strogatz(3000, 8, 0.3, 4, 1), watts_strogatz(3000, 8, 0.3, 5, 1)));
}

TEST(WattsStrogatz, RejectsBadArguments) {
  expect_input_error([] { watts_strogatz(100, 5, 0.1, 1, 0); }, "graph.k");
  expect_input_error([] { watts_strogatz(10, 10, 0.1, 1, 0); }, "graph.k");
  expect_input_error([] { watts_strogatz(100, 4, 1.5, 1, 0); }, "graph.beta");
  expect_input_error([] { watts_strogatz(100, 4, -0.1, 1, 0); }, "graph.beta");
}

TEST(BarabasiAlbert, ExactEdgeCountAndHeavyTail) {
  const NodeId n = 20000;
  const unsigned m = 3;
  const Csr g = barabasi_albert(n, m, 11, 0);
  ASSERT_TRUE(g.valid());
  // Clique on m+1 nodes, then m distinct new edges per later node: no edge is ever lost.
  EXPECT_EQ(g.num_edges(), std::uint64_t{m} * (m + 1) / 2 + std::uint64_t{n - m - 1} * m);
  const Stats s = compute_stats(g);
  EXPECT_EQ(s.components, 1u);
  EXPECT_EQ(s.isolated, 0u);
  for (NodeId u = 0; u < n; ++u) ASSERT_GE(g.degree(u), m);
  // Preferential attachment: the largest hub is far above anything G(n, p) would give
  // (expected max ~ m·sqrt(n) ≈ 400; ER with the same mean stays below ~20).
  EXPECT_GT(s.max_degree, 150u);
  EXPECT_EQ(barabasi_albert(5, 4, 1, 0).num_edges(), 10u);  // n = m + 1: just the clique
  expect_thread_independent([] { return barabasi_albert(20000, 4, 2, 0); });
  EXPECT_FALSE(same(barabasi_albert(2000, 2, 1, 0), barabasi_albert(2000, 2, 2, 0)));
}

TEST(BarabasiAlbert, RejectsBadM) {
  expect_input_error([] { barabasi_albert(10, 10, 1, 0); }, "graph.m");
  expect_input_error([] { barabasi_albert(10, 0, 1, 0); }, "graph.m");
}

TEST(StochasticBlock, WithinBlockShare) {
  const std::vector<NodeId> sizes{3000, 5000, 2000, 0, 4000};
  const double p_in = 0.004, p_out = 0.0002;
  const Csr g = stochastic_block(sizes, p_in, p_out, 3, 0);
  ASSERT_TRUE(g.valid());
  std::vector<NodeId> block;
  for (std::size_t b = 0; b < sizes.size(); ++b) block.insert(block.end(), sizes[b], static_cast<NodeId>(b));
  ASSERT_EQ(g.num_nodes(), block.size());
  double e_in = 0, e_out = 0, total = 0;
  for (std::size_t a = 0; a < sizes.size(); ++a) {
    e_in += p_in * sizes[a] * (sizes[a] - 1.0) / 2;
    for (std::size_t b = a + 1; b < sizes.size(); ++b) e_out += p_out * sizes[a] * double(sizes[b]);
  }
  std::uint64_t in = 0;
  for (NodeId u = 0; u < g.num_nodes(); ++u)
    for (NodeId v : g.neighbours(u)) in += (v > u && block[u] == block[v]);
  total = static_cast<double>(g.num_edges());
  // e_in ≈ 51,000, e_out ≈ 14,800: Poisson sd of each is < 230.
  EXPECT_NEAR(static_cast<double>(in), e_in, 1000);
  EXPECT_NEAR(total - in, e_out, 600);
  EXPECT_NEAR(in / total, e_in / (e_in + e_out), 0.01);
  expect_thread_independent([&] { return stochastic_block(sizes, p_in, p_out, 8, 2); });
  EXPECT_FALSE(same(stochastic_block(sizes, p_in, p_out, 8, 2), stochastic_block(sizes, p_in, p_out, 9, 2)));
}

TEST(StochasticBlock, ExtremesAndErrors) {
  const std::vector<NodeId> sizes{4, 5};
  EXPECT_EQ(stochastic_block(sizes, 1.0, 0.0, 1, 0).num_edges(), 6u + 10u);  // two cliques
  EXPECT_EQ(stochastic_block(sizes, 0.0, 1.0, 1, 0).num_edges(), 20u);       // complete bipartite
  EXPECT_EQ(stochastic_block({}, 0.5, 0.5, 1, 0).num_nodes(), 0u);
  expect_input_error([&] { stochastic_block(sizes, 1.1, 0.0, 1, 0); }, "graph.p_in");
  expect_input_error([&] { stochastic_block(sizes, 0.1, -0.5, 1, 0); }, "graph.p_out");
  const std::vector<NodeId> huge{0xF0000000u, 0x20000000u};
  expect_input_error([&] { stochastic_block(huge, 0.1, 0.1, 1, 0); }, "graph.blocks");
}

}  // namespace
}  // namespace credsim::graph
