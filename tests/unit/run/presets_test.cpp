// Every preset in scenarios/ loads, runs briefly, and (for the integrated system, which links
// every system type) gives the same bytes for 1 and 2 threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <array>
#include <fstream>
#include <sstream>

#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"
#include "preset_run.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> presets() { return test::preset_files(); }

using test::slurp;

const std::vector<std::string> kShort{"society.persons=3000", "run.ticks=6", "run.measure_every=2"};

TEST(Presets, EveryPresetRunsBriefly) {
  const auto all = presets();
  // The presets of SPEC §1: one per system type, plus the integrated system and the default.
  for (const char* name : {"default", "sesame", "rongcheng", "court_list", "agency_lists", "corporate", "fico",
                           "platform_rating", "integrated_2020"})
    EXPECT_TRUE(std::find(all.begin(), all.end(), fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / (std::string(name) + ".toml")) !=
                all.end())
        << name;
  for (const fs::path& p : all) {
    SCOPED_TRACE(p.filename().string());
    test::TempDir tmp("preset");
    const Scenario sc = load_scenario(p.string(), kShort);
    // Each preset opens with comments citing its sources.
    EXPECT_EQ(slurp(p).rfind("# ", 0), 0u);
    RunOptions opt;
    opt.out_dir = tmp.path() / "r";
    const RunResult r = run_scenario(sc, opt);
    EXPECT_EQ(r.calibration.size(), sc.targets.size());
    const std::string csv = slurp(tmp.path() / "r" / "metrics.csv");
    EXPECT_NE(csv.find("\n6,society,persons,,3000\n"), std::string::npos);
    for (const SystemDecl& s : sc.systems) EXPECT_NE(csv.find("\n6," + s.name + ","), std::string::npos) << s.name;
  }
}

// metrics.csv of the integrated preset with these overrides, run with 1 and with 2 threads.
std::array<std::string, 2> integrated_with_one_and_two_threads(const std::vector<std::string>& overrides,
                                                               const test::TempDir& tmp) {
  const int before = omp_get_max_threads();
  std::array<std::string, 2> out;
  for (int t = 1; t <= 2; ++t)
    out[t - 1] = test::run_preset_metrics("integrated_2020", overrides, tmp.path() / std::to_string(t), t);
  omp_set_num_threads(before);
  return out;
}

TEST(Presets, IntegratedSystemIsDeterministicAcrossThreadCounts) {
  test::TempDir tmp("integrated");
  const auto out = integrated_with_one_and_two_threads(kShort, tmp);
  ASSERT_GT(out[0].size(), 10000u);
  EXPECT_TRUE(out[0] == out[1]) << "metrics.csv differs between 1 and 2 threads";
}

// The smallest size of the country-scale series (bench/series.sh: the integrated preset, mean
// degree 20, 4 ticks) at one million persons: the same bytes for 1 and 2 threads, with the
// dynamic graph (adaptation cuts ~1 % of ties a tick) and every system. Release builds only
// (about 25 s); the sanitizer build runs the small determinism tests instead.
TEST(Presets, IntegratedAtBenchmarkScaleSameBytesForOneAndTwoThreads) {
#ifdef CREDSIM_CHECKED
  GTEST_SKIP() << "one million persons: release builds only (make test)";
#else
  test::TempDir tmp("integrated-1m");
  const auto out =
      integrated_with_one_and_two_threads({"society.persons=1000000", "graph.mean_degree=20", "run.ticks=4"}, tmp);
  ASSERT_NE(out[0].find("\n4,society,persons,,1000000\n"), std::string::npos);
  ASSERT_NE(out[0].find("\n4,adapt,ties_cut_total,,"), std::string::npos);
  EXPECT_TRUE(out[0] == out[1]) << "metrics.csv differs between 1 and 2 threads at one million persons";
#endif
}

}  // namespace
}  // namespace credsim
