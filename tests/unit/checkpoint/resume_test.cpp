// Checkpoint and resume in process: every preset stopped and resumed gives the bytes of an
// uninterrupted run (metrics.csv and snapshots), with another thread count; save → load → save
// gives the same checkpoint bytes; corrupt, truncated and foreign checkpoints are refused.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>

#include "checkpoint_support.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/version.hpp"
#include "credsim/io/checkpoint.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/run/interrupt.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/scenario/scenario.hpp"
#include "preset_run.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;
using test::result_files;
using test::slurp;

std::vector<fs::path> presets() { return test::preset_files(); }

// Small and short, with a measured tick every 3rd (stops fall on unmeasured ticks too) and a
// short harm window so windowed metrics are written and depend on kept snapshots.
const std::vector<std::string> kSmall{"society.persons=1200", "run.ticks=11", "run.measure_every=3", "measure.window=3"};

struct Restore {  // every test leaves the thread count and the interrupt flag as it found them
  int threads = omp_get_max_threads();
  ~Restore() {
    omp_set_num_threads(threads);
    clear_interrupt();
  }
};

RunResult run(const Scenario& sc, const fs::path& out, int threads, Tick stop_after = 0, Tick snapshot_every = 4,
              Tick checkpoint_every = 0) {
  RunOptions opt;
  opt.out_dir = out;
  opt.threads = threads;
  opt.stop_after = stop_after;
  opt.snapshot_every = snapshot_every;
  opt.checkpoint_every = checkpoint_every;
  opt.trace_count = 3;  // trace.jsonl is a streaming output too: compared like metrics.csv
  return run_scenario(sc, opt);
}

RunResult resume(const fs::path& dir, int threads, Tick stop_after = 0) {
  ResumeOptions opt;
  opt.threads = threads;
  opt.stop_after = stop_after;
  opt.command_line = "test resume";
  return resume_run(dir, opt);
}

// One test per preset (each a few seconds); the list is checked against scenarios/ below, so a
// new preset cannot be left out.
const std::vector<std::string> kPresets{"agency_lists", "corporate",  "court_list", "default",        "fico",
                                        "integrated_2020", "platform_rating", "rongcheng", "sesame"};

TEST(Resume, EveryPresetInScenariosIsCovered) {
  std::vector<std::string> names;
  for (const fs::path& p : presets()) names.push_back(p.stem().string());
  EXPECT_EQ(names, kPresets);
}

class ResumePreset : public ::testing::TestWithParam<std::string> {};

