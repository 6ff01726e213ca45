// compute_stats on hand-made graphs, and components against a naive BFS on a random graph.
#include <gtest/gtest.h>

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

TEST(Stats, ComponentsMatchNaiveBfs) {
  // Mean degree 1: near the giant-component threshold, so many components of many sizes.
  const Csr g = erdos_renyi(20000, 1.0, 17, 0);
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
  const Stats st = compute_stats(g);
  EXPECT_EQ(st.components, comps);
  EXPECT_EQ(st.largest_component, largest);
  EXPECT_GT(comps, 1000u);
}

}  // namespace
}  // namespace credsim::graph
