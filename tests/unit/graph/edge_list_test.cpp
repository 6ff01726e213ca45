// Edge-list loader: exact hand-made files (every format rule and every error path), then every
// real network in ../shared/data/graphs against counts computed independently in Python.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/graph/edge_list.hpp"
#include "credsim/graph/stats.hpp"
#include "test_support.hpp"

namespace credsim::graph {
namespace {

std::string write_text(const test::TempDir& dir, const std::string& name, const std::string& text) {
  const auto p = dir.path() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string write_gz(const test::TempDir& dir, const std::string& name, const std::string& text) {
  const auto p = (dir.path() / name).string();
  gzFile f = gzopen(p.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(f);
  return p;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<NodeId> nbrs(const Csr& g, NodeId u) {
  auto s = g.neighbours(u);
  return {s.begin(), s.end()};
}

// Expects an InputError whose message names the file and, if line > 0, "file:line".
InputError expect_error(const std::string& path, std::uint64_t line, const std::string& part) {
  try {
    load_edge_list(path);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    if (line > 0) {
      EXPECT_EQ(e.pos().line, line) << msg;
      EXPECT_NE(msg.find(path + ":" + std::to_string(line)), std::string::npos) << msg;
    }
    EXPECT_NE(msg.find(part), std::string::npos) << msg;
    EXPECT_FALSE(e.fix().empty()) << msg;
    return e;
  }
  ADD_FAILURE() << "no InputError for " << path;
  return InputError({}, "", "");
}

// Comments of both kinds, blank lines, mixed separators, CRLF, extra columns, a self-loop, a
// pair repeated in both directions, ids with gaps; no final newline.
const char* const kMixed =
    "# a comment\n"
    "% another comment\n"
    "\n"
    "10\t20\n"
    "20 10 0.5\n"          // duplicate, reversed, with a weight
    "  30,10,-3,1289241911.72\r\n"
    "30   30\n"            // self-loop
    "\t\n"
    "10 20\n"              // duplicate again
    "1000000000000 20";    // big id, gap in ids, no final newline

TEST(EdgeList, MixedSeparatorsCommentsLoopsDuplicatesGaps) {
  test::TempDir dir("edgelist");
  const LoadedGraph lg = load_edge_list(write_text(dir, "mixed.txt", kMixed));
  ASSERT_TRUE(lg.csr.valid());
  EXPECT_EQ(lg.original_ids, (std::vector<std::uint64_t>{10, 20, 30, 1000000000000ull}));
  EXPECT_EQ(lg.data_lines, 6u);
  EXPECT_EQ(lg.self_loops, 1u);
  EXPECT_EQ(lg.duplicate_pairs, 2u);
  EXPECT_FALSE(lg.had_header);
  EXPECT_EQ(lg.csr.num_nodes(), 4u);
  EXPECT_EQ(lg.csr.num_edges(), 3u);
  EXPECT_EQ(nbrs(lg.csr, 0), (std::vector<NodeId>{1, 2}));     // 10: 20, 30
  EXPECT_EQ(nbrs(lg.csr, 1), (std::vector<NodeId>{0, 3}));     // 20: 10, 1e12
  EXPECT_EQ(nbrs(lg.csr, 2), (std::vector<NodeId>{0}));        // 30: 10 (loop dropped)
  EXPECT_EQ(nbrs(lg.csr, 3), (std::vector<NodeId>{1}));
}

TEST(EdgeList, GzipIsDetectedByMagicBytesNotName) {
  test::TempDir dir("edgelist");
  const LoadedGraph plain = load_edge_list(write_text(dir, "p.txt", kMixed));
  const LoadedGraph gz = load_edge_list(write_gz(dir, "g.txt.gz", kMixed));
  const LoadedGraph disguised = load_edge_list(write_gz(dir, "looks-plain.txt", kMixed));
  const LoadedGraph plain_named_gz = load_edge_list(write_text(dir, "not-really.gz", kMixed));
  for (const LoadedGraph* lg : {&gz, &disguised, &plain_named_gz}) {
    EXPECT_EQ(lg->csr.offsets().to_vector(), plain.csr.offsets().to_vector());
    EXPECT_EQ(lg->csr.neighbour_array(), plain.csr.neighbour_array());
    EXPECT_EQ(lg->original_ids, plain.original_ids);
    EXPECT_EQ(lg->duplicate_pairs, plain.duplicate_pairs);
  }
}

TEST(EdgeList, HeaderLineSkippedOnlyFirst) {
  test::TempDir dir("edgelist");
  const LoadedGraph lg =
      load_edge_list(write_text(dir, "h.txt", "# c\nsource_id target_id trust_value\n1 2 .8\n2 3 1\n"));
  EXPECT_TRUE(lg.had_header);
  EXPECT_EQ(lg.data_lines, 2u);
  EXPECT_EQ(lg.csr.num_edges(), 2u);
  // A second text line is data, hence an error at its line.
  expect_error(write_text(dir, "h2.txt", "from,to\n1,2\nsource,target\n"), 3, "not an unsigned integer");
}

TEST(EdgeList, EmptyAndCommentOnlyFiles) {
  test::TempDir dir("edgelist");
  for (const char* text : {"", "# only a comment\n", "\n\n", "header only\n"}) {
    const LoadedGraph lg = load_edge_list(write_text(dir, "e.txt", text));
    EXPECT_EQ(lg.csr.num_nodes(), 0u);
    EXPECT_EQ(lg.data_lines, 0u);
    EXPECT_TRUE(lg.csr.valid());
  }
}

TEST(EdgeList, LongLinesAcrossChunkBoundaries) {
  // Lines straddle the 4 MiB read chunks; one line is longer than a chunk.
  std::string text;
  for (int i = 0; i < 300000; ++i) text += std::to_string(i) + "\t" + std::to_string(i + 1) + "\n";
  text += "5 6 " + std::string(9u << 20, 'x') + "\n7 8\n";
  test::TempDir dir("edgelist");
  const LoadedGraph lg = load_edge_list(write_text(dir, "long.txt", text));
  EXPECT_EQ(lg.data_lines, 300002u);
  EXPECT_EQ(lg.csr.num_nodes(), 300001u);
  EXPECT_EQ(lg.csr.num_edges(), 300000u);  // 5-6 and 7-8 repeat path edges
  EXPECT_EQ(lg.duplicate_pairs, 2u);
}

TEST(EdgeList, MalformedIdsNameFileLineAndExpectation) {
  test::TempDir dir("edgelist");
  InputError e = expect_error(write_text(dir, "neg.txt", "# c\n1 2\n3 -4\n"), 3, "negative node id '-4'");
  EXPECT_EQ(e.pos().column, 3u);
  EXPECT_NE(e.expected().find("unsigned integer"), std::string::npos);
  // A malformed first line is an error, not a header.
  expect_error(write_text(dir, "neg1.txt", "-1 2\n"), 1, "negative");
  expect_error(write_text(dir, "big.txt", "1 2\n18446744073709551616 1\n"), 2, "exceeds 2^64-1");
  EXPECT_EQ(load_edge_list(write_text(dir, "max.txt", "18446744073709551615 0\n")).original_ids.back(),
            18446744073709551615ull);
  expect_error(write_text(dir, "frac.txt", "1 2\n2 3.5\n"), 2, "'3.5' is not an unsigned integer");
  expect_error(write_text(dir, "one.txt", "1 2\n\n7\n"), 3, "only one node id");
  expect_error(write_text(dir, "word.txt", "1 2\n2 3\nfoo bar\n"), 3, "'foo'");
  expect_error(write_text(dir, "plus.txt", "+1 2\n"), 1, "not an unsigned integer");
  expect_error(write_text(dir, "commas.txt", "1,2\n,,3\n"), 2, "node id ','");
}

TEST(EdgeList, BinaryGarbageIsAnErrorNotACrash) {
  test::TempDir dir("edgelist");
  std::string garbage = "1 2\n";
  for (int i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 7919) % 256);
  EXPECT_THROW(load_edge_list(write_text(dir, "garbage.bin", garbage)), InputError);
}

TEST(EdgeList, TruncatedAndCorruptGzip) {
  test::TempDir dir("edgelist");
  std::string text;
  for (int i = 0; i < 50000; ++i) text += std::to_string(i) + " " + std::to_string(i * 7 % 50000) + "\n";
  const std::string whole = read_bytes(write_gz(dir, "whole.gz", text));
  ASSERT_GT(whole.size(), 1000u);
  expect_error(write_text(dir, "cut.gz", whole.substr(0, whole.size() / 2)), 0, "truncated or corrupt");
  expect_error(write_text(dir, "tail.gz", whole.substr(0, whole.size() - 4)), 0, "truncated or corrupt");
  std::string flipped = whole;
  for (std::size_t i = 100; i < 140; ++i) flipped[i] = static_cast<char>(~flipped[i]);
  expect_error(write_text(dir, "flip.gz", flipped), 0, "truncated or corrupt");
  expect_error(write_text(dir, "magic-only.gz", std::string("\x1f\x8b", 2)), 0, "truncated or corrupt");
}

TEST(EdgeList, MissingFileAndFolder) {
  test::TempDir dir("edgelist");
  const InputError e = expect_error((dir.path() / "nope.txt").string(), 0, "not found");
  EXPECT_EQ(e.key(), "graph.edge_list");
  expect_error(dir.path().string(), 0, "folder");
}

// ---- Real networks ----------------------------------------------------------------------
//
// Expected values were computed independently by real_network_counts.py beside this file
// (Python, gzip + sets, no credsim code): read each file, skip '#'/'%' comments, blank lines and a first line whose
// first two fields are not integers, split on [ \t,]+, take the first two fields; count data
// lines, lines with a == b, distinct ids, distinct unordered pairs {a, b} with a != b,
// degree-0 ids, connected components by union-find, the largest, and the maximum degree.
//
// What the README's node count means: the number of nodes in the source dataset. The file
// only lists edges, so a node with no edge does not appear in it and we cannot see it:
//  * polblogs: README 1,490 nodes, ids 0..1489, but only 1,224 ids occur in the edge list —
//    266 blogs have no link in the (graph-tool) data and are absent from the file.
//  * out.advogato: README 6,541 = max id (ids start at 1); 2 ids never occur, so 6,539.
//  * wiki-Vote, bitcoin-alpha/otc, Epinions: ids have gaps; the README's count equals the
//    number of distinct ids that occur (wiki-Vote ids 3..8297, 7,115 nodes).
// Nodes that occur only in self-loops are kept as isolated nodes (email-Eu-core has 19,
// advogato 1,384): they are in the file and dropping them would lose persons of the network.
struct RealNet {
  const char* file;
  std::uint64_t readme_nodes;  // from data/README.md
  std::uint64_t nodes;         // distinct ids occurring in the file
  std::uint64_t data_lines;    // = README edge count in every case
  std::uint64_t self_loops, duplicate_pairs;
  std::uint64_t edges;  // undirected, after cleaning
  bool header;
  NodeId isolated, components, largest;
  EdgeIdx max_degree;
};

constexpr RealNet kNets[] = {
    {"karate.txt.gz", 34, 34, 78, 0, 0, 78, false, 0, 1, 34, 17},
    {"polblogs.txt.gz", 1490, 1224, 19090, 3, 2372, 16715, false, 0, 2, 1222, 351},
    {"email-Eu-core.txt.gz", 1005, 1005, 25571, 642, 8865, 16064, false, 19, 20, 986, 345},
    {"facebook_combined.txt.gz", 4039, 4039, 88234, 0, 0, 88234, false, 0, 1, 4039, 1045},
    {"wiki-Vote.txt.gz", 7115, 7115, 103689, 0, 2927, 100762, false, 0, 24, 7066, 1065},
    {"out.advogato.gz", 6541, 6539, 51127, 3992, 7850, 39285, true, 1384, 1441, 5042, 803},
    {"soc-sign-bitcoinotc.csv.gz", 5881, 5881, 35592, 0, 14100, 21492, false, 0, 4, 5875, 795},
    {"soc-sign-bitcoinalpha.csv.gz", 3783, 3783, 24186, 0, 10062, 14124, false, 0, 5, 3775, 511},
    {"email-Enron.txt.gz", 36692, 36692, 183831, 0, 0, 183831, false, 0, 1065, 33696, 1383},
    {"pgp-strong-2009.txt.gz", 39796, 39796, 301498, 0, 104348, 197150, false, 0, 1, 39796, 1696},
    {"soc-Epinions1.txt.gz", 75879, 75879, 508837, 0, 103097, 405740, false, 0, 2, 75877, 3044},
    {"soc-Slashdot0902.txt.gz", 82168, 82168, 948464, 78303, 365931, 504230, false, 0, 1, 82168, 2552},
};

TEST(EdgeListReal, EveryNetworkMatchesIndependentCounts) {
  CREDSIM_REQUIRE_DATA(dir);
  std::size_t seen = 0;
  for (const RealNet& net : kNets) {
    SCOPED_TRACE(net.file);
    const auto path = dir / net.file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const LoadedGraph lg = load_edge_list(path.string());
    ASSERT_TRUE(lg.csr.valid());
    EXPECT_EQ(lg.csr.num_nodes(), net.nodes);
    EXPECT_EQ(lg.original_ids.size(), net.nodes);
    EXPECT_TRUE(std::is_sorted(lg.original_ids.begin(), lg.original_ids.end()));
    EXPECT_EQ(lg.data_lines, net.data_lines);
    EXPECT_EQ(lg.self_loops, net.self_loops);
    EXPECT_EQ(lg.duplicate_pairs, net.duplicate_pairs);
    EXPECT_EQ(lg.csr.num_edges(), net.edges);
    EXPECT_EQ(lg.had_header, net.header);
    EXPECT_LE(net.nodes, net.readme_nodes);  // never more nodes than the dataset has
    const Stats s = compute_stats(lg.csr);
    EXPECT_EQ(s.isolated, net.isolated);
    EXPECT_EQ(s.components, net.components);
    EXPECT_EQ(s.largest_component, net.largest);
    EXPECT_EQ(s.max_degree, net.max_degree);
    ++seen;
  }
  // Every file in the folder is covered by the table (a new network needs its counts).
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".gz") ++files;
  }
  EXPECT_EQ(files, seen);
}

TEST(EdgeListReal, KarateExactNeighbours) {
  CREDSIM_REQUIRE_DATA(dir);
  const LoadedGraph lg = load_edge_list((dir / "karate.txt.gz").string());
  // Ids 0..33 map to themselves; node 0 is the instructor (degree 16), 33 the president (17).
  for (NodeId u = 0; u < 34; ++u) EXPECT_EQ(lg.original_ids[u], u);
  EXPECT_EQ(lg.csr.degree(0), 16u);
  EXPECT_EQ(lg.csr.degree(33), 17u);
  EXPECT_EQ(nbrs(lg.csr, 11), (std::vector<NodeId>{0}));  // the only degree-1 member
}

}  // namespace
}  // namespace credsim::graph