TEST_P(ResumePreset, StoppedAndResumedGivesTheUninterruptedBytes) {
  Restore restore;
  {
    const fs::path p = fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / (GetParam() + ".toml");
    test::TempDir tmp("ckpt-preset");
    const Scenario sc = load_scenario(p.string(), kSmall);
    run(sc, tmp.path() / "ref", 2);
    const auto ref = result_files(tmp.path() / "ref");
    ASSERT_TRUE(ref.count("metrics.csv"));
    ASSERT_TRUE(ref.count("snapshots/tick_000008/index.json"));
    ASSERT_TRUE(ref.count("trace.jsonl"));

    const fs::path dir = tmp.path() / "stopped";
    const RunResult stopped = run(sc, dir, 1, /*stop_after=*/5);
    EXPECT_TRUE(stopped.stopped);
    EXPECT_EQ(stopped.interrupted_by, 0);
    EXPECT_EQ(stopped.tick, 5u);
    EXPECT_TRUE(fs::exists(checkpoint_path(dir)));
    EXPECT_FALSE(fs::exists(dir / "metrics.csv"));  // never under its final name before the end
    EXPECT_FALSE(fs::exists(dir / "manifest.json"));
    EXPECT_TRUE(fs::exists(dir / "metrics.csv.partial"));

    const RunResult done = resume(dir, 2);
    EXPECT_FALSE(done.stopped);
    EXPECT_EQ(test::differing(ref, result_files(dir)), "");
    EXPECT_FALSE(fs::exists(dir / "checkpoint"));  // removed once the run is complete
    const std::string manifest = slurp(dir / "manifest.json");
    EXPECT_NE(manifest.find("\"from_tick\": 5"), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("\"command_line\": \"test resume\""), std::string::npos);
    // The summary of the resumed run is the uninterrupted run's.
    EXPECT_EQ(done.calibration.size(), sc.targets.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, ResumePreset, ::testing::ValuesIn(kPresets),
                         [](const auto& info) { return info.param; });

TEST(Resume, ChainOfStopsFromTickZeroWithPeriodicCheckpoints) {
  Restore restore;
  test::TempDir tmp("ckpt-chain");
  const Scenario sc = load_scenario(std::string(CREDSIM_SOURCE_DIR) + "/scenarios/integrated_2020.toml", kSmall);
  run(sc, tmp.path() / "ref", 1, 0, 4, 0);
  const auto ref = result_files(tmp.path() / "ref");

  const fs::path dir = tmp.path() / "r";
  request_interrupt(SIGTERM);  // as if SIGTERM came during set-up: stops at tick 0
  const RunResult r0 = run(sc, dir, 2, 0, 4, /*checkpoint_every=*/2);
  clear_interrupt();
  EXPECT_TRUE(r0.stopped);
  EXPECT_EQ(r0.interrupted_by, SIGTERM);
  EXPECT_EQ(r0.tick, 0u);
  EXPECT_EQ(resume(dir, 1, 3).tick, 3u);
  EXPECT_EQ(resume(dir, 2, 7).tick, 7u);
  // A periodic checkpoint is written at tick 8 and 10; the run goes on to the end.
  const RunResult done = resume(dir, 1);
  EXPECT_FALSE(done.stopped);
  EXPECT_EQ(test::differing(ref, result_files(dir)), "");
  const std::string manifest = slurp(dir / "manifest.json");
  for (const char* t : {"\"from_tick\": 0", "\"from_tick\": 3", "\"from_tick\": 7", "\"checkpoint_every\": 2"})
    EXPECT_NE(manifest.find(t), std::string::npos) << t;
}

TEST(Resume, RefusesCompleteRunsMissingCheckpointsAndMissingFolders) {
  Restore restore;
  test::TempDir tmp("ckpt-refuse");
  const Scenario sc = load_scenario(std::string(CREDSIM_SOURCE_DIR) + "/scenarios/default.toml", kSmall);
  run(sc, tmp.path() / "done", 1);
  try {
    resume(tmp.path() / "done", 1);
    FAIL() << "resumed a complete run";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "already complete");
  }
  fs::create_directories(tmp.path() / "empty");
  try {
    resume(tmp.path() / "empty", 1);
    FAIL() << "resumed without a checkpoint";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "has no checkpoint");
  }
  EXPECT_THROW(resume(tmp.path() / "nowhere", 1), InputError);
}

// Runs default.toml to tick 4 with a stop: the checkpoint's bytes and the run folder.
std::string stopped_checkpoint(const fs::path& dir, const Scenario& sc) {
  const RunResult r = run(sc, dir, 1, 4);
  EXPECT_TRUE(r.stopped);
  return slurp(checkpoint_path(dir));
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

void expect_refused(const fs::path& dir, const std::string& what) {
  const std::string metrics_before = slurp(dir / "metrics.csv.partial");
  try {
    resume(dir, 1);
    ADD_FAILURE() << "a " << what << " checkpoint was accepted";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "checkpoint");
    EXPECT_CONTAINS(e.what(), checkpoint_path(dir).string());
  }
  EXPECT_EQ(slurp(dir / "metrics.csv.partial"), metrics_before) << "outputs touched before the checkpoint was verified";
}

