// Whole runs: determinism across thread counts, the files a run leaves, and what it refuses.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

using test::slurp;

const char* kSmall = R"(
[run]
seed = 11
ticks = 9
[society]
persons = 3000
regions = 3
[graph]
model = "stochastic_block"
mean_degree = 8
[systems.sesame]
type = "composite"
[systems.sesame.weights]
relationships = 15
[systems.sesame.relationships]
friends_below = 1.0
friends_posts = 1.0
)";

std::string run_to(const std::filesystem::path& dir, int threads, const std::vector<std::string>& overrides) {
  const Scenario sc = load_scenario_string(kSmall, "small.toml", overrides);
  RunOptions opt;
  opt.out_dir = dir;
  opt.threads = threads;
  run_scenario(sc, opt);
  return slurp(dir / "metrics.csv");
}

class Determinism : public ::testing::TestWithParam<std::string> {};

TEST_P(Determinism, SameBytesForOneAndTwoThreads) {
  test::TempDir tmp("det");
  const std::vector<std::string> ov{"graph.model=" + GetParam()};
  const int before = omp_get_max_threads();
  const std::string one = run_to(tmp.path() / "t1", 1, ov);
  const std::string two = run_to(tmp.path() / "t2", 2, ov);
  omp_set_num_threads(before);
  ASSERT_GT(one.size(), 1000u);
  EXPECT_TRUE(one == two) << "metrics.csv differs between 1 and 2 threads for " << GetParam();
  // And the same again: no hidden state carried between runs in one process.
  EXPECT_EQ(one, run_to(tmp.path() / "t1b", 1, ov));
}

INSTANTIATE_TEST_SUITE_P(Graphs, Determinism,
                         ::testing::Values("stochastic_block", "erdos_renyi", "watts_strogatz", "barabasi_albert"));

TEST(Run, SeedChangesResultsAndReplicateToo) {
  test::TempDir tmp("seed");
  const std::string a = run_to(tmp.path() / "a", 2, {});
  const std::string b = run_to(tmp.path() / "b", 2, {"run.seed=12"});
  const std::string c = run_to(tmp.path() / "c", 2, {"run.replicate=1"});
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
}

TEST(Run, TidyMetricsAndCompleteManifest) {
  test::TempDir tmp("files");
  const std::string csv = run_to(tmp.path() / "r", 2, {});
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "tick,system,metric,key,value");
  std::map<std::string, int> per_tick;
  while (std::getline(in, line)) {
    ASSERT_EQ(std::count(line.begin(), line.end(), ','), 4) << line;
    per_tick[line.substr(0, line.find(','))]++;
  }
  EXPECT_EQ(per_tick.size(), 10u);  // ticks 0..9, measure_every = 1
  for (const auto& [t, rows] : per_tick) EXPECT_EQ(rows, per_tick["0"]) << "tick " << t;
  // Nothing left under a temporary name.
  for (const auto& e : std::filesystem::directory_iterator(tmp.path() / "r"))
    EXPECT_EQ(e.path().extension(), e.path().extension() == ".partial" ? ".none" : e.path().extension());
  const auto m = nlohmann::json::parse(slurp(tmp.path() / "r" / "manifest.json"));
  for (const char* k : {"credsim_version", "git_commit", "seed", "threads", "wall_seconds", "peak_rss_bytes",
                        "person_ticks_per_second", "scenario", "stage_seconds"})
    EXPECT_TRUE(m.contains(k)) << k;
  EXPECT_EQ(m["seed"], 11);
  EXPECT_EQ(m["threads"], 2);
  // The resolved scenario has the defaults filled in, e.g. the composite's weights.
  EXPECT_EQ(m["scenario"]["systems"]["sesame"]["weights"]["credit_history"], 35.0);
  EXPECT_EQ(m["scenario"]["systems"]["sesame"]["weights"]["relationships"], 15.0);
  EXPECT_GT(m["person_ticks_per_second"].get<double>(), 0.0);
  // Tick 0's initialisation apart: a part of the loop and of every stage, and the rate after it.
  const double loop = m["loop_seconds"].get<double>(), init = m["init_seconds"].get<double>();
  EXPECT_GT(init, 0.0);
  EXPECT_LT(init, loop);
  EXPECT_DOUBLE_EQ(m["ticks_seconds"].get<double>(), loop - init);
  EXPECT_DOUBLE_EQ(m["ticks_person_ticks_per_second"].get<double>(),
                   m["persons"].get<double>() * 9 / (loop - init));  // 9 ticks after tick 0
  for (const auto& [stage, seconds] : m["stage_seconds"].items()) {
    ASSERT_TRUE(m["init_stage_seconds"].contains(stage)) << stage;
    EXPECT_LE(m["init_stage_seconds"][stage].get<double>(), seconds.get<double>()) << stage;
  }
  EXPECT_EQ(m["init_stage_seconds"]["behave"].get<double>(), 0.0);  // nobody acts at tick 0
  // The measure stage by part: each reporter once, within the stage (which also holds the rows'
  // flush at the end of each measured tick).
  const auto& parts = m["measure_seconds"];
  for (const char* k : {"wealth_deciles", "society", "ledger", "system.sesame", "harm", "adapt", "consequences"})
    EXPECT_TRUE(parts.contains(k)) << k;
  double sum = 0;
  for (const auto& [part, seconds] : parts.items()) {
    EXPECT_GE(seconds.get<double>(), 0.0) << part;
    sum += seconds.get<double>();
  }
  EXPECT_GT(sum, 0.0);
  EXPECT_LE(sum, m["stage_seconds"]["measure"].get<double>() + 1e-9);
}

