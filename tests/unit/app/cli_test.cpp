// Tests of the credsim command line as a user meets it: the real binary, run with stdout and stderr
// captured into files (so not a terminal), checked for exit codes, help footers, messages and files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;

using Result = test::CliResult;
using test::slurp;

// Runs credsim from the repository root (where the preset paths in the help point).
Result credsim(const test::TempDir& tmp, const std::vector<std::string>& args) {
  return test::run_cli(tmp, CREDSIM_SOURCE_DIR, args);
}

// 2000 persons, 5 ticks, a stochastic block graph and one composite system: well under a second.
const char* kSmall = R"(
[run]
seed = 3
ticks = 5
[society]
persons = 2000
regions = 4
[graph]
model = "stochastic_block"
mean_degree = 8
[systems.sesame]
type = "composite"
)";

fs::path write(const test::TempDir& tmp, const std::string& name, const std::string& text) {
  const fs::path p = tmp.path() / name;
  std::ofstream(p) << text;
  return p;
}

// ---- help and usage --------------------------------------------------------------------------

TEST(Cli, HelpForEveryCommandHasExamples) {
  test::TempDir tmp("cli-help");
  const std::vector<std::vector<std::string>> helps{
      {"--help"}, {"run", "--help"}, {"validate", "--help"}, {"graph", "info", "--help"}};
  for (const auto& args : helps) {
    const Result r = credsim(tmp, args);
    EXPECT_EQ(r.code, 0) << args[0] << "\n" << r.err;
    EXPECT_CONTAINS(r.out, "Examples:");
  }
}

TEST(Cli, NoSubcommandFails) {
  test::TempDir tmp("cli-none");
  const Result r = credsim(tmp, {});
  EXPECT_NE(r.code, 0);
  EXPECT_FALSE((r.out + r.err).empty()) << "a bare credsim should say what is missing";
}

