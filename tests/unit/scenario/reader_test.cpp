// Tests of the scenario reader: each bad input gives an InputError naming file, line, column, key
// and what was expected; valid input reads, resolves and round-trips.
#include "credsim/scenario/reader.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace credsim::scenario {
namespace {

// Runs f, expects an InputError, and returns it for inspection.
InputError expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError(SourcePos{}, "", "none");
}

// gmock is not linked, so substring checks print the whole message themselves.
#define EXPECT_NOT_CONTAINS(haystack, needle) \
  EXPECT_EQ(std::string(haystack).find(needle), std::string::npos) << (haystack)

const char* const kScenario = R"(# a small scenario
name = "test"

[graph]
model = "erdos_renyi"
nodes = 1000
mean_degree = 8.5

[systems.sesame]
enabled = true
weights = [0.35, 0.25, 0.2, 0.1, 0.1]

[systems.rongcheng]
start_points = 1000
)";

Document doc() { return Document::parse_string(kScenario, "test.toml"); }

// Reads everything in kScenario, as a scenario loader would.
void read_all(const Reader& root) {
  root.get_string("name", "x");
  auto g = root.section("graph");
  g.get_choice("model", "erdos_renyi", {"erdos_renyi", "barabasi_albert", "watts_strogatz"});
  g.get_int("nodes", 100, 1, 1'000'000'000);
  g.get_double("mean_degree", 4, 0, 1000);
  auto sys = root.section("systems");
  for (const auto& name : sys.table_keys()) {
    auto s = sys.section(name);
    if (name == "sesame") {
      s.get_bool("enabled", false);
      s.get_double_array("weights", {}, 0, 1, 5, 5);
    } else {
      s.get_int("start_points", 1000, 0, 100000);
    }
  }
}

// ---- valid input -----------------------------------------------------------------------------

TEST(Reader, ReadsValidScenario) {
  Document d = doc();
  Reader root(d);
  EXPECT_EQ(root.get_string("name", "x"), "test");
  Reader g = root.section("graph");
  EXPECT_EQ(g.get_choice("model", "barabasi_albert", {"erdos_renyi", "barabasi_albert"}),
            "erdos_renyi");
  EXPECT_EQ(g.get_int("nodes", 5, 1, 1'000'000), 1000);
  EXPECT_DOUBLE_EQ(g.get_double("mean_degree", 4, 0, 100), 8.5);
  EXPECT_EQ(g.get_double("rewire", 0.25, 0, 1), 0.25);  // default
  Reader sys = root.section("systems");
  EXPECT_EQ(sys.table_keys(), (std::vector<std::string>{"sesame", "rongcheng"}));  // file order
  Reader s = sys.section("sesame");
  EXPECT_TRUE(s.get_bool("enabled", false));
  EXPECT_EQ(s.get_double_array("weights", {}, 0, 1, 5, 5),
            (std::vector<double>{0.35, 0.25, 0.2, 0.1, 0.1}));
  EXPECT_EQ(sys.section("rongcheng").get_int("start_points", 0, 0, 10000), 1000);
  EXPECT_NO_THROW(root.finish());
}

TEST(Reader, IntegerAcceptedAsDouble) {
  Document d = Document::parse_string("x = 3\n", "a.toml");
  Reader r(d);
  EXPECT_EQ(r.get_double("x", 0, 0, 10), 3.0);
}

TEST(Reader, MissingSectionGivesDefaults) {
  Document d = Document::parse_string("", "empty.toml");
  Reader r(d);
  Reader g = r.section("graph");
  EXPECT_FALSE(g.has("nodes"));
  EXPECT_EQ(g.get_int("nodes", 42, 1, 100), 42);
  EXPECT_TRUE(g.table_keys().empty());
  EXPECT_NO_THROW(r.finish());
  EXPECT_EQ(r.resolved()["graph"]["nodes"].value<std::int64_t>(), 42);
}

// ---- parsing -----------------------------------------------------------------------------------

TEST(Document, SyntaxErrorNamesFileLineColumn) {
  auto e = expect_error([] { Document::parse_string("a = 1\nb = = 2\n", "bad.toml"); });
  EXPECT_EQ(e.pos().file, "bad.toml");
  EXPECT_EQ(e.pos().line, 2u);
  EXPECT_GT(e.pos().column, 0u);
  EXPECT_CONTAINS(e.what(), "bad.toml:2:");
  EXPECT_CONTAINS(e.what(), "TOML syntax error");
  EXPECT_CONTAINS(e.what(), "expected valid TOML");
}

TEST(Document, DuplicateKeyIsSyntaxError) {
  auto e = expect_error([] { Document::parse_string("a = 1\na = 2\n", "dup.toml"); });
  EXPECT_EQ(e.pos().line, 2u);
  EXPECT_CONTAINS(e.what(), "dup.toml:2:");
}

TEST(Document, MissingFile) {
  auto e = expect_error([] { Document::parse_file("/nonexistent/dir/scenario.toml"); });
  EXPECT_EQ(e.pos().file, "/nonexistent/dir/scenario.toml");
  EXPECT_CONTAINS(e.what(), "/nonexistent/dir/scenario.toml: scenario file not found");
  EXPECT_CONTAINS(e.what(), "Fix: check the path");
}

TEST(Document, DirectoryIsNotAFile) {
  auto e = expect_error([] { Document::parse_file(std::filesystem::temp_directory_path()); });
  EXPECT_CONTAINS(e.what(), "is a directory");
}

TEST(Document, ParseFileReadsAndReportsPositions) {
  const auto path = std::filesystem::temp_directory_path() / "credsim_reader_test.toml";
  {
    std::ofstream out(path);
    out << "[graph]\nnodes = \"many\"\n";
  }
  Document d = Document::parse_file(path.string());
  Reader r(d);
  auto e = expect_error([&] { r.section("graph").get_int("nodes", 1, 1, 10); });
  EXPECT_EQ(e.pos().file, path.string());
  EXPECT_EQ(e.pos().line, 2u);
  EXPECT_EQ(e.pos().column, 9u);
  std::filesystem::remove(path);
}

// ---- unknown keys ------------------------------------------------------------------------------

TEST(Reader, UnknownKeyWithSuggestion) {
  Document d = Document::parse_string("[graph]\nnodes = 10\nmean_degre = 4\n", "s.toml");
  Reader r(d);
  Reader g = r.section("graph");
  g.get_int("nodes", 1, 1, 100);
  g.get_double("mean_degree", 4, 0, 100);
  g.get_choice("model", "erdos_renyi", {"erdos_renyi"});
  auto e = expect_error([&] { g.finish(); });
  EXPECT_EQ(e.key(), "graph.mean_degre");
  EXPECT_EQ(e.pos().file, "s.toml");
  EXPECT_EQ(e.pos().line, 3u);
  EXPECT_EQ(e.pos().column, 1u);
  EXPECT_CONTAINS(e.what(), "s.toml:3:1: key 'graph.mean_degre': unknown key");
  EXPECT_CONTAINS(e.what(), "did you mean 'mean_degree'?");
  EXPECT_CONTAINS(e.what(), "mean_degree, model, nodes");
  EXPECT_CONTAINS(e.what(), "Fix: rename it to 'mean_degree'");
  // The root's finish sees the same problem through the opened section.
  EXPECT_THROW(r.finish(), InputError);
}

TEST(Reader, UnknownKeyWithoutSuggestion) {
  Document d = Document::parse_string("[graph]\nzzzzzz = 1\n", "s.toml");
  Reader r(d);
  r.section("graph").get_int("nodes", 1, 1, 100);
  auto e = expect_error([&] { r.finish(); });
  EXPECT_EQ(e.key(), "graph.zzzzzz");
  EXPECT_NOT_CONTAINS(e.what(), "did you mean");
  EXPECT_CONTAINS(e.what(), "expected one of the keys of [graph]: nodes");
}

TEST(Reader, UnopenedSectionIsUnknownAtItsHeader) {
  Document d = Document::parse_string("[graph]\nnodes = 1\n\n[grpah]\nnodes = 2\n", "s.toml");
  Reader r(d);
  r.section("graph").get_int("nodes", 1, 1, 100);
  auto e = expect_error([&] { r.finish(); });
  EXPECT_EQ(e.key(), "grpah");
  EXPECT_EQ(e.pos().line, 4u);
  EXPECT_CONTAINS(e.what(), "did you mean 'graph'?");
  EXPECT_CONTAINS(e.what(), "expected one of the top-level keys: graph");
}

TEST(Reader, FinishIsRecursiveIntoNestedSections) {
  Document d = Document::parse_string(
      "[systems.sesame]\nenabled = true\n[systems.sesame.weights]\ncredit_history = 0.3\n"
      "payment = 0.2\n",
      "s.toml");
  Reader r(d);
  Reader w = r.section("systems").section("sesame").section("weights");
  w.get_double("credit_history", 0, 0, 1);
  r.section("systems").section("sesame").get_bool("enabled", false);
  auto e = expect_error([&] { r.finish(); });
  EXPECT_EQ(e.key(), "systems.sesame.weights.payment");
  EXPECT_EQ(e.pos().line, 5u);
}

TEST(Reader, FirstUnknownKeyInFileOrderIsReported) {
  Document d = Document::parse_string("zeta = 1\nalpha = 2\n", "s.toml");
  Reader r(d);
  auto e = expect_error([&] { r.finish(); });
  EXPECT_EQ(e.key(), "zeta");  // not alphabetical "alpha"
  EXPECT_CONTAINS(e.what(), "expected no keys in the top level");
}

TEST(Reader, UnknownKeyFromSetNamesTheSet) {
  Document d = doc();
  d.apply_override("graph.mean_degre=4", 2);
  Reader r(d);
  read_all(r);
  auto e = expect_error([&] { r.finish(); });
  EXPECT_EQ(e.key(), "graph.mean_degre");
  EXPECT_EQ(e.pos().file, "--set #2 'graph.mean_degre=4'");
  EXPECT_EQ(e.pos().line, 0u);
  EXPECT_CONTAINS(e.what(), "--set #2 'graph.mean_degre=4': key 'graph.mean_degre': unknown key");
  EXPECT_CONTAINS(e.what(), "did you mean 'mean_degree'?");
}

TEST(Reader, UnknownSectionFromSetNamesTheSet) {
  Document d = doc();
  d.apply_override("grahp.nodes=4", 1);
  Reader r(d);
  read_all(r);
  auto e = expect_error([&] { r.finish(); });
  EXPECT_EQ(e.key(), "grahp");
  EXPECT_EQ(e.pos().file, "--set #1 'grahp.nodes=4'");
  EXPECT_CONTAINS(e.what(), "did you mean 'graph'?");
}

// ---- types and ranges --------------------------------------------------------------------------

TEST(Reader, WrongType) {
  Document d = Document::parse_string("[graph]\nmean_degree = \"ten\"\n", "t.toml");
  Reader g = Reader(d).section("graph");
  auto e = expect_error([&] { g.get_double("mean_degree", 4, 0, 100); });
  EXPECT_EQ(e.key(), "graph.mean_degree");
  EXPECT_EQ(e.pos().line, 2u);
  EXPECT_EQ(e.pos().column, 15u);
  EXPECT_CONTAINS(e.what(), "t.toml:2:15: key 'graph.mean_degree': wrong type");
  EXPECT_CONTAINS(e.what(), "expected a number (got string \"ten\")");
}

TEST(Reader, WrongTypeFromSetNamesTheSet) {
  Document d = doc();
  d.apply_override("graph.mean_degree=ten", 2);  // a bare word: taken as a string
  Reader g = Reader(d).section("graph");
  auto e = expect_error([&] { g.get_double("mean_degree", 4, 0, 100); });
  EXPECT_EQ(e.pos().file, "--set #2 'graph.mean_degree=ten'");
  EXPECT_CONTAINS(e.what(),
                  "--set #2 'graph.mean_degree=ten': key 'graph.mean_degree': wrong type; "
                  "expected a number (got string \"ten\")");
}

TEST(Reader, WrongTypeForOtherGetters) {
  Document d = Document::parse_string("b = 1\ns = 2\nc = 3\nt = 4\narr = \"x\"\n", "t.toml");
  Reader r(d);
  EXPECT_CONTAINS(expect_error([&] { r.get_bool("b", false); }).what(),
                  "expected true or false (got integer 1)");
  EXPECT_CONTAINS(expect_error([&] { r.get_string("s", ""); }).what(),
                  "expected a string (got integer 2)");
  EXPECT_CONTAINS(expect_error([&] { r.get_choice("c", "a", {"a", "b"}); }).what(),
                  "expected one of: a, b (got integer 3)");
  EXPECT_CONTAINS(expect_error([&] { r.section("t"); }).what(),
                  "key 't': wrong type; expected a table (got integer 4)");
  EXPECT_CONTAINS(expect_error([&] { r.get_double_array("arr", {}, 0, 1, 1, 3); }).what(),
                  "(got string \"x\")");
}

TEST(Reader, OutOfRange) {
  Document d = Document::parse_string("[graph]\nrewire = 1.5\nnodes = 0\n", "r.toml");
  Reader g = Reader(d).section("graph");
  auto e = expect_error([&] { g.get_double("rewire", 0.1, 0, 1); });
  EXPECT_EQ(e.pos().line, 2u);
  EXPECT_EQ(e.pos().column, 10u);
  EXPECT_CONTAINS(e.what(), "r.toml:2:10: key 'graph.rewire': out of range: 1.5; "
                            "expected a number in [0, 1]");
  auto ei = expect_error([&] { g.get_int("nodes", 10, 1, 1000); });
  EXPECT_CONTAINS(ei.what(), "r.toml:3:9: key 'graph.nodes': out of range: 0; "
                             "expected an integer in [1, 1000]");
  auto eo = expect_error([&] { g.get_int("nodes", 10, 1, std::numeric_limits<std::int64_t>::max()); });
  EXPECT_CONTAINS(eo.what(), "expected an integer >= 1");
}

TEST(Reader, NaNAndInfRejected) {
  Document d = Document::parse_string("a = nan\nb = -inf\n", "n.toml");
  Reader r(d);
  const double inf = std::numeric_limits<double>::infinity();
  auto e = expect_error([&] { r.get_double("a", 0, -inf, inf); });
  EXPECT_EQ(e.pos().line, 1u);
  EXPECT_CONTAINS(e.what(), "n.toml:1:5: key 'a': not a finite number: nan");
  auto eb = expect_error([&] { r.get_double("b", 0, 0, 1); });
  EXPECT_CONTAINS(eb.what(), "key 'b': not a finite number: -inf; expected a number in [0, 1]");
}

TEST(Reader, FloatWhereIntExpected) {
  Document d = Document::parse_string("[graph]\nnodes = 1000.0\n", "f.toml");
  Reader g = Reader(d).section("graph");
  auto e = expect_error([&] { g.get_int("nodes", 10, 1, 100000); });
  EXPECT_CONTAINS(e.what(), "f.toml:2:9: key 'graph.nodes': wrong type; "
                            "expected an integer (got float 1000.0)");
  EXPECT_CONTAINS(e.what(), "without a decimal point");
}

TEST(Reader, BadChoiceSuggests) {
  Document d = Document::parse_string("[graph]\nmodel = \"erdos_reny\"\n", "c.toml");
  Reader g = Reader(d).section("graph");
  auto e = expect_error(
      [&] { g.get_choice("model", "erdos_renyi", {"erdos_renyi", "barabasi_albert"}); });
  EXPECT_EQ(e.key(), "graph.model");
  EXPECT_CONTAINS(e.what(), "c.toml:2:9: key 'graph.model': unknown value \"erdos_reny\" "
                            "(did you mean 'erdos_renyi'?); expected one of: erdos_renyi, "
                            "barabasi_albert");
  Document d2 = Document::parse_string("model = \"xyzzy\"\n", "c.toml");
  auto e2 = expect_error([&] { Reader(d2).get_choice("model", "a", {"a", "b"}); });
  EXPECT_NOT_CONTAINS(e2.what(), "did you mean");
}

TEST(Reader, RequiredKeyMissing) {
  Document d = Document::parse_string("[graph]\nnodes = 5\n", "q.toml");
  Reader g = Reader(d).section("graph");
  auto e = expect_error([&] { g.require_string("edge_list"); });
  EXPECT_EQ(e.key(), "graph.edge_list");
  EXPECT_EQ(e.pos().file, "q.toml");
  EXPECT_EQ(e.pos().line, 1u);  // the [graph] header
  EXPECT_CONTAINS(e.what(), "missing required key; expected a string");
  EXPECT_CONTAINS(e.what(), "Fix: add 'edge_list = ...' to [graph] of q.toml, or pass --set "
                            "graph.edge_list=...");
  EXPECT_EQ(g.require_int("nodes", 1, 10), 5);
}

TEST(Reader, ArrayLengthLimits) {
  Document d = Document::parse_string("w = [0.5, 0.5, 0.5]\nv = [0.1, 2]\nok = [1, 0.5]\n",
                                      "a.toml");
  Reader r(d);
  auto e = expect_error([&] { r.get_double_array("w", {}, 0, 1, 1, 2); });
  EXPECT_CONTAINS(e.what(), "a.toml:1:5: key 'w': wrong length: 3 elements; expected an array "
                            "of 1 to 2 numbers, each a number in [0, 1]");
  auto e2 = expect_error([&] { r.get_double_array("w", {}, 0, 1, 4, 4); });
  EXPECT_CONTAINS(e2.what(), "expected an array of 4 numbers");
  auto ev = expect_error([&] { r.get_double_array("v", {}, 0, 1, 1, 5); });
  EXPECT_EQ(ev.key(), "v[1]");
  EXPECT_EQ(ev.pos().line, 2u);
  EXPECT_EQ(ev.pos().column, 11u);
  EXPECT_CONTAINS(ev.what(), "out of range: 2");
  EXPECT_EQ(r.get_double_array("ok", {}, 0, 1, 2, 2), (std::vector<double>{1.0, 0.5}));
}

// ---- overrides ---------------------------------------------------------------------------------

TEST(Override, ReplacesValue) {
  Document d = doc();
  d.apply_override("graph.mean_degree=12", 1);
  d.apply_override("graph.model = \"watts_strogatz\"", 2);
  d.apply_override("systems.sesame.weights=[0.2, 0.2, 0.2, 0.2, 0.2]", 3);
  Reader r(d);
  Reader g = r.section("graph");
  EXPECT_EQ(g.get_double("mean_degree", 4, 0, 100), 12.0);
  EXPECT_EQ(g.get_string("model", ""), "watts_strogatz");
  EXPECT_EQ(r.section("systems").section("sesame").get_double_array("weights", {}, 0, 1, 5, 5),
            std::vector<double>(5, 0.2));
}

TEST(Override, ReplacesValueOfAnyType) {
  Document d = doc();
  d.apply_override("graph.nodes=\"lots\"", 1);
  Reader g = Reader(d).section("graph");
  auto e = expect_error([&] { g.get_int("nodes", 1, 1, 10); });
  EXPECT_EQ(e.pos().file, "--set #1 'graph.nodes=\"lots\"'");
}

TEST(Override, CreatesNewTablePath) {
  Document d = doc();
  d.apply_override("adapt.chilling.strength=0.3", 1);
  d.apply_override("graph.layout.seed=7", 2);
  Reader r(d);
  EXPECT_EQ(r.section("adapt").section("chilling").get_double("strength", 0, 0, 1), 0.3);
  EXPECT_EQ(r.section("graph").section("layout").get_int("seed", 0, 0, 100), 7);
  // The file's own keys in [graph] survive.
  EXPECT_EQ(r.section("graph").get_int("nodes", 1, 1, 100000), 1000);
}

TEST(Override, BareWordIsString) {
  Document d = doc();
  d.apply_override("graph.model=barabasi_albert", 1);
  d.apply_override("flag=true", 2);  // valid TOML stays a boolean
  d.apply_override("inline={a = 1, b = [1, 2]}", 3);
  Reader r(d);
  EXPECT_EQ(r.section("graph").get_choice("model", "erdos_renyi",
                                          {"erdos_renyi", "barabasi_albert"}),
            "barabasi_albert");
  EXPECT_TRUE(r.get_bool("flag", false));
  EXPECT_EQ(r.section("inline").get_int("a", 0, 0, 10), 1);
}

TEST(Override, NewSystemAppearsAfterFileOnesInTableKeys) {
  Document d = doc();
  d.apply_override("systems.court_list.enabled=true", 1);
  Reader r(d);
  EXPECT_EQ(r.section("systems").table_keys(),
            (std::vector<std::string>{"sesame", "rongcheng", "court_list"}));
}

TEST(Override, Malformed) {
  Document d = doc();
  auto no_eq = expect_error([&] { d.apply_override("graph.nodes", 1); });
  EXPECT_EQ(no_eq.pos().file, "--set #1 'graph.nodes'");
  EXPECT_CONTAINS(no_eq.what(), "--set #1 'graph.nodes': override has no '='; expected "
                                "key.path=value");

  auto empty_key = expect_error([&] { d.apply_override("=5", 2); });
  EXPECT_CONTAINS(empty_key.what(), "--set #2 '=5': override has an empty key");

  auto bad_chars = expect_error([&] { d.apply_override("graph.mean degree=5", 3); });
  EXPECT_CONTAINS(bad_chars.what(), "key 'graph.mean degree': bad key segment 'mean degree'");
  EXPECT_CONTAINS(bad_chars.what(), "letters, digits, '_' and '-'");

  auto empty_seg = expect_error([&] { d.apply_override("graph..nodes=5", 4); });
  EXPECT_CONTAINS(empty_seg.what(), "empty segment in key path");

  auto bad_value = expect_error([&] { d.apply_override("graph.mean_degree=1.2.3", 5); });
  EXPECT_EQ(bad_value.pos().file, "--set #5 'graph.mean_degree=1.2.3'");
  EXPECT_EQ(bad_value.key(), "graph.mean_degree");
  EXPECT_CONTAINS(bad_value.what(), "value '1.2.3' is not valid TOML");
  EXPECT_CONTAINS(bad_value.what(), "expected a TOML value");

  auto unclosed = expect_error([&] { d.apply_override("w=[1, 2", 6); });
  EXPECT_CONTAINS(unclosed.what(), "value '[1, 2' is not valid TOML");

  auto words = expect_error([&] { d.apply_override("name=two words", 7); });
  EXPECT_CONTAINS(words.what(), "is not valid TOML");

  auto empty_value = expect_error([&] { d.apply_override("graph.nodes=", 8); });
  EXPECT_CONTAINS(empty_value.what(), "override has no value");

  // No other key can be smuggled in on a second line.
  auto two_lines = expect_error([&] { d.apply_override("a=1\nb=2", 9); });
  EXPECT_CONTAINS(two_lines.what(), "several lines");

  // Failed overrides changed nothing.
  Reader r(d);
  read_all(r);
  EXPECT_NO_THROW(r.finish());
}

TEST(Override, ThroughNonTable) {
  Document d = doc();
  auto e = expect_error([&] { d.apply_override("graph.nodes.min=5", 4); });
  EXPECT_EQ(e.pos().file, "--set #4 'graph.nodes.min=5'");
  EXPECT_EQ(e.key(), "graph.nodes.min");
  EXPECT_CONTAINS(e.what(), "'graph.nodes' is integer 1000 (at test.toml:6:9), not a table");
}

TEST(Override, ValueWithCommentAndSpaces) {
  Document d = doc();
  d.apply_override("  graph.nodes =  20   ", 1);
  EXPECT_EQ(Reader(d).section("graph").get_int("nodes", 1, 1, 100), 20);
}

// ---- resolved table ----------------------------------------------------------------------------

TEST(Resolved, ContainsDefaultsAndOverrides) {
  Document d = doc();
  d.apply_override("graph.mean_degree=0.1", 1);
  Reader r(d);
  read_all(r);
  Reader g = r.section("graph");
  g.get_double("rewire", 0.05, 0, 1);  // default, absent from file
  r.section("measure").get_bool("gini", true);  // whole section absent
  toml::table t = r.resolved();
  EXPECT_EQ(t["graph"]["mean_degree"].value<double>(), 0.1);
  EXPECT_EQ(t["graph"]["rewire"].value<double>(), 0.05);
  EXPECT_EQ(t["graph"]["nodes"].value<std::int64_t>(), 1000);
  EXPECT_EQ(t["measure"]["gini"].value<bool>(), true);
  EXPECT_EQ(t["systems"]["sesame"]["weights"][0].value<double>(), 0.35);

  nlohmann::json j = to_json(t);
  EXPECT_EQ(j["graph"]["model"], "erdos_renyi");
  EXPECT_EQ(j["graph"]["nodes"].get<std::int64_t>(), 1000);
  EXPECT_TRUE(j["graph"]["nodes"].is_number_integer());
  EXPECT_TRUE(j["graph"]["mean_degree"].is_number_float());
  EXPECT_EQ(j["systems"]["sesame"]["weights"].size(), 5u);
}

TEST(Resolved, DoublesRoundTripThroughJson) {
  const double tricky[] = {0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 123456789.123456789,
                           5e-324, 0.30000000000000004};
  // Built with += because GCC 12 warns falsely (-Wrestrict) on "k" + std::to_string(i).
  const auto key = [](std::size_t i) {
    std::string k = "k";
    k += std::to_string(i);
    return k;
  };
  std::string text;
  for (std::size_t i = 0; i < std::size(tricky); ++i) text += key(i) + " = 0\n";
  Document d = Document::parse_string(text, "rt.toml");
  // Feed the exact doubles through overrides written with 17 significant digits.
  for (std::size_t i = 0; i < std::size(tricky); ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "k%zu=%.17g", i, tricky[i]);
    d.apply_override(buf, static_cast<int>(i + 1));
  }
  Reader r(d);
  for (std::size_t i = 0; i < std::size(tricky); ++i) {
    EXPECT_EQ(r.get_double(key(i), 0, 0, 1e10), tricky[i]);
  }
  const std::string dumped = to_json(r.resolved()).dump();
  nlohmann::json back = nlohmann::json::parse(dumped);
  for (std::size_t i = 0; i < std::size(tricky); ++i) {
    EXPECT_EQ(back[key(i)].get<double>(), tricky[i]) << dumped;
  }
}

TEST(Resolved, SharedAcrossSections) {
  Document d = doc();
  Reader r(d);
  r.section("graph").get_int("nodes", 1, 1, 100000);
  // Asking any reader of the family gives the whole document's resolved table.
  EXPECT_EQ(r.section("systems").resolved()["graph"]["nodes"].value<std::int64_t>(), 1000);
}

// ---- helpers -----------------------------------------------------------------------------------

TEST(Suggest, EditDistanceAndClosestMatch) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(closest_match("mean_degre", {"nodes", "mean_degree"}), "mean_degree");
  EXPECT_EQ(closest_match("Nodes", {"nodes"}), "nodes");
  EXPECT_EQ(closest_match("xyz", {"nodes", "model"}), "");
  EXPECT_EQ(closest_match("ab", {"cd"}), "");  // distance 2 on a 2-letter word: no guess
}

}  // namespace
}  // namespace credsim::scenario
