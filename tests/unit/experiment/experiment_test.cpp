// credsim compare and sweep (experiment/compare.hpp, sweep.hpp): common random numbers, an
// independent recomputation of compare.csv from the run folders, refusals, resumability, the
// same bytes for any --jobs, grid order and CSV columns, Latin hypercube stratification, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/experiment/compare.hpp"
#include "credsim/experiment/sweep.hpp"
#include "test_support.hpp"

using namespace credsim;
using namespace credsim::experiment;
namespace fs = std::filesystem;

namespace {

const std::string kIntegrated = std::string(CREDSIM_SOURCE_DIR) + "/scenarios/integrated_2020.toml";
const std::string kDefault = std::string(CREDSIM_SOURCE_DIR) + "/scenarios/default.toml";
// Tiny: a few thousand persons, a few ticks.
const std::vector<std::string> kSmall = {"society.persons=3000", "society.businesses=150", "run.ticks=16"};

ExecOptions exec(int jobs) {
  ExecOptions e;
  e.jobs = jobs;
  e.threads = 1;
  e.executable = CREDSIM_BINARY;
  return e;
}

CompareSpec notify_spec(const fs::path& out, std::vector<std::string> toggles, int R = 3) {
  CompareSpec s;
  s.scenario_a = s.scenario_b = kIntegrated;
  s.overrides = kSmall;
  s.toggles = std::move(toggles);
  s.replicates = R;
  s.ticks = parse_ticks("all");
  s.out = out;
  return s;
}

std::map<std::string, const CompareRow*> by_id(const CompareResult& r) {
  std::map<std::string, const CompareRow*> m;
  for (const auto& row : r.rows)
    m[std::to_string(row.tick) + "," + row.system + "," + row.metric + "," + row.key] = &row;
  return m;
}

}  // namespace

TEST(Compare, NoOpToggleGivesExactlyZeroDifferences) {
  test::TempDir tmp("cmp-noop");
  // notify_prob = 0.3 is the preset's own value: the arms are the same runs.
  const CompareResult r = run_compare(notify_spec(tmp.path(), {"data.notify_prob=0.3"}), exec(1));
  EXPECT_TRUE(r.differences.empty());
  ASSERT_GT(r.rows.size(), 1000u);
  std::size_t nonzero_means = 0, full = 0;
  for (const auto& row : r.rows) {
    if (row.s.n == 0) continue;  // NA in every replicate
    EXPECT_LE(row.s.n, 3u);      // NA in some replicates (e.g. a mean over nobody yet)
    EXPECT_EQ(row.s.diff_mean, 0.0) << row.system << "." << row.metric;
    EXPECT_EQ(row.s.mean_a, row.s.mean_b);
    if (row.s.n < 2) continue;
    ++full;
    EXPECT_EQ(row.s.diff_sd, 0.0);
    EXPECT_EQ(row.s.ci_low, 0.0);
    EXPECT_EQ(row.s.ci_high, 0.0);
    nonzero_means += row.s.mean_a != 0;
  }
  EXPECT_GT(nonzero_means, 500u);
  EXPECT_GT(full, 1000u);
}

