// Csr::valid() and build_csr: exact hand-made cases, and the two-pass builder's independence
// from the thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <vector>

#include "credsim/graph/build.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {
namespace {

std::vector<NodeId> nbrs(const Csr& g, NodeId u) {
  auto s = g.neighbours(u);
  return {s.begin(), s.end()};
}

TEST(Csr, DefaultIsEmptyAndValid) {
  Csr g;
  EXPECT_EQ(g.num_nodes(), 0u);
  EXPECT_EQ(g.num_edges(), 0u);
  EXPECT_TRUE(g.valid());
}

TEST(Csr, ValidRejectsEachBrokenInvariant) {
  // Triangle 0-1-2 plus isolated 3, valid.
  EXPECT_TRUE(Csr({0, 2, 4, 6, 6}, {1, 2, 0, 2, 0, 1}).valid());
#if defined(NDEBUG) && !defined(CREDSIM_CHECKED)  // else the constructor asserts first
  EXPECT_FALSE(Csr({0, 2, 4, 6}, {2, 1, 0, 2, 0, 1}).valid());        // unsorted
  EXPECT_FALSE(Csr({0, 1, 2}, {1, 1}).valid());                        // 1 -> 1 self-loop
  EXPECT_FALSE(Csr({0, 1, 1}, {1}).valid());                           // asymmetric
  EXPECT_FALSE(Csr({0, 2, 4}, {1, 1, 0, 0}).valid());                  // duplicates
  EXPECT_FALSE(Csr({0, 1, 2}, {5, 0}).valid());                        // id out of range
  EXPECT_FALSE(Csr({0, 2, 1, 2}, {1, 2}).valid());                     // offsets not monotone
  EXPECT_FALSE(Csr({0, 1, 3}, {1, 0}).valid());                        // back != size
  EXPECT_FALSE(Csr({1, 1, 1}, {}).valid());                            // front != 0
#endif
}

TEST(BuildCsr, CleansLoopsDuplicatesAndSymmetrises) {
  // 0-1 given three times (both directions), a self-loop on 2, 3-1 reversed, 4 isolated.
  Csr g = build_csr(5, {{0, 1}, {1, 0}, {0, 1}, {2, 2}, {3, 1}, {1, 2}});
  ASSERT_TRUE(g.valid());
  EXPECT_EQ(g.num_nodes(), 5u);
  EXPECT_EQ(g.num_edges(), 3u);
  EXPECT_EQ(nbrs(g, 0), (std::vector<NodeId>{1}));
  EXPECT_EQ(nbrs(g, 1), (std::vector<NodeId>{0, 2, 3}));
  EXPECT_EQ(nbrs(g, 2), (std::vector<NodeId>{1}));
  EXPECT_EQ(nbrs(g, 3), (std::vector<NodeId>{1}));
  EXPECT_TRUE(nbrs(g, 4).empty());
  EXPECT_EQ(g.offsets().to_vector(), (std::vector<EdgeIdx>{0, 1, 4, 5, 6, 6}));
}

TEST(BuildCsr, EmptyAndEdgeless) {
  EXPECT_EQ(build_csr(0, {}).num_nodes(), 0u);
  Csr g = build_csr(3, {{1, 1}});
  EXPECT_TRUE(g.valid());
  EXPECT_EQ(g.num_edges(), 0u);
  EXPECT_EQ(g.num_nodes(), 3u);
}

TEST(BuildCsrDeath, EndpointOutOfRangeAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // OpenMP threads exist: re-exec, not fork
  EXPECT_DEATH(build_csr(2, {{0, 2}}), "endpoint");
}

// The expected neighbour lists of an edge list, by a naive method: both directions, no
// self-loops, sorted, duplicates removed.
std::vector<std::vector<NodeId>> naive_lists(NodeId n, const std::vector<std::pair<NodeId, NodeId>>& edges) {
  std::vector<std::vector<NodeId>> lists(n);
  for (auto [a, b] : edges) {
    if (a == b) continue;
    lists[a].push_back(b);
    lists[b].push_back(a);
  }
  for (auto& l : lists) {
    std::sort(l.begin(), l.end());
    l.erase(std::unique(l.begin(), l.end()), l.end());
  }
  return lists;
}

// Random multigraph with many duplicates; the two-pass builder against a naive set-based one,
// with 1 and 2 threads.
TEST(BuildCsr, TwoPassMatchesNaiveAndIsThreadIndependent) {
  const NodeId n = 3000;
  std::vector<std::pair<NodeId, NodeId>> edges;
  std::uint64_t x = 12345;
  for (int i = 0; i < 60000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const auto a = static_cast<NodeId>((x >> 33) % 400);  // small range: many duplicates
    const auto b = static_cast<NodeId>((x >> 13) % n);
    edges.emplace_back(a, b);
  }
  const std::vector<std::vector<NodeId>> naive = naive_lists(n, edges);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  Csr one = build_csr(n, edges);
  omp_set_num_threads(2);
  Csr two = build_csr(n, edges);
  omp_set_num_threads(saved);
  ASSERT_TRUE(one.valid());
  for (NodeId u = 0; u < n; ++u) ASSERT_EQ(nbrs(one, u), naive[u]) << "node " << u;
  EXPECT_EQ(one.offsets().to_vector(), two.offsets().to_vector());
  EXPECT_EQ(one.neighbour_array(), two.neighbour_array());
}

TEST(BuildCsr, TwoPassEnumeratorFromNodes) {
  // Each node u owns edges to u+1 and u+2 (mod n), emitted also reversed once: a 4-regular ring.
  const NodeId n = 1000;
  Csr g = build_csr_two_pass(n, n, [&](std::uint64_t u, auto&& emit) {
    const auto v = static_cast<NodeId>(u);
    emit(v, static_cast<NodeId>((u + 1) % n));
    emit(static_cast<NodeId>((u + 2) % n), v);
    emit(v, static_cast<NodeId>((u + 1) % n));  // duplicate, dropped
    emit(v, v);                                 // self-loop, dropped
  });
  ASSERT_TRUE(g.valid());
  EXPECT_EQ(g.num_edges(), 2u * n);
  for (NodeId u = 0; u < n; ++u) EXPECT_EQ(g.degree(u), 4u);
}

// The scatter's per-thread queues (detail::Pipeline) hold up to kScatterDepth edges and twice as
// many writes: a build with fewer edges than that never fills them, so everything goes through
// the final drains; one with a few more fills them once. Both against the expected lists, with 1
// and 2 threads.
TEST(BuildCsr, TwoPassDrainsItsQueues) {
  for (const std::size_t m : {std::size_t{0}, std::size_t{1}, detail::kScatterDepth - 1, detail::kScatterDepth,
                              detail::kScatterDepth + 1, 3 * detail::kScatterDepth + 5}) {
    const NodeId n = 200;
    std::vector<std::pair<NodeId, NodeId>> edges;
    for (std::size_t i = 0; i < m; ++i) edges.emplace_back(static_cast<NodeId>(i % n), static_cast<NodeId>((7 * i + 3) % n));
    const std::vector<std::vector<NodeId>> want = naive_lists(n, edges);
    const int saved = omp_get_max_threads();
    for (int t : {1, 2}) {
      omp_set_num_threads(t);
      const Csr g = build_csr(n, edges);
      ASSERT_TRUE(g.valid()) << m << " edges, " << t << " threads";
      for (NodeId u = 0; u < n; ++u) ASSERT_EQ(nbrs(g, u), want[u]) << m << " edges, " << t << " threads, node " << u;
    }
    omp_set_num_threads(saved);
  }
}

TEST(BuildCsr, PipelineIsFirstInFirstOut) {
  detail::Pipeline<int, 4> q;
  EXPECT_TRUE(q.empty());
  std::vector<int> out;
  for (int i = 0; i < 11; ++i) {
    if (q.full()) out.push_back(q.pop());
    q.push(i);
  }
  EXPECT_TRUE(q.full());
  while (!q.empty()) out.push_back(q.pop());
  std::vector<int> want(11);
  for (int i = 0; i < 11; ++i) want[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(out, want);
}

}  // namespace
}  // namespace credsim::graph