TEST(Cli, BadOptionValueFailsAndNamesTheOption) {
  test::TempDir tmp("cli-opt");
  const Result r = credsim(tmp, {"run", "scenarios/default.toml", "--ticks", "0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "--ticks");
  EXPECT_CONTAINS(r.err, "not in range 1 to 10000000");
  EXPECT_FALSE(fs::exists(fs::path(CREDSIM_SOURCE_DIR) / "runs" / "default")) << "nothing may run";
}

// The "credsim validate ..." lines the help shows, run as printed: each must be a valid scenario
// (this once failed: the preset could not switch graph.model by --set).
TEST(Cli, HelpValidateExamplesAreValid) {
  test::TempDir tmp("cli-examples");
  for (const std::vector<std::string>& help : {std::vector<std::string>{"--help"}, {"validate", "--help"}}) {
    std::istringstream lines(credsim(tmp, help).out);
    for (std::string line; std::getline(lines, line);) {
      const std::string prefix = "  credsim validate ";
      if (line.rfind(prefix, 0) != 0) continue;
      std::vector<std::string> args{"validate"};
      std::istringstream words(line.substr(prefix.size()));
      for (std::string w; words >> w;) args.push_back(w);
      const Result r = credsim(tmp, args);
      EXPECT_EQ(r.code, 0) << line << "\n" << r.err;
    }
  }
}

// ---- validate --------------------------------------------------------------------------------

TEST(Cli, ValidateDefaultPreset) {
  test::TempDir tmp("cli-valid");
  const Result r = credsim(tmp, {"validate", "scenarios/default.toml"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "scenarios/default.toml: valid (1 system, 100000 persons, 52 ticks)");
  EXPECT_EQ(r.err, "");
}

TEST(Cli, ValidateHonoursSet) {
  test::TempDir tmp("cli-vset");
  const Result r = credsim(tmp, {"validate", "scenarios/default.toml", "--set", "society.persons=20000", "--set",
                                 "run.ticks=104"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "valid (1 system, 20000 persons, 104 ticks)");
}

TEST(Cli, ValidateBadFileNamesFileLineColumnAndKey) {
  test::TempDir tmp("cli-bad");
  const fs::path p = write(tmp, "bad.toml", std::string(kSmall) + "[systems.sesame.weights]\nidentiy = 10\n");
  const Result r = credsim(tmp, {"validate", p.string()});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_CONTAINS(r.err, "credsim: error: " + p.string() + ":14:1: key 'systems.sesame.weights.identiy': unknown key "
                         "(did you mean 'identity'?)");
  EXPECT_EQ(r.out, "");
}

TEST(Cli, ValidateBadSetNamesTheSet) {
  test::TempDir tmp("cli-badset");
  const Result r = credsim(tmp, {"validate", "scenarios/default.toml", "--set", "run.ticks=ten"});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "--set #1 'run.ticks=ten': key 'run.ticks': wrong type");
}

TEST(Cli, ValidateMissingFile) {
  test::TempDir tmp("cli-missing");
  const std::string p = (tmp.path() / "nope.toml").string();
  const Result r = credsim(tmp, {"validate", p});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, p + ": scenario file not found");
}

// ---- run -------------------------------------------------------------------------------------

TEST(Cli, RunSmallScenarioThenRefuseToOverwrite) {
  test::TempDir tmp("cli-run");
  const fs::path scen = write(tmp, "small.toml", kSmall);
  const fs::path out = tmp.path() / "out";
  const std::vector<std::string> args{"run", scen.string(), "--out", out.string(), "--threads", "2"};
  const Result r = credsim(tmp, args);
  ASSERT_EQ(r.code, 0) << r.err;
  // Not a terminal: no progress bar, nothing at all on stderr.
  EXPECT_EQ(r.err, "");
  EXPECT_CONTAINS(r.out, "results: " + out.string());
  EXPECT_CONTAINS(r.out, "score_mean");
  EXPECT_TRUE(fs::is_regular_file(out / "metrics.csv"));
  EXPECT_TRUE(fs::is_regular_file(out / "manifest.json"));
  for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().extension(), ".partial") << e.path();
  const auto m = nlohmann::json::parse(slurp(out / "manifest.json"));
  EXPECT_EQ(m["seed"], 3);
  EXPECT_EQ(m["ticks"], 5);
  EXPECT_EQ(m["threads"], 2);

  // The same --out again: a finished run is never overwritten (ResourceError, exit 3).
  const std::string before = slurp(out / "metrics.csv");
  const Result again = credsim(tmp, args);
  EXPECT_EQ(again.code, 3) << again.out << again.err;
  EXPECT_CONTAINS(again.err, "output folder '" + out.string() + "'");
  EXPECT_CONTAINS(again.err, "already holds results");
  EXPECT_EQ(slurp(out / "metrics.csv"), before);
}

TEST(Cli, RunSeedAndTicksOptionsAreHonoured) {
  test::TempDir tmp("cli-seed");
  const fs::path scen = write(tmp, "small.toml", kSmall);
  const fs::path out = tmp.path() / "out";
  const Result r = credsim(tmp, {"run", scen.string(), "--out", out.string(), "--threads", "2", "--seed", "5", "--ticks", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(slurp(out / "manifest.json"));
  EXPECT_EQ(m["seed"], 5);
  EXPECT_EQ(m["ticks"], 3);
  EXPECT_EQ(m["scenario"]["run"]["seed"], 5);
  EXPECT_EQ(m["scenario"]["run"]["ticks"], 3);
  // Metrics rows for ticks 0..3 only.
  const std::string csv = slurp(out / "metrics.csv");
  EXPECT_NE(csv.find("\n3,"), std::string::npos);
  EXPECT_EQ(csv.find("\n4,"), std::string::npos);
}

TEST(Cli, RunBadScenarioExitsTwoAndWritesNothing) {
  test::TempDir tmp("cli-runbad");
  const fs::path scen = write(tmp, "small.toml", kSmall);
  const fs::path out = tmp.path() / "out";
  const Result r = credsim(tmp, {"run", scen.string(), "--out", out.string(), "--set", "graph.within_region=2"});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "key 'graph.within_region': out of range: 2");
  EXPECT_FALSE(fs::exists(out / "metrics.csv"));
}

// ---- graph info ------------------------------------------------------------------------------

TEST(Cli, GraphInfoKarate) {
  CREDSIM_REQUIRE_DATA(dir);
  test::TempDir tmp("cli-karate");
  const Result r = credsim(tmp, {"graph", "info", (dir / "karate.txt.gz").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "nodes:              34\n");
  EXPECT_CONTAINS(r.out, "edges (undirected): 78\n");
  EXPECT_CONTAINS(r.out, "components:         1\n");
  EXPECT_CONTAINS(r.out, "isolated nodes:     0\n");
}

TEST(Cli, GraphInfoMissingFile) {
  test::TempDir tmp("cli-gmiss");
  const std::string p = (tmp.path() / "nope.txt").string();
  const Result r = credsim(tmp, {"graph", "info", p});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, p);
}

TEST(Cli, GraphInfoGarbageLineNamesTheLine) {
  test::TempDir tmp("cli-garbage");
  const fs::path p = write(tmp, "g.txt", "1 2\n2 3\nthree four\n3 1\n");
  const Result r = credsim(tmp, {"graph", "info", p.string()});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_CONTAINS(r.err, p.string() + ":3");
}

}  // namespace
}  // namespace credsim