TEST(Resume, CorruptOrTruncatedCheckpointIsAClearInputError) {
  Restore restore;
  test::TempDir tmp("ckpt-corrupt");
  const Scenario sc = load_scenario(std::string(CREDSIM_SOURCE_DIR) + "/scenarios/default.toml", kSmall);
  const fs::path dir = tmp.path() / "r";
  const std::string good = stopped_checkpoint(dir, sc);
  ASSERT_GT(good.size(), 10000u);
  const fs::path state = checkpoint_path(dir);

  // One bit flipped anywhere — header, a section header, or deep inside a payload.
  for (std::size_t at : {std::size_t{3}, std::size_t{20}, std::size_t{60}, good.size() / 3, good.size() / 2,
                         good.size() - 30, good.size() - 2}) {
    SCOPED_TRACE(at);
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    write_bytes(state, bad);
    expect_refused(dir, "bit-flipped");
  }
  for (std::size_t len : {std::size_t{0}, std::size_t{7}, std::size_t{40}, good.size() / 2, good.size() - 1}) {
    SCOPED_TRACE(len);
    write_bytes(state, good.substr(0, len));
    expect_refused(dir, "truncated");
  }
  write_bytes(state, good + "x");
  expect_refused(dir, "extended");
  // The intact checkpoint still resumes to the uninterrupted bytes.
  write_bytes(state, good);
  run(sc, tmp.path() / "ref", 2);
  resume(dir, 2);
  EXPECT_EQ(test::differing(result_files(tmp.path() / "ref"), result_files(dir)), "");
}

TEST(Resume, CheckpointForAnotherScenarioIsRefused) {
  Restore restore;
  test::TempDir tmp("ckpt-foreign");
  const Scenario sc = load_scenario(std::string(CREDSIM_SOURCE_DIR) + "/scenarios/default.toml", kSmall);
  const fs::path dir = tmp.path() / "r";
  stopped_checkpoint(dir, sc);
  // A well-formed archive whose header hash is not the hash of the scenario it carries (as when
  // the defaults of another credsim version resolve the same file differently).
  {
    ckpt::Archive a = ckpt::Archive::create(checkpoint_path(dir), ckpt::Header{ckpt::kFormatVersion, kVersion, 12345, 4});
    std::string source = sc.source, text = sc.text;
    std::vector<std::string> overrides = sc.overrides;
    a.section("scenario");
    a(source, text, overrides);
    a.finish();
  }
  try {
    resume(dir, 1);
    FAIL() << "accepted a checkpoint of another scenario";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "another resolved scenario");
  }
}

// Simulation-level: save at tick k, load, save again → the same bytes; then both simulations
// (the original and the loaded one) run on and write the same metrics.
TEST(Checkpoint, SaveLoadSaveIsByteIdenticalAndBothContinueAlike) {
  Restore restore;
  for (const fs::path& p : presets()) {
    SCOPED_TRACE(p.filename().string());
    test::TempDir tmp("ckpt-sls");
    const Scenario sc = load_scenario(p.string(), kSmall);
    const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
    Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
    io::MetricsCsv m1(tmp.path() / "a.csv");
    sim.initialise(&m1);
    for (int k = 0; k < 4; ++k) sim.step(&m1);
    const ckpt::Header h{ckpt::kFormatVersion, kVersion, ckpt::hash_text(sc.resolved_json), sim.tick()};
    {
      ckpt::Archive a = ckpt::Archive::create(tmp.path() / "s1", h);
      sim.save(a);
      a.finish();
    }
    ckpt::Archive in = ckpt::Archive::open(tmp.path() / "s1");
    EXPECT_EQ(in.header().tick, 4u);
    EXPECT_EQ(in.header().scenario_hash, h.scenario_hash);
    std::unique_ptr<Simulation> loaded = Simulation::load(sc, in);
    in.finish();
    {
      ckpt::Archive a = ckpt::Archive::create(tmp.path() / "s2", h);
      loaded->save(a);
      a.finish();
    }
    const std::string s1 = slurp(tmp.path() / "s1");
    ASSERT_GT(s1.size(), 1200u * 50);
    EXPECT_TRUE(s1 == slurp(tmp.path() / "s2")) << "save → load → save changed the bytes";
    // Both go on from tick 4 and measure alike (fresh writers watching the targets in order).
    io::MetricsCsv a(tmp.path() / "x.csv"), b(tmp.path() / "y.csv");
    for (const TargetSpec& t : sc.targets) a.watch(t.system, t.metric, t.key), b.watch(t.system, t.metric, t.key);
    while (!sim.done()) {
      sim.step(&a);
      loaded->step(&b);
    }
    a.commit();
    b.commit();
    EXPECT_EQ(slurp(tmp.path() / "x.csv"), slurp(tmp.path() / "y.csv"));
    EXPECT_GT(slurp(tmp.path() / "x.csv").size(), 1000u);
  }
}

