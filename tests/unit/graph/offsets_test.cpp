// The compact CSR offsets (graph/offsets.hpp) against plain 64-bit offsets: exact decoding at
// block boundaries (nodes 63/64/65), for nodes without arcs and beyond 2^32 arcs; the block span
// limit; shifts (adaptation's edits) against a naive recount; and the Csr built on them:
// neighbours, degrees and edits across blocks against an independently built graph, checkpoint
// round trips and clear errors for inconsistent loaded arrays.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/graph/build.hpp"
#include "credsim/graph/csr.hpp"
#include "credsim/graph/offsets.hpp"
#include "credsim/io/checkpoint.hpp"
#include "test_support.hpp"

namespace credsim::graph {
namespace {

constexpr EdgeIdx k32 = EdgeIdx{1} << 32;
using Arc = std::pair<NodeId, NodeId>;

// Every way to read the offsets agrees with the plain array.
void expect_decodes(const Offsets& o, const std::vector<EdgeIdx>& want) {
  ASSERT_EQ(o.size(), want.size());
  EXPECT_EQ(o.to_vector(), want);
  for (std::size_t u = 0; u < want.size(); ++u) {
    ASSERT_EQ(o[u], want[u]) << "offset " << u;
    if (u + 1 < want.size() && want[u + 1] - want[u] < k32) {
      ASSERT_EQ(o.gap(u), want[u + 1] - want[u]) << "gap " << u;
    }
  }
  EXPECT_EQ(o.memory_bytes(), want.size() * 4 + (want.size() + 63) / 64 * 8);
  EXPECT_EQ(o.layout_error(), "");
}

// Offsets of `size` entries from 0 with degrees d(u): 0 for every third node, larger at 63-65.
std::vector<EdgeIdx> sample(std::size_t size, EdgeIdx start = 0, EdgeIdx scale = 1) {
  std::vector<EdgeIdx> v(size);
  if (size == 0) return v;
  v[0] = start;
  for (std::size_t u = 1; u < size; ++u) {
    const EdgeIdx d = (u - 1) % 3 == 0 ? 0 : ((u - 1) * 7 % 11 + ((u - 1) >= 62 && (u - 1) <= 65 ? 100 : 0));
    v[u] = v[u - 1] + d * scale;
  }
  return v;
}

TEST(Offsets, DecodeExactlyAtEveryBlockBoundaryAndSize) {
  for (std::size_t size : {1u, 2u, 63u, 64u, 65u, 66u, 127u, 128u, 129u, 200u}) {
    SCOPED_TRACE(size);
    const auto v = sample(size);
    expect_decodes(Offsets(v), v);
    // The same from the counts.
    std::vector<std::uint32_t> counts(size, 0);
    for (std::size_t u = 1; u < size; ++u) counts[u] = static_cast<std::uint32_t>(v[u] - v[u - 1]);
    expect_decodes(Offsets::from_counts(counts), v);
  }
  expect_decodes(Offsets(), {0});
}

TEST(Offsets, ExactBeyondTwoToThe32Arcs) {
  // Bases above 2^32 and 2^40, a block whose low words wrap around 2^32 inside it, a node (63)
  // whose arcs reach from one block far into the next, and nodes without arcs.
  for (const EdgeIdx start : {k32 - 500, k32, k32 + 1, (EdgeIdx{1} << 40) + 12345}) {
    SCOPED_TRACE(start);
    auto v = sample(200, start, 3);
    for (std::size_t u = 64; u < v.size(); ++u) v[u] += 5 * k32;  // node 63: 5 * 2^32 + arcs
    expect_decodes(Offsets(v), v);
  }
  // From counts: 64 nodes of 2^26 arcs per block: every block spans 63 * 2^26 < 2^32, the
  // offsets reach 199 * 2^26 (13.4e9), none of them off.
  std::vector<std::uint32_t> counts(200, 1u << 26);
  counts[0] = 0;
  counts[70] = counts[71] = 0;
  std::vector<EdgeIdx> want(200, 0);
  for (std::size_t u = 1; u < 200; ++u) want[u] = want[u - 1] + counts[u];
  ASSERT_GT(want.back(), 3 * k32);
  expect_decodes(Offsets::from_counts(counts), want);
}

TEST(Offsets, NotIncreasingOffsetsAreKeptAsTheyAre) {
  // The structural checks of Csr reject them, so they must read back as given.
  const std::vector<EdgeIdx> v{5, 3, 9, 0, 7, 7, 1};
  EXPECT_EQ(Offsets(v).to_vector(), v);
}

TEST(Offsets, ABlockSpanningTwoToThe32ArcsIsAClearError) {
  // 63 steps of 68174084 make 2^32 - 4 arcs between a block's first and last offset.
  const EdgeIdx step = 68174084;
  for (const EdgeIdx extra : {EdgeIdx{3}, EdgeIdx{4}}) {
    std::vector<EdgeIdx> v(130, 0);
    for (std::size_t u = 65; u < 128; ++u) v[u] = v[u - 1] + step;  // block 1: nodes 64 .. 127
    v[127] += extra;
    v[128] = v[129] = v[127];
    std::vector<std::uint32_t> counts(130, 0);
    for (std::size_t u = 1; u < 130; ++u) counts[u] = static_cast<std::uint32_t>(v[u] - v[u - 1]);
    if (extra == 3) {  // 2^32 - 1: still fits
      expect_decodes(Offsets(v), v);
      expect_decodes(Offsets::from_counts(counts), v);
      continue;
    }
    for (int way = 0; way < 2; ++way) {
      try {
        if (way == 0) (void)Offsets{v};
        else (void)Offsets::from_counts(counts);
        FAIL() << "a block spanning 2^32 arcs was accepted";
      } catch (const ResourceError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("nodes 64 to 127"), std::string::npos) << what;
        EXPECT_NE(what.find("4294967296 arcs"), std::string::npos) << what;
        EXPECT_NE(what.find("Fix:"), std::string::npos) << what;
      }
    }
  }
}

// offset(u) ± the arcs whose source is below u, naively.
std::vector<EdgeIdx> shifted(std::vector<EdgeIdx> v, const std::vector<Arc>& arcs, bool subtract) {
  for (std::size_t u = 0; u < v.size(); ++u) {
    EdgeIdx d = 0;
    for (const Arc& a : arcs) d += a.first < u;
    v[u] = subtract ? v[u] - d : v[u] + d;
  }
  return v;
}

TEST(Offsets, ShiftMatchesANaiveRecountAcrossBlocks) {
  for (const EdgeIdx start : {EdgeIdx{0}, k32 - 40}) {
    SCOPED_TRACE(start);
    auto v = sample(200, start, 4);  // every node's degree is a multiple of 4: room to remove
    // Sources at block edges, repeated, first and last node.
    const std::vector<Arc> arcs{{0, 1}, {0, 5}, {62, 1}, {63, 2}, {63, 3}, {64, 9}, {65, 1},
                                {127, 0}, {128, 3}, {128, 4}, {199, 0}, {199, 7}};
    Offsets o(v);
    o.shift(arcs, false);
    const auto up = shifted(v, arcs, false);
    expect_decodes(o, up);
    o.shift(arcs, true);
    expect_decodes(o, v);
    Offsets p(up);
    p.shift(arcs, true);
    expect_decodes(p, v);
  }
}

TEST(Offsets, AnAdditionThatWouldSpanTwoToThe32AbortsNamingTheBlock) {
  std::vector<std::uint32_t> counts(130, 0);
  for (std::size_t u = 65; u < 128; ++u) counts[u] = 68174084;  // block 1 spans 2^32 - 4
  Offsets o = Offsets::from_counts(counts);
  o.shift(std::vector<Arc>{{64, 1}, {100, 2}, {126, 3}}, false);  // 2^32 - 1: fits
  EXPECT_EQ(o[127], k32 - 1);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(o.shift(std::vector<Arc>{{70, 1}}, false), "nodes 64 to 127 hold 4294967296 arcs");
  // An arc of the block's last node moves only the next block: fine.
  o.shift(std::vector<Arc>{{127, 1}}, false);
  EXPECT_EQ(o[128], k32);
}

// ---- the Csr on compact offsets -------------------------------------------------------------

// A graph of 200 nodes with hubs at 63, 64 and 65, isolated nodes at 0, 62, 66 and 199, a path
// along the rest and ties across every block boundary.
std::set<Arc> sample_edges() {
  std::set<Arc> e;
  for (NodeId u = 1; u + 1 < 199; ++u)
    if (u != 62 && u != 66 && u + 1 != 62 && u + 1 != 66) e.insert({u, u + 1});
  for (NodeId v = 1; v < 199; v += 3)
    for (NodeId h : {63u, 64u, 65u})
      if (v != h && v != 62 && v != 66) e.insert({std::min(h, v), std::max(h, v)});
  e.insert({127, 128});
  e.insert({128, 191});
  return e;
}

Csr csr_of(NodeId n, const std::set<Arc>& edges) { return build_csr(n, {edges.begin(), edges.end()}); }

// Offsets, degrees, lists and has_edge against the edge set itself.
void expect_graph(const Csr& g, NodeId n, const std::set<Arc>& edges) {
  ASSERT_TRUE(g.valid());
  ASSERT_EQ(g.num_nodes(), n);
  ASSERT_EQ(g.num_edges(), edges.size());
  std::vector<std::vector<NodeId>> lists(n);
  for (const auto& [u, v] : edges) lists[u].push_back(v), lists[v].push_back(u);
  EdgeIdx at = 0;
  for (NodeId u = 0; u < n; ++u) {
    std::sort(lists[u].begin(), lists[u].end());
    ASSERT_EQ(g.offset(u), at) << u;
    ASSERT_EQ(g.degree(u), lists[u].size()) << u;
    const auto nb = g.neighbours(u);
    ASSERT_EQ(std::vector<NodeId>(nb.begin(), nb.end()), lists[u]) << u;
    at += lists[u].size();
  }
  EXPECT_EQ(g.offset(n), at);
  for (NodeId u = 60; u < std::min<NodeId>(70, n); ++u)
    for (NodeId v = 0; v < n; ++v) ASSERT_EQ(g.has_edge(u, v), edges.count({std::min(u, v), std::max(u, v)}) > 0);
  EXPECT_EQ(g.memory_bytes(), (n + 1) * 4u + ((n + 1 + 63) / 64) * 8u + 2 * edges.size() * 4u);
  EXPECT_TRUE(g.check_shape());
}

TEST(CompactCsr, ListsAndDegreesAtBlockBoundaries) {
  const auto edges = sample_edges();
  expect_graph(csr_of(200, edges), 200, edges);
  for (NodeId n : {63u, 64u, 65u}) {  // the block of the last offset: full, one more, two more
    std::set<Arc> e;
    for (const Arc& a : edges)
      if (a.second < n) e.insert(a);
    expect_graph(csr_of(n, e), n, e);
  }
  expect_graph(Csr(), 0, {});
}

TEST(CompactCsr, EditsAcrossBlocksMatchARebuild) {
  auto edges = sample_edges();
  Csr g = csr_of(200, edges);
  // Cut the hubs' ties across block boundaries, tie the isolated nodes, several rounds.
  const std::vector<std::pair<std::vector<Arc>, std::vector<Arc>>> rounds{
      {{{1, 63}, {63, 64}, {64, 65}, {127, 128}}, {{0, 62}, {0, 199}, {62, 66}, {63, 199}}},
      {{{0, 199}, {64, 196}}, {{0, 64}, {64, 65}, {65, 66}, {127, 129}}},
      {{}, {{1, 200 - 2}, {62, 63}}},
      {{{0, 62}, {62, 63}, {62, 66}}, {}}};
  for (const auto& [rm, add] : rounds) {
    g.apply_edits(rm, add);
    for (const Arc& a : rm) ASSERT_EQ(edges.erase(a), 1u);
    for (const Arc& a : add) ASSERT_TRUE(edges.insert(a).second);
    expect_graph(g, 200, edges);
    const Csr rebuilt = csr_of(200, edges);
    EXPECT_EQ(g.offsets().to_vector(), rebuilt.offsets().to_vector());
    EXPECT_EQ(g.neighbour_array(), rebuilt.neighbour_array());
  }
  EXPECT_EQ(g.version(), rounds.size());
}

TEST(CompactCsr, CheckpointRoundTripKeepsEveryArray) {
  test::TempDir tmp("offsets-ckpt");
  auto edges = sample_edges();
  Csr g = csr_of(200, edges);
  g.apply_edits(std::vector<Arc>{{63, 64}}, std::vector<Arc>{{0, 130}});
  for (int k = 0; k < 2; ++k) {
    ckpt::Archive a = ckpt::Archive::create(tmp.path() / std::to_string(k), ckpt::Header{ckpt::kFormatVersion, "x", 1, 2});
    a.section("graph");
    Csr copy = g;
    a(k == 0 ? g : copy);
    a.finish();
  }
  ckpt::Archive in = ckpt::Archive::open(tmp.path() / "0");
  in.section("graph");
  Csr back;
  in(back);
  in.finish();
  EXPECT_EQ(back.shape_error(), "");
  EXPECT_TRUE(back.valid());
  EXPECT_EQ(back.offsets().to_vector(), g.offsets().to_vector());
  EXPECT_EQ(back.neighbour_array(), g.neighbour_array());
  EXPECT_EQ(back.version(), g.version());
  EXPECT_EQ(test::slurp(tmp.path() / "0"), test::slurp(tmp.path() / "1"));
}

// The arrays as a checkpoint holds them (low words, bases, neighbours, version), loaded.
Csr loaded(const test::TempDir& tmp, std::vector<std::uint32_t> low, std::vector<EdgeIdx> base, std::vector<NodeId> nb) {
  const auto p = tmp.path() / "g";
  {
    ckpt::Archive a = ckpt::Archive::create(p, ckpt::Header{ckpt::kFormatVersion, "x", 1, 2});
    a.section("graph");
    std::uint64_t version = 0;
    a(low, base, nb, version);
    a.finish();
  }
  ckpt::Archive in = ckpt::Archive::open(p);
  in.section("graph");
  Csr g;
  in(g);
  in.finish();
  return g;
}

TEST(CompactCsr, InconsistentLoadedArraysAreNamed) {
  test::TempDir tmp("offsets-bad");
  // Path 0 - 1 - 2: low words {0, 1, 3, 4}, one base 0.
  EXPECT_EQ(loaded(tmp, {0, 1, 3, 4}, {0}, {1, 0, 2, 1}).shape_error(), "");
  auto err = [&](std::vector<std::uint32_t> low, std::vector<EdgeIdx> base, std::vector<NodeId> nb) {
    const Csr g = loaded(tmp, std::move(low), std::move(base), std::move(nb));
    EXPECT_FALSE(g.check_shape());
    return g.shape_error();
  };
  EXPECT_EQ(err({}, {}, {}), "offsets: no offsets (a graph of n nodes has n + 1)");
  EXPECT_EQ(err({0, 1, 3, 4}, {0, 0}, {1, 0, 2, 1}), "offsets: 2 block bases for 4 offsets (expected 1)");
  EXPECT_EQ(err({0, 1, 3, 4}, {}, {1, 0, 2, 1}), "offsets: 0 block bases for 4 offsets (expected 1)");
  EXPECT_EQ(err({1, 1, 3, 4}, {1}, {1, 0, 2, 1}), "the first offset is 1, not 0");
  EXPECT_EQ(err({0, 3, 1, 4}, {0}, {1, 0, 2, 1}), "the offsets decrease after node 1 (3 > 1)");
  EXPECT_EQ(err({0, 1, 3, 5}, {0}, {1, 0, 2, 1}), "the last offset is 5, not the 4 neighbour entries");
  EXPECT_EQ(err({0, 1, 3, 4}, {0}, {1, 0, 3, 1}), "neighbour entry 2 is node 3 of 3");
  // A base past 2^32 in a small file; a second block's base 2^32 above the first's: node 63 would
  // have 2^32 arcs, more than degree() can say.
  EXPECT_EQ(err({0, 1, 3, 4}, {k32}, {1, 0, 2, 1}), "the first offset is 4294967296, not 0");
  EXPECT_EQ(err(std::vector<std::uint32_t>(66, 0), {0, k32}, {}), "node 63 has 2^32 or more arcs");
}

}  // namespace
}  // namespace credsim::graph