TEST(Compare, ToggleThatMattersDiffersOnlyDownstreamAndMatchesANaiveRecomputation) {
  test::TempDir tmp("cmp-notify");
  const CompareResult r = run_compare(notify_spec(tmp.path(), {"data.notify_prob=0"}), exec(1));
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].key, "data.notify_prob");
  const auto rows = by_id(r);
  // Common random numbers: the same persons and graph in both arms, replicate by replicate.
  const CompareRow* edges = rows.at("0,society,edges,");
  EXPECT_EQ(edges->s.diff_mean, 0.0);
  EXPECT_EQ(edges->s.ci_high - edges->s.ci_low, 0.0);
  // Without notices nobody appeals a data-layer record.
  const Tick last = 16;
  const CompareRow* appeals = rows.at(std::to_string(last) + ",data,appeals_opened,");
  EXPECT_GT(appeals->s.mean_a, 0.0);
  EXPECT_EQ(appeals->s.mean_b, 0.0);
  EXPECT_LT(appeals->s.diff_mean, 0.0);

  // compare.csv recomputed from the run folders' metrics.csv by hand for one row.
  std::vector<double> a, b;
  for (int arm = 0; arm < 2; ++arm)
    for (int rep = 0; rep < 3; ++rep) {
      std::ifstream in(tmp.path() / (arm ? "B" : "A") / ("rep_00" + std::to_string(rep)) / "metrics.csv");
      std::string line;
      const std::string want = std::to_string(last) + ",data,appeals_opened,,";
      while (std::getline(in, line))
        if (line.rfind(want, 0) == 0) (arm ? b : a).push_back(std::stod(line.substr(want.size())));
    }
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  double d[3], mean = 0;
  for (int i = 0; i < 3; ++i) mean += (d[i] = b[i] - a[i]) / 3;
  double ss = 0;
  for (double x : d) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / 2), half = 4.3026527297494618 * sd / std::sqrt(3.0);
  EXPECT_NEAR(appeals->s.diff_mean, mean, 1e-9);
  EXPECT_NEAR(appeals->s.ci_low, mean - half, 1e-9);
  EXPECT_NEAR(appeals->s.ci_high, mean + half, 1e-9);
  // The same row in compare.csv, columns as documented.
  const std::string csv = test::slurp(tmp.path() / "compare.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "tick,system,metric,key,mean_a,mean_b,diff_mean,diff_sd,ci_low,ci_high,n");
  const std::string prefix = "\n" + std::to_string(last) + ",data,appeals_opened,,";
  const auto at = csv.find(prefix);
  ASSERT_NE(at, std::string::npos);
  std::stringstream row(csv.substr(at + prefix.size(), csv.find('\n', at + 1) - at - prefix.size()));
  std::vector<double> f;
  for (std::string cell; std::getline(row, cell, ',');) f.push_back(std::stod(cell));
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f[0], appeals->s.mean_a);
  EXPECT_EQ(f[2], appeals->s.diff_mean);
  EXPECT_EQ(f[6], 3.0);
  const auto j = nlohmann::json::parse(test::slurp(tmp.path() / "compare.json"));
  EXPECT_EQ(j["replicates"], 3);
  EXPECT_EQ(j["toggles"][0], "data.notify_prob=0");
  EXPECT_EQ(j["arms"]["B"]["runs"][2], "B/rep_002");
}

TEST(Compare, ReplicateOverridesAreCommonRandomNumbers) {
  CompareSpec s = notify_spec("/nonexistent/out", {"data.notify_prob=0"}, 2);
  s.seed = 7;
  std::vector<RunJob> a, b;
  compare_jobs(s, a, b);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].overrides.back(), "run.replicate=1");
  EXPECT_EQ(b[1].overrides.back(), "run.replicate=1");
  EXPECT_EQ(a[1].overrides[a[1].overrides.size() - 2], "run.seed=7");
  EXPECT_EQ(b[1].overrides[b[1].overrides.size() - 2], "run.seed=7");
  EXPECT_EQ(b[0].overrides[b[0].overrides.size() - 3], "data.notify_prob=0");
  EXPECT_EQ(a[0].dir, fs::path("/nonexistent/out/A/rep_000"));
  EXPECT_EQ(b[1].dir, fs::path("/nonexistent/out/B/rep_001"));
}