TEST(Checkpoint, ArchiveRejectsImpossibleCountsWithoutAllocating) {
  test::TempDir tmp("ckpt-archive");
  const fs::path p = tmp.path() / "a";
  {
    ckpt::Archive a = ckpt::Archive::create(p, ckpt::Header{ckpt::kFormatVersion, "x", 1, 2});
    a.section("data");
    std::uint64_t huge = std::uint64_t{1} << 60;  // a vector count no section can hold
    a(huge);
    a.finish();
  }
  ckpt::Archive a = ckpt::Archive::open(p);
  a.section("data");
  std::vector<double> v;
  try {
    a(v);
    FAIL() << "read a count larger than the file";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), "does not fit");
  }
}

TEST(Checkpoint, ArchiveRoundTripsEveryKindOfMemberInKeyOrder) {
  test::TempDir tmp("ckpt-kinds");
  const fs::path p = tmp.path() / "a";
  std::unordered_map<std::uint64_t, std::pair<std::uint32_t, double>> m;
  for (std::uint64_t k = 0; k < 100; ++k) m[(k * 7919) % 1000] = {static_cast<std::uint32_t>(k), k * 0.5};
  std::deque<std::pair<Tick, std::uint64_t>> d{{1, 2}, {3, 4}};
  std::vector<std::string> strings{"", "a", std::string(1000, 'z')};
  std::vector<std::vector<float>> nested{{}, {1.5f, -0.0f}, {std::nanf("")}};
  std::array<double, 3> arr{1, 2, 3};
  bool flag = true;
  {
    ckpt::Archive a = ckpt::Archive::create(p, ckpt::Header{ckpt::kFormatVersion, "x", 1, 2});
    a.section("kinds");
    a(m, d, strings, nested, arr, flag);
    a.finish();
  }
  decltype(m) m2;
  decltype(d) d2;
  decltype(strings) s2;
  decltype(nested) n2;
  decltype(arr) arr2{};
  bool flag2 = false;
  ckpt::Archive a = ckpt::Archive::open(p);
  a.section("kinds");
  a(m2, d2, s2, n2, arr2, flag2);
  a.finish();
  EXPECT_EQ(m2, m);
  EXPECT_EQ(d2, d);
  EXPECT_EQ(s2, strings);
  ASSERT_EQ(n2.size(), 3u);
  EXPECT_EQ(n2[1], nested[1]);
  EXPECT_TRUE(std::signbit(n2[1][1]));
  EXPECT_TRUE(std::isnan(n2[2][0]));
  EXPECT_EQ(arr2, arr);
  EXPECT_TRUE(flag2);
  // A map's bytes do not depend on its insertion order.
  decltype(m) reversed;
  std::vector<std::uint64_t> keys;
  for (const auto& kv : m) keys.push_back(kv.first);
  std::sort(keys.rbegin(), keys.rend());
  for (auto k : keys) reversed[k] = m.at(k);
  for (auto* mp : {&m, &reversed}) {
    ckpt::Archive w = ckpt::Archive::create(tmp.path() / (mp == &m ? "m1" : "m2"), ckpt::Header{1, "x", 1, 2});
    w.section("m");
    w(*mp);
    w.finish();
  }
  EXPECT_EQ(slurp(tmp.path() / "m1"), slurp(tmp.path() / "m2"));
}

}  // namespace
}  // namespace credsim