TEST(Run, RefusesToOverwriteAFinishedRun) {
  test::TempDir tmp("over");
  run_to(tmp.path() / "r", 1, {});
  EXPECT_THROW(run_to(tmp.path() / "r", 1, {}), ResourceError);
}

TEST(Run, UnwritableOutputFolderIsAClearError) {
  if (::geteuid() == 0) {
    // root ignores permissions; use a path under a regular file instead.
    test::TempDir tmp("perm");
    std::ofstream(tmp.path() / "file") << "x";
    try {
      run_to(tmp.path() / "file" / "sub", 1, {});
      FAIL() << "expected ResourceError";
    } catch (const ResourceError& e) {
      EXPECT_NE(std::string(e.what()).find("cannot create output folder"), std::string::npos) << e.what();
    }
    return;
  }
  try {
    run_to("/proc/credsim-not-writable", 1, {});
    FAIL() << "expected ResourceError";
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find("--out"), std::string::npos) << e.what();
  }
}

TEST(Run, FreshRunDirIsNamedAfterScenarioAndUnique) {
  test::TempDir tmp("fresh");
  const auto a = fresh_run_dir(tmp.path(), "default");
  std::filesystem::create_directories(a);
  const auto b = fresh_run_dir(tmp.path(), "default");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.filename().string().rfind("default-", 0), 0u);
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

TEST(Targets, ModelBesideTargetEveryMeasuredTick) {
  test::TempDir tmp("targets");
  const Scenario sc = load_scenario_string(std::string(kSmall) + R"(
[targets.waiver]
system = "sesame"
metric = "privilege_share"
key = "instant_loan_deposit_free_hotels"
value = 0.4
)", "t.toml", {});
  RunOptions opt;
  opt.out_dir = tmp.path() / "r";
  const RunResult r = run_scenario(sc, opt);
  ASSERT_EQ(r.calibration.size(), 1u);
  EXPECT_EQ(r.calibration[0].target, 0.4);
  // The model value is exactly the metric row it names, at the same tick.
  const std::string csv = slurp(tmp.path() / "r" / "metrics.csv");
  std::istringstream in(csv);
  std::map<std::string, std::string> model, metric;
  for (std::string line; std::getline(in, line);) {
    const auto tick = line.substr(0, line.find(','));
    if (line.find(",sesame,privilege_share,instant_loan_deposit_free_hotels,") != std::string::npos)
      metric[tick] = line.substr(line.rfind(',') + 1);
    if (line.find(",calibration,waiver,model,") != std::string::npos) model[tick] = line.substr(line.rfind(',') + 1);
  }
  EXPECT_EQ(model.size(), 10u);
  EXPECT_EQ(model, metric);
  EXPECT_NE(csv.find("9,calibration,waiver,target,0.4\n"), std::string::npos);
}

TEST(Targets, UnknownMetricIsAnInputErrorBeforeTheRun) {
  test::TempDir tmp("targets-bad");
  const Scenario sc = load_scenario_string(std::string(kSmall) + R"(
[targets.waiver]
system = "sesame"
metric = "privilege_shares"
value = 0.4
)", "t.toml", {});
  RunOptions opt;
  opt.out_dir = tmp.path() / "r";
  try {
    run_scenario(sc, opt);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("targets.waiver"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("metric 'privilege_shares'"), std::string::npos) << e.what();
  }
}

// The command line asks glibc for transparent huge pages (apps/credsim/main.cpp) unless the user
// chose glibc.malloc.hugetlb; the manifest records the tunables the run had. Same bytes either way.
TEST(Run, CommandLineAsksForHugePagesAndKeepsTheUsersChoice) {
  test::TempDir tmp("thp");
  const std::filesystem::path src = CREDSIM_SOURCE_DIR;
  auto run = [&](const std::string& name) {
    const auto r = test::run_cli(tmp, src, {"run", "scenarios/default.toml", "--out", (tmp.path() / name).string(), "--set",
                                            "society.persons=2000", "--set", "run.ticks=3", "--threads", "2"});
    EXPECT_EQ(r.code, 0) << r.err;
    return nlohmann::json::parse(slurp(tmp.path() / name / "manifest.json"))["glibc_tunables"].get<std::string>();
  };
  const char* before = std::getenv("GLIBC_TUNABLES");
  const std::string saved = before ? before : "";
  ::unsetenv("GLIBC_TUNABLES");
  EXPECT_EQ(run("default"), "glibc.malloc.hugetlb=1");
  ::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0", 1);
  EXPECT_EQ(run("off"), "glibc.malloc.hugetlb=0");
  ::setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2", 1);
  EXPECT_EQ(run("other"), "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  if (before) ::setenv("GLIBC_TUNABLES", saved.c_str(), 1);
  else ::unsetenv("GLIBC_TUNABLES");
  EXPECT_EQ(slurp(tmp.path() / "default" / "metrics.csv"), slurp(tmp.path() / "off" / "metrics.csv"));
  EXPECT_EQ(slurp(tmp.path() / "default" / "metrics.csv"), slurp(tmp.path() / "other" / "metrics.csv"));
}

}  // namespace
}  // namespace credsim