TEST(Compare, RefusesArmsThatDoNotShareTheirPopulation) {
  test::TempDir tmp("cmp-refuse");
  const fs::path b = tmp.path() / "b.toml";
  {
    std::ofstream f(b);
    f << "[run]\nname = \"bigger\"\n[society]\npersons = 4000\n[systems.sesame]\ntype = \"composite\"\n";
  }
  const fs::path a = tmp.path() / "a.toml";
  {
    std::ofstream f(a);
    f << "[run]\nname = \"smaller\"\n[society]\npersons = 3000\n[systems.sesame]\ntype = \"composite\"\n";
  }
  CompareSpec s;
  s.scenario_a = a.string();
  s.scenario_b = b.string();
  s.replicates = 2;
  s.out = tmp.path() / "out";
  try {
    run_compare(s, exec(1));
    FAIL() << "arms of different sizes were accepted";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "society.persons: A = 3000, B = 4000");
    EXPECT_CONTAINS(e.what(), "common random numbers");
  }
  EXPECT_FALSE(fs::exists(s.out / "A"));  // nothing ran
  // The same population: accepted, and the differing keys are listed.
  s.overrides = {"society.persons=2000", "run.ticks=2"};
  const CompareResult r = run_compare(s, exec(1));
  ASSERT_EQ(r.differences.size(), 1u);
  EXPECT_EQ(r.differences[0].key, "run.name");
  // A toggle of a structural key, R < 2, run.replicate, an unknown key: clear errors.
  auto message = [](CompareSpec spec) -> std::string {
    try {
      check_arms(spec);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  CompareSpec t = notify_spec(tmp.path() / "x", {"graph.mean_degree=6"});
  EXPECT_CONTAINS(message(t), "graph.mean_degree");
  t = notify_spec(tmp.path() / "x", {"data.notify_prob=0"}, 1);
  EXPECT_CONTAINS(message(t), "at least 2");
  t = notify_spec(tmp.path() / "x", {"data.nofity_prob=0"});
  EXPECT_CONTAINS(message(t), "--toggle #1 'data.nofity_prob=0'");
  t = notify_spec(tmp.path() / "x", {});
  EXPECT_CONTAINS(message(t), "no --toggle");
  t = notify_spec(tmp.path() / "x", {"data.notify_prob=0"});
  t.overrides.push_back("run.replicate=3");
  EXPECT_CONTAINS(message(t), "run.replicate");
}

TEST(Compare, ResumesReusingCompleteRunsAndRerunningMissingOnes) {
  test::TempDir tmp("cmp-resume");
  CompareSpec s = notify_spec(tmp.path(), {"data.notify_prob=0"}, 2);
  s.ticks = parse_ticks("last");
  const CompareResult first = run_compare(s, exec(1));
  EXPECT_EQ(first.stats.ran, 4u);
  const std::string csv = test::slurp(tmp.path() / "compare.csv");
  const auto stamp = fs::last_write_time(tmp.path() / "A" / "rep_000" / "metrics.csv");
  const CompareResult second = run_compare(s, exec(1));
  EXPECT_EQ(second.stats.ran, 0u);
  EXPECT_EQ(second.stats.reused, 4u);
  EXPECT_EQ(fs::last_write_time(tmp.path() / "A" / "rep_000" / "metrics.csv"), stamp);
  EXPECT_EQ(test::slurp(tmp.path() / "compare.csv"), csv);
  // A deleted run folder and an interrupted one (no manifest.json) are run again.
  fs::remove_all(tmp.path() / "B" / "rep_001");
  fs::remove(tmp.path() / "A" / "rep_001" / "manifest.json");
  const CompareResult third = run_compare(s, exec(1));
  EXPECT_EQ(third.stats.ran, 2u);
  EXPECT_EQ(third.stats.reused, 2u);
  EXPECT_EQ(test::slurp(tmp.path() / "compare.csv"), csv);
  // Another design in the same folder is refused, not overwritten.
  CompareSpec other = s;
  other.toggles = {"data.notify_prob=1"};
  EXPECT_THROW(run_compare(other, exec(1)), InputError);
}

TEST(Compare, SameBytesForAnyNumberOfJobs) {
  test::TempDir tmp("cmp-jobs");
  CompareSpec s = notify_spec(tmp.path() / "j1", {"systems.court.notify_prob=0"}, 2);
  run_compare(s, exec(1));
  s.out = tmp.path() / "j2";
  const CompareResult r2 = run_compare(s, exec(2));
  EXPECT_EQ(r2.stats.ran, 4u);
  EXPECT_TRUE(fs::exists(tmp.path() / "j2" / "A" / "rep_000" / "run.log"));  // child processes made it
  const std::string c1 = test::slurp(tmp.path() / "j1" / "compare.csv");
  EXPECT_GT(c1.size(), 10000u);
  EXPECT_EQ(c1, test::slurp(tmp.path() / "j2" / "compare.csv"));
  EXPECT_EQ(test::slurp(tmp.path() / "j1" / "compare.json"), test::slurp(tmp.path() / "j2" / "compare.json"));
}

TEST(Sweep, GridIsTheCartesianProductLastKeyFastest) {
  SweepSpec s;
  s.grid = {parse_grid("a.x=1,2"), parse_grid("b.y=\"p, q\",[1, 2],{k = 1}")};
  const Design d = make_design(s);
  ASSERT_EQ(d.keys, (std::vector<std::string>{"a.x", "b.y"}));
  ASSERT_EQ(d.points.size(), 6u);
  const std::vector<std::vector<std::string>> want = {{"1", "\"p, q\""}, {"1", "[1, 2]"}, {"1", "{k = 1}"},
                                                      {"2", "\"p, q\""}, {"2", "[1, 2]"}, {"2", "{k = 1}"}};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(d.points[i].values, want[i]) << i;
    EXPECT_EQ(d.points[i].id, "p000" + std::to_string(i));
  }
}

