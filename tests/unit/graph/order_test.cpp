// Node orders and permute(): hand-computed BFS and degree orders, bijections, permute against an
// independent rebuild from the mapped edge list, round trips, and thread-count independence.
#include <gtest/gtest.h>
#include <omp.h>

#include <queue>
#include <utility>
#include <vector>

#include "credsim/graph/build.hpp"
#include "credsim/graph/generators.hpp"
#include "credsim/graph/order.hpp"

namespace credsim::graph {
namespace {

// 0-3, 0-5, 3-1, 5-2, 5-7, 2-7, 4-6 (two components).
Csr hand_graph() { return build_csr(8, {{0, 5}, {0, 3}, {3, 1}, {5, 2}, {5, 7}, {2, 7}, {4, 6}}); }

// Four blocks of unequal sizes, 70 % of ties inside the block on average.
const std::vector<NodeId> kSizes{300, 500, 1, 700};
Csr block_graph() { return stochastic_block(kSizes, 0.02, 0.003, 11, 0); }

std::vector<std::pair<NodeId, NodeId>> edges_of(const Csr& g) {
  std::vector<std::pair<NodeId, NodeId>> e;
  for (NodeId u = 0; u < g.num_nodes(); ++u)
    for (NodeId v : g.neighbours(u))
      if (u < v) e.emplace_back(u, v);
  return e;
}

std::vector<Permutation> all_orders(const Csr& g, std::span<const NodeId> starts) {
  std::vector<Permutation> out;
  for (NodeOrder o : {NodeOrder::kGenerated, NodeOrder::kRandom, NodeOrder::kBfs,
                      NodeOrder::kBfsWithinBlocks, NodeOrder::kDegreeWithinBlocks})
    out.push_back(make_order(o, g, starts, 5));
  return out;
}

TEST(Order, IsPermutation) {
  EXPECT_TRUE(is_permutation(std::vector<NodeId>{}));
  EXPECT_TRUE(is_permutation(std::vector<NodeId>{2, 0, 1}));
  EXPECT_FALSE(is_permutation(std::vector<NodeId>{0, 0, 1}));
  EXPECT_FALSE(is_permutation(std::vector<NodeId>{1, 2, 3}));
}

TEST(Order, BfsHandComputed) {
  const Csr g = hand_graph();
  // From 0: 3, 5; from 3: 1; from 5: 2, 7; then the next unvisited id, 4, and its neighbour 6.
  EXPECT_EQ(bfs_order(g).new_to_old(), (std::vector<NodeId>{0, 3, 5, 1, 2, 7, 4, 6}));
  // Blocks [0,4) and [4,8): 0-3-1 then lone 2 (its only ties leave the block); 4-6, then 5-7.
  const std::vector<NodeId> starts{0, 4, 8};
  EXPECT_EQ(bfs_order(g, starts).new_to_old(), (std::vector<NodeId>{0, 3, 1, 2, 4, 6, 5, 7}));
}

TEST(Order, DegreeHandComputed) {
  const Csr g = hand_graph();  // degrees 2 1 2 2 1 3 1 2
  EXPECT_EQ(degree_order(g).new_to_old(), (std::vector<NodeId>{5, 0, 2, 3, 7, 1, 4, 6}));
  const std::vector<NodeId> starts{0, 4, 8};
  EXPECT_EQ(degree_order(g, starts).new_to_old(), (std::vector<NodeId>{0, 2, 3, 1, 5, 7, 4, 6}));
}

TEST(Order, PermuteHandComputed) {
  const Csr g = hand_graph();
  const Permutation p(std::vector<NodeId>{0, 3, 5, 1, 2, 7, 4, 6});
  // old -> new: 0->0 3->1 5->2 1->3 2->4 7->5 4->6 6->7
  const Csr h = permute(g, p);
  EXPECT_EQ(h.offsets().to_vector(), (std::vector<EdgeIdx>{0, 2, 4, 7, 8, 10, 12, 13, 14}));
  EXPECT_EQ(h.neighbour_array(),
            (std::vector<NodeId>{1, 2, 0, 3, 0, 4, 5, 1, 2, 5, 2, 4, 7, 6}));
  EXPECT_TRUE(h.valid());
}

TEST(Order, EveryOrderIsABijectionWithItsInverse) {
  const Csr g = block_graph();
  const auto starts = block_starts(kSizes);
  for (const Permutation& p : all_orders(g, starts)) {
    ASSERT_EQ(p.size(), g.num_nodes());
    EXPECT_TRUE(is_permutation(p.new_to_old()));
    EXPECT_TRUE(is_permutation(p.old_to_new()));
    for (NodeId i = 0; i < p.size(); ++i) ASSERT_EQ(p.new_of(p.old_of(i)), i);
    const Permutation q = p.inverse();
    EXPECT_EQ(q.new_to_old(), p.old_to_new());
    EXPECT_EQ(q.old_to_new(), p.new_to_old());
  }
  EXPECT_TRUE(all_orders(g, starts)[0].is_identity());
  EXPECT_FALSE(all_orders(g, starts)[1].is_identity());
}

TEST(Order, WithinBlockOrdersKeepBlocks) {
  const Csr g = block_graph();
  const auto starts = block_starts(kSizes);
  for (const Permutation& p : {bfs_order(g, starts), degree_order(g, starts)}) {
    for (std::size_t b = 0; b + 1 < starts.size(); ++b)
      for (NodeId i = starts[b]; i < starts[b + 1]; ++i) {
        ASSERT_GE(p.old_of(i), starts[b]);
        ASSERT_LT(p.old_of(i), starts[b + 1]);
      }
  }
  // The global BFS crosses blocks (the graph is connected across them).
  const Permutation p = bfs_order(g);
  bool crossed = false;
  for (NodeId i = 0; i < starts[1]; ++i) crossed |= p.old_of(i) >= starts[1];
  EXPECT_TRUE(crossed);
}

// A naive BFS on the block-restricted subgraph, with std::queue, against bfs_order.
TEST(Order, BfsWithinBlocksMatchesNaiveQueue) {
  const Csr g = block_graph();
  const auto starts = block_starts(kSizes);
  std::vector<NodeId> expect;
  std::vector<bool> seen(g.num_nodes(), false);
  for (std::size_t b = 0; b + 1 < starts.size(); ++b) {
    for (NodeId s = starts[b]; s < starts[b + 1]; ++s) {
      if (seen[s]) continue;
      std::queue<NodeId> q;
      q.push(s);
      seen[s] = true;
      while (!q.empty()) {
        const NodeId u = q.front();
        q.pop();
        expect.push_back(u);
        for (NodeId v : g.neighbours(u))
          if (v >= starts[b] && v < starts[b + 1] && !seen[v]) seen[v] = true, q.push(v);
      }
    }
  }
  EXPECT_EQ(bfs_order(g, starts).new_to_old(), expect);
}

TEST(Order, PermuteEqualsRebuildFromMappedEdges) {
  const Csr g = block_graph();
  const auto starts = block_starts(kSizes);
  for (const Permutation& p : all_orders(g, starts)) {
    auto mapped = edges_of(g);
    for (auto& [u, v] : mapped) u = p.new_of(u), v = p.new_of(v);
    const Csr expect = build_csr(g.num_nodes(), mapped);
    const Csr h = permute(g, p);
    EXPECT_EQ(h.offsets().to_vector(), expect.offsets().to_vector());
    EXPECT_EQ(h.neighbour_array(), expect.neighbour_array());
    EXPECT_TRUE(h.valid());
  }
}

TEST(Order, PermuteThenInverseGivesTheSameCsr) {
  const Csr g = block_graph();
  for (const Permutation& p : all_orders(g, block_starts(kSizes))) {
    const Csr back = permute(permute(g, p), p.inverse());
    EXPECT_EQ(back.offsets().to_vector(), g.offsets().to_vector());
    EXPECT_EQ(back.neighbour_array(), g.neighbour_array());
  }
}

// What the simulation would rely on: a neighbour mean computed in the new order and mapped back
// with to_old_order equals the one computed in the original order, exactly.
TEST(Order, GatherInNewOrderMapsBack) {
  const Csr g = block_graph();
  std::vector<std::uint16_t> score(g.num_nodes());
  for (NodeId u = 0; u < g.num_nodes(); ++u) score[u] = static_cast<std::uint16_t>(350 + (u * 7919u) % 601);
  auto mean = [](const Csr& h, const std::vector<std::uint16_t>& s) {
    std::vector<double> m(h.num_nodes(), 0.0);
    for (NodeId u = 0; u < h.num_nodes(); ++u) {
      std::uint64_t sum = 0;
      for (NodeId v : h.neighbours(u)) sum += s[v];
      if (h.degree(u)) m[u] = static_cast<double>(sum) / static_cast<double>(h.degree(u));
    }
    return m;
  };
  const auto expect = mean(g, score);
  for (const Permutation& p : all_orders(g, block_starts(kSizes))) {
    const auto by_new = mean(permute(g, p), to_new_order<std::uint16_t>(score, p));
    EXPECT_EQ(to_old_order<double>(by_new, p), expect);
    EXPECT_EQ(to_old_order<std::uint16_t>(to_new_order<std::uint16_t>(score, p), p), score);
  }
}

TEST(Order, RandomOrderIsSeeded) {
  EXPECT_EQ(random_order(1000, 3).new_to_old(), random_order(1000, 3).new_to_old());
  EXPECT_NE(random_order(1000, 3).new_to_old(), random_order(1000, 4).new_to_old());
  EXPECT_TRUE(random_order(0, 3).new_to_old().empty());
}

TEST(Order, SameBytesForAnyThreadCount) {
  const Csr g = block_graph();
  const auto starts = block_starts(kSizes);
  const int saved = omp_get_max_threads();
  std::vector<std::vector<NodeId>> orders[3];
  std::vector<std::vector<NodeId>> arcs[3];
  const int threads[3] = {1, 2, 3};
  for (int k = 0; k < 3; ++k) {
    omp_set_num_threads(threads[k]);
    for (const Permutation& p : all_orders(g, starts)) {
      orders[k].push_back(p.new_to_old());
      arcs[k].push_back(permute(g, p).neighbour_array());
    }
  }
  omp_set_num_threads(saved);
  for (int k = 1; k < 3; ++k) {
    EXPECT_EQ(orders[k], orders[0]);
    EXPECT_EQ(arcs[k], arcs[0]);
  }
}

}  // namespace
}  // namespace credsim::graph
