// The built credsim binary under signals and resource errors: SIGINT/SIGTERM stop a run after
// its tick with a checkpoint and exit 128 + signo; SIGKILL at a random moment between checkpoints
// leaves no partial file under a final name and resumes to the uninterrupted bytes; a full disk
// (RLIMIT_FSIZE) or an unwritable place ends the run with a message naming the file, exit 3,
// keeping what was complete.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "checkpoint_support.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;
using test::result_files;
using test::slurp;

const fs::path kSource = CREDSIM_SOURCE_DIR;

// Long enough (a few hundred ticks) that a signal sent after tick 3 lands well before the end.
std::vector<std::string> long_run(const fs::path& out, const std::string& preset = "default") {
  return {"run", (kSource / "scenarios" / (preset + ".toml")).string(), "--out", out.string(), "--set",
          "society.persons=1500", "--set", "run.ticks=150", "--set", "run.measure_every=1", "--threads", "1"};
}

// Starts credsim with stdout/stderr to files; returns the pid. fsize_limit > 0: RLIMIT_FSIZE in
// bytes with SIGXFSZ ignored, so that writes past it fail with EFBIG as on a full disk.
pid_t spawn(const std::vector<std::string>& args, const fs::path& out, const fs::path& err,
            std::uint64_t fsize_limit = 0) {
  std::vector<std::string> all{CREDSIM_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string o = out.string(), e = err.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fo = ::open(o.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fe = ::open(e.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fi = ::open("/dev/null", O_RDONLY);
    ::dup2(fo, 1);
    ::dup2(fe, 2);
    ::dup2(fi, 0);
    if (fsize_limit > 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // inherited through exec
      const rlimit lim{fsize_limit, fsize_limit};
      ::setrlimit(RLIMIT_FSIZE, &lim);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Polls until pred() holds (true) or 60 s pass (false).
template <class Pred>
bool wait_for(Pred pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

bool has_tick_row(const fs::path& metrics_partial, Tick t) {
  return slurp(metrics_partial).find("\n" + std::to_string(t) + ",society,persons,") != std::string::npos;
}

class Signals : public ::testing::TestWithParam<int> {};

TEST_P(Signals, StopAfterTheTickWithACheckpointAndResumeToTheSameBytes) {
  const int signo = GetParam();
  test::TempDir tmp("ckpt-signal");
  ASSERT_EQ(test::run_cli(tmp, kSource, long_run(tmp.path() / "ref")).code, 0);
  const fs::path dir = tmp.path() / "r";
  const pid_t pid = spawn(long_run(dir), tmp.path() / "out", tmp.path() / "err");
  ASSERT_TRUE(wait_for([&] { return has_tick_row(dir / "metrics.csv.partial", 3); }));
  ::kill(pid, signo);
  EXPECT_EQ(wait_code(pid), 128 + signo);
  const std::string err = slurp(tmp.path() / "err");
  EXPECT_CONTAINS(err, "credsim: interrupted after tick ");
  EXPECT_CONTAINS(err, " of 150; checkpoint written; resume with: credsim resume " + dir.string());
  EXPECT_TRUE(fs::exists(checkpoint_path(dir)));
  EXPECT_FALSE(fs::exists(dir / "checkpoint" / "state.partial"));
  EXPECT_FALSE(fs::exists(dir / "metrics.csv"));
  EXPECT_FALSE(fs::exists(dir / "manifest.json"));
  // Flushed: the partial metrics end with a whole tick.
  const std::string partial = slurp(dir / "metrics.csv.partial");
  ASSERT_FALSE(partial.empty());
  EXPECT_EQ(partial.back(), '\n');

  const auto r = test::run_cli(tmp, kSource, {"resume", dir.string(), "--threads", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "results: " + dir.string());
  EXPECT_EQ(test::differing(result_files(tmp.path() / "ref"), result_files(dir)), "");
  EXPECT_CONTAINS(slurp(dir / "manifest.json"), "\"resumed\": [");
}

INSTANTIATE_TEST_SUITE_P(IntAndTerm, Signals, ::testing::Values(SIGINT, SIGTERM));

TEST(Sigkill, AtARandomMomentBetweenCheckpointsResumesFromTheLast) {
  test::TempDir tmp("ckpt-kill");
  auto args = [&](const fs::path& out) {
    auto a = long_run(out, "integrated_2020");
    for (const char* x : {"--checkpoint-every", "4", "--snapshot-every", "10", "--set", "run.ticks=40", "--trace", "3"}) a.push_back(x);
    return a;
  };
  ASSERT_EQ(test::run_cli(tmp, kSource, args(tmp.path() / "ref")).code, 0);
  const auto ref = result_files(tmp.path() / "ref");
  std::random_device rd;
  for (int round = 0; round < 2; ++round) {
    const int delay_ms = static_cast<int>(rd() % 60);
    SCOPED_TRACE("killed " + std::to_string(delay_ms) + " ms after the first checkpoint appeared");
    const fs::path dir = tmp.path() / ("r" + std::to_string(round));
    const pid_t pid = spawn(args(dir), tmp.path() / "out", tmp.path() / "err");
    ASSERT_TRUE(wait_for([&] { return fs::exists(checkpoint_path(dir)); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    ASSERT_EQ(wait_code(pid), 128 + SIGKILL) << "the run ended before it was killed: make it longer";
    // Nothing half-written under a final name: every file is a .partial, the checkpoint, or a
    // complete snapshot file identical to the uninterrupted run's.
    EXPECT_FALSE(fs::exists(dir / "metrics.csv"));
    EXPECT_FALSE(fs::exists(dir / "manifest.json"));
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      const std::string rel = fs::relative(e.path(), dir).generic_string();
      if (rel.size() > 8 && rel.substr(rel.size() - 8) == ".partial") continue;
      if (rel == "checkpoint/state") continue;
      ASSERT_TRUE(ref.count(rel)) << rel;
      EXPECT_TRUE(ref.at(rel) == slurp(e.path())) << rel << " differs from the uninterrupted run's";
    }
    const auto r = test::run_cli(tmp, kSource, {"resume", dir.string()});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(test::differing(ref, result_files(dir)), "");
  }
}

TEST(ResumeCli, ClearErrorsExit2) {
  test::TempDir tmp("ckpt-cli");
  // No checkpoint.
  fs::create_directories(tmp.path() / "empty");
  auto r = test::run_cli(tmp, kSource, {"resume", (tmp.path() / "empty").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "has no checkpoint");
  // Complete.
  ASSERT_EQ(test::run_cli(tmp, kSource, {"run", "scenarios/default.toml", "--out", (tmp.path() / "done").string(),
                                         "--set", "society.persons=500", "--set", "run.ticks=3"})
                .code,
            0);
  EXPECT_FALSE(fs::exists(tmp.path() / "done" / "checkpoint"));
  r = test::run_cli(tmp, kSource, {"resume", (tmp.path() / "done").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "already complete");
  // Corrupt: a stopped run whose checkpoint lost its second half.
  const fs::path dir = tmp.path() / "r";
  const pid_t pid = spawn(long_run(dir), tmp.path() / "out", tmp.path() / "err");
  ASSERT_TRUE(wait_for([&] { return has_tick_row(dir / "metrics.csv.partial", 2); }));
  ::kill(pid, SIGINT);
  ASSERT_EQ(wait_code(pid), 130);
  const std::string good = slurp(checkpoint_path(dir));
  std::ofstream(checkpoint_path(dir), std::ios::binary | std::ios::trunc) << good.substr(0, good.size() / 2);
  r = test::run_cli(tmp, kSource, {"resume", dir.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "checkpoint is corrupt or incomplete");
  EXPECT_CONTAINS(r.err, checkpoint_path(dir).string());
  // --help has examples.
  r = test::run_cli(tmp, kSource, {"resume", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_CONTAINS(r.out, "credsim resume runs/long");
  r = test::run_cli(tmp, kSource, {"run", "--help"});
  EXPECT_CONTAINS(r.out, "--checkpoint-every");
}

// credsim with file sizes limited to `bytes` (see spawn).
test::CliResult run_limited(const test::TempDir& tmp, std::uint64_t bytes, const std::vector<std::string>& args) {
  const fs::path out = tmp.path() / "lim.out", err = tmp.path() / "lim.err";
  test::CliResult r;
  r.code = wait_code(spawn(args, out, err, bytes));
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

TEST(DiskFull, MetricsWriteFailsWithTheFileNamedAndNothingUnderAFinalName) {
  test::TempDir tmp("ckpt-full");
  const fs::path dir = tmp.path() / "r";
  const auto r = run_limited(tmp, 16 * 1024, long_run(dir));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_CONTAINS(r.err, "cannot write '" + (dir / "metrics.csv.partial").string() + "': File too large");
  EXPECT_CONTAINS(r.err, "disk has space");
  EXPECT_FALSE(fs::exists(dir / "metrics.csv"));
  EXPECT_FALSE(fs::exists(dir / "manifest.json"));
}

TEST(DiskFull, CheckpointThatNoLongerFitsKeepsThePreviousOneWhole) {
  test::TempDir tmp("ckpt-full2");
  // Checkpoints grow with the ledger: find a limit the tick-2 checkpoint fits in and a later one
  // does not (measured in process with the same code).
  const Scenario sc = load_scenario((kSource / "scenarios" / "integrated_2020.toml").string(),
                                    {"society.persons=1500", "run.ticks=40", "run.measure_every=1"});
  auto size_at = [&](Tick t) {
    RunOptions opt;
    opt.out_dir = tmp.path() / ("size" + std::to_string(t));
    opt.stop_after = t;
    run_scenario(sc, opt);
    return fs::file_size(checkpoint_path(opt.out_dir));
  };
  const std::uint64_t early = size_at(2), late = size_at(24);
  const std::uint64_t limit = early + 4096;  // room for a longer command line in the run section
  ASSERT_GT(late, limit) << "checkpoints did not grow enough for this test";
  auto args = long_run(tmp.path() / "r", "integrated_2020");
  for (const char* x : {"--checkpoint-every", "2", "--set", "run.ticks=40"}) args.push_back(x);
  const fs::path dir = tmp.path() / "r";
  const auto r = run_limited(tmp, limit, args);
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_CONTAINS(r.err, "cannot write checkpoint '" + (dir / "checkpoint" / "state.partial").string() + "'");
  EXPECT_CONTAINS(r.err, "File too large");
  EXPECT_FALSE(fs::exists(dir / "checkpoint" / "state.partial"));  // removed: frees the space
  EXPECT_FALSE(fs::exists(dir / "metrics.csv"));
  ASSERT_TRUE(fs::exists(checkpoint_path(dir)));
  // The previous checkpoint is whole: the run resumes (without the limit) to the uninterrupted bytes.
  auto ref_args = long_run(tmp.path() / "ref", "integrated_2020");
  for (const char* x : {"--set", "run.ticks=40"}) ref_args.push_back(x);
  ASSERT_EQ(test::run_cli(tmp, kSource, ref_args).code, 0);
  const auto res = test::run_cli(tmp, kSource, {"resume", dir.string()});
  EXPECT_EQ(res.code, 0) << res.err;
  EXPECT_EQ(test::differing(result_files(tmp.path() / "ref"), result_files(dir)), "");
}

// Root can write anywhere, but not into a path whose parent is a regular file (ENOTDIR).
TEST(Unwritable, OutputFolderUnderAFile) {
  test::TempDir tmp("ckpt-perm");
  std::ofstream(tmp.path() / "file") << "x";
  auto args = long_run(tmp.path() / "file" / "run");
  const auto r = test::run_cli(tmp, kSource, args);
  EXPECT_EQ(r.code, 3);
  EXPECT_CONTAINS(r.err, "cannot create output folder '" + (tmp.path() / "file" / "run").string() + "'");
  EXPECT_CONTAINS(r.err, "Not a directory");
}

TEST(Unwritable, CheckpointFolderBlockedEndsTheRunAndKeepsTheOutputsPartial) {
  test::TempDir tmp("ckpt-perm2");
  const fs::path dir = tmp.path() / "r";
  fs::create_directories(dir);
  std::ofstream(dir / "checkpoint") << "not a folder";
  auto args = long_run(dir);
  args.push_back("--checkpoint-every");
  args.push_back("3");
  const auto r = test::run_cli(tmp, kSource, args);
  EXPECT_EQ(r.code, 3);
  EXPECT_CONTAINS(r.err, "cannot create checkpoint folder '" + (dir / "checkpoint").string() + "'");
  EXPECT_TRUE(has_tick_row(dir / "metrics.csv.partial", 3));  // what was written stays
  EXPECT_FALSE(fs::exists(dir / "metrics.csv"));
}

}  // namespace
}  // namespace credsim