TEST(Sweep, LatinHypercubeIsStratifiedInEveryDimensionAndDeterministic) {
  const std::size_t n = 37, dims = 4;
  const auto u = latin_hypercube(n, dims, 11);
  for (std::size_t j = 0; j < dims; ++j) {
    std::set<std::size_t> strata;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_GE(u[i][j], 0.0);
      ASSERT_LT(u[i][j], 1.0);
      strata.insert(static_cast<std::size_t>(std::floor(u[i][j] * n)));
    }
    EXPECT_EQ(strata.size(), n) << "dimension " << j;  // every stratum exactly once
  }
  EXPECT_EQ(latin_hypercube(n, dims, 11), u);
  EXPECT_NE(latin_hypercube(n, dims, 12), u);
  // Dimensions are not the same permutation.
  bool differ = false;
  for (std::size_t i = 0; i < n; ++i) differ |= std::floor(u[i][0] * n) != std::floor(u[i][1] * n);
  EXPECT_TRUE(differ);
  // Scaled to [lo, hi) by make_design.
  SweepSpec s;
  s.lhs = {parse_lhs("data.notify_prob=0.2:0.6")};
  s.samples = 10;
  s.lhs_seed = 3;
  const Design d = make_design(s);
  std::set<int> strata;
  for (const auto& p : d.points) {
    const double v = std::stod(p.values[0]);
    EXPECT_GE(v, 0.2);
    EXPECT_LT(v, 0.6);
    strata.insert(static_cast<int>(std::floor((v - 0.2) / 0.04)));
  }
  EXPECT_EQ(strata.size(), 10u);
}

TEST(Sweep, CombinedCsvResumesAndIsTheSameForAnyJobs) {
  test::TempDir tmp("sweep");
  SweepSpec s;
  s.scenario = kIntegrated;
  s.overrides = {"society.persons=2000", "society.businesses=100", "run.ticks=8"};
  s.grid = {parse_grid("data.notify_prob=0,1"), parse_grid("systems.court.notify_prob=0.1,0.9")};
  s.replicates = 2;
  s.metrics = {"data.appeals_opened", "society.edges"};
  s.ticks = parse_ticks("0,8");
  s.out = tmp.path() / "j1";
  const SweepResult r = run_sweep(s, exec(1));
  EXPECT_EQ(r.jobs.size(), 8u);
  EXPECT_EQ(r.stats.ran, 8u);
  const std::string csv = test::slurp(s.out / "sweep.csv");
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "point,replicate,data.notify_prob,systems.court.notify_prob,tick,system,metric,key,value");
  std::size_t rows = 0;
  std::map<std::string, std::string> seen;
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
    ASSERT_EQ(f.size(), 9u) << line;
    // The parameter columns are those of the point (point-major, last key fastest).
    const int p = std::stoi(f[0].substr(1));
    EXPECT_EQ(f[2], p < 2 ? "0" : "1");
    EXPECT_EQ(f[3], p % 2 ? "0.9" : "0.1");
    // And the value is the run folder's own.
    const std::string run_csv = test::slurp(s.out / "runs" / (f[0] + "-r0" + f[1]) / "metrics.csv");
    EXPECT_CONTAINS(run_csv, "\n" + f[4] + "," + f[5] + "," + f[6] + "," + f[7] + "," + f[8] + "\n");
  }
  EXPECT_EQ(rows, r.rows);
  EXPECT_EQ(rows, 8u * 2 /*ticks*/ * 2 /*metrics*/);
  const auto design = nlohmann::json::parse(test::slurp(s.out / "sweep.json"));
  EXPECT_EQ(design["points"][3]["values"]["systems.court.notify_prob"], "0.9");
  // Resume: nothing reruns; a deleted folder does.
  const SweepResult again = run_sweep(s, exec(1));
  EXPECT_EQ(again.stats.ran, 0u);
  fs::remove_all(s.out / "runs" / "p0002-r01");
  EXPECT_EQ(run_sweep(s, exec(1)).stats.ran, 1u);
  EXPECT_EQ(test::slurp(s.out / "sweep.csv"), csv);
  // --jobs 2: the same bytes.
  s.out = tmp.path() / "j2";
  run_sweep(s, exec(2));
  EXPECT_EQ(test::slurp(s.out / "sweep.csv"), csv);
  EXPECT_EQ(test::slurp(s.out / "sweep.json"), test::slurp(tmp.path() / "j1" / "sweep.json"));
}

