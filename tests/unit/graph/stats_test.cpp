// compute_stats on hand-made graphs, and components against a naive BFS on a random graph.
#include <gtest/gtest.h>

#include <omp.h>

#include <queue>

#include "credsim/graph/build.hpp"
#include "credsim/graph/generators.hpp"
#include "credsim/graph/stats.hpp"

namespace credsim::graph {
namespace {

TEST(Stats, HandMade) {
  // Triangle 0-1-2, path 3-4, isolated 5 and 6, star centre 7 with leaves 8, 9, 10.
  const Csr g = build_csr(11, {{0, 1}, {1, 2}, {2, 0}, {3, 4}, {7, 8}, {7, 9}, {10, 7}});
  const Stats s = compute_stats(g);
  EXPECT_EQ(s.nodes, 11u);
  EXPECT_EQ(s.edges, 7u);
  EXPECT_EQ(s.isolated, 2u);
  EXPECT_EQ(s.components, 5u);
  EXPECT_EQ(s.largest_component, 4u);
  EXPECT_EQ(s.max_degree, 3u);
  EXPECT_DOUBLE_EQ(s.mean_degree, 14.0 / 11.0);
}

TEST(Stats, Empty) {
  const Stats s = compute_stats(Csr{});
  EXPECT_EQ(s.nodes, 0u);
  EXPECT_EQ(s.components, 0u);
  EXPECT_EQ(s.mean_degree, 0.0);
}

// Component count and largest size by a plain BFS (the reference for the parallel union-find).
std::pair<NodeId, NodeId> naive_components(const Csr& g) {
  std::vector<int> seen(g.num_nodes(), 0);
  NodeId comps = 0, largest = 0;
  for (NodeId s = 0; s < g.num_nodes(); ++s) {
    if (seen[s]) continue;
    ++comps;
    NodeId size = 0;
    std::queue<NodeId> q;
    q.push(s);
    seen[s] = 1;
    while (!q.empty()) {
      const NodeId u = q.front();
      q.pop();
      ++size;
      for (NodeId v : g.neighbours(u)) {
        if (!seen[v]) {
          seen[v] = 1;
          q.push(v);
        }
      }
    }
    largest = std::max(largest, size);
  }
  return {comps, largest};
}

// Below, at and above the giant-component threshold (mean degree 0.5, 1, 1.5, 4), with 1, 2 and
// 4 threads: the same counts as the BFS. Mean degree 1 gives many components of many sizes; at
// 4 most arcs belong to the giant component and are skipped after the sampling step.
TEST(Stats, ComponentsMatchNaiveBfs) {
  for (double k : {0.5, 1.0, 1.5, 4.0}) {
    const Csr g = erdos_renyi(20000, k, 17, 0);
    const auto [comps, largest] = naive_components(g);
    for (int threads : {1, 2, 4}) {
      omp_set_num_threads(threads);
      const Stats st = compute_stats(g);
      EXPECT_EQ(st.components, comps) << "mean degree " << k << ", " << threads << " threads";
      EXPECT_EQ(st.largest_component, largest) << "mean degree " << k << ", " << threads << " threads";
    }
    if (k == 1.0) {
      EXPECT_GT(comps, 1000u);
    }
  }
  omp_set_num_threads(omp_get_num_procs());
}

// A ring (ids 2..3002, the giant component) and a triangle {0, 1, 3003} joined by one edge
// 5–3003 that is neither end's first or second neighbour (5: 4, 6, 12, 2999, 3003; 3003: 0, 1, 5):
// only the last phase links it, from the triangle's side, since 5 is in the sampled giant.
TEST(Stats, ComponentJoinedOnlyFromOutsideTheGiant) {
  std::vector<std::pair<NodeId, NodeId>> e;
  const NodeId ring = 3001;
  for (NodeId k = 0; k < ring; ++k) e.emplace_back(2 + k, 2 + (k + 1) % ring), e.emplace_back(2 + k, 2 + (k + 7) % ring);
  e.insert(e.end(), {{0, 1}, {0, 3003}, {1, 3003}, {5, 3003}});
  const Csr g = build_csr(3004, e);
  ASSERT_EQ(g.neighbours(3003)[2], 5u);
  ASSERT_EQ(g.neighbours(5)[4], 3003u);
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    const Stats st = compute_stats(g);
    EXPECT_EQ(st.components, 1u);
    EXPECT_EQ(st.largest_component, 3004u);
  }
  omp_set_num_threads(omp_get_num_procs());
}

}  // namespace
}  // namespace credsim::graph