TEST(Sweep, BadDesignsAreClearErrors) {
  auto grid_error = [](const std::string& arg) -> std::string {
    try {
      parse_grid(arg);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_CONTAINS(grid_error("data.notify_prob"), "no '='");
  EXPECT_CONTAINS(grid_error("data.notify_prob="), "no values");
  EXPECT_CONTAINS(grid_error("data.notify_prob=1,,2"), "empty value");
  EXPECT_CONTAINS(grid_error("data.region_detection=[1,2"), "unbalanced");
  EXPECT_CONTAINS(grid_error("data..x=1"), "not a key path");
  EXPECT_CONTAINS(grid_error("a.b=1,1"), "listed twice");
  auto lhs_error = [](const std::string& arg) -> std::string {
    try {
      parse_lhs(arg);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_CONTAINS(lhs_error("a.b=0"), "exactly one ':'");
  EXPECT_CONTAINS(lhs_error("a.b=x:1"), "not a finite number");
  EXPECT_CONTAINS(lhs_error("a.b=1:0"), "not below");
  EXPECT_CONTAINS(lhs_error("a.b=0:1:2"), "exactly one ':'");
  SweepSpec s;
  EXPECT_THROW(make_design(s), InputError);  // no dimension
  s.grid = {parse_grid("a.b=1,2")};
  s.lhs = {parse_lhs("a.c=0:1")};
  s.samples = 3;
  s.lhs_seed = 1;
  EXPECT_THROW(make_design(s), InputError);  // both kinds
  s.lhs.clear();
  s.samples = 0;
  s.grid.push_back(parse_grid("a.b=3"));
  EXPECT_THROW(make_design(s), InputError);  // a key twice
  // An unknown key stops the sweep before any run, naming the design point.
  test::TempDir tmp("sweep-bad");
  SweepSpec bad;
  bad.scenario = kDefault;
  bad.grid = {parse_grid("data.notify_prob=0.5"), parse_grid("data.nope=1,2")};
  bad.out = tmp.path() / "out";
  try {
    run_sweep(bad, exec(1));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "design point p0000 (data.notify_prob=0.5, data.nope=1)");
  }
  EXPECT_FALSE(fs::exists(bad.out / "runs"));
  EXPECT_THROW(parse_ticks("1,x"), InputError);
  EXPECT_EQ(parse_ticks("52,0,52").ticks, (std::vector<Tick>{0, 52}));
}

TEST(ExperimentCli, BadInputExitsTwoWithAClearMessage) {
  test::TempDir tmp("exp-cli");
  const fs::path src = CREDSIM_SOURCE_DIR;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const Case cases[] = {
      {{"compare", "scenarios/default.toml", "--toggle", "data.nope=1", "--replicates", "2"}, "--toggle #1"},
      {{"compare", "scenarios/default.toml", "--toggle", "data.notify_prob=1", "--replicates", "1"}, "at least 2"},
      {{"compare", "scenarios/default.toml", "scenarios/rongcheng.toml", "--replicates", "2"}, "common random numbers"},
      {{"sweep", "scenarios/default.toml", "--grid", "data.notify_prob=0,,1"}, "empty value"},
      {{"sweep", "scenarios/default.toml", "--lhs", "data.notify_prob=1:0", "--samples", "3"}, "not below"},
      {{"sweep", "scenarios/default.toml", "--lhs", "data.notify_prob=0:1"}, "--samples"},
      {{"compare", "scenarios/default.toml", "--toggle", "data.notify_prob=1", "--ticks", "x"}, "bad tick"},
  };
  for (const Case& c : cases) {
    const auto r = test::run_cli(tmp, src, c.args);
    EXPECT_EQ(r.code, 2) << c.args[0] << " " << c.args[2] << "\n" << r.err;
    EXPECT_CONTAINS(r.err, c.says);
  }
  EXPECT_FALSE(fs::exists(src / "runs" / "compare-default"));
  const auto help = test::run_cli(tmp, src, {"compare", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_CONTAINS(help.out, "Examples:");
  EXPECT_CONTAINS(test::run_cli(tmp, src, {"sweep", "--help"}).out, "--lhs");
}
