// credsim run / credsim validate: load a scenario (with overrides) and run or check it.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "credsim/experiment/runs.hpp"
#include "credsim/run/interrupt.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim::cli {
namespace {

// A one-line progress bar on stderr: tick, percent, ETA, person-ticks per second.
class ProgressBar {
 public:
  ProgressBar() : start_(std::chrono::steady_clock::now()) {}
  void operator()(Tick t, Tick total, double rate) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double frac = total ? static_cast<double>(t) / total : 1.0;
    const double eta = frac > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
    const int width = 30, filled = static_cast<int>(frac * width);
    std::fprintf(stderr, "\r[%s%s] tick %u/%u %5.1f%%  ETA %5.1fs  %.3g person-ticks/s ",
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), t, total, 100 * frac, eta,
                 rate);
    if (t == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

ProgressFn terminal_progress() {
  if (!::isatty(STDERR_FILENO)) return {};
  auto bar = std::make_shared<ProgressBar>();
  return [bar](Tick t, Tick total, double rate) { (*bar)(t, total, rate); };
}

void print_summary(const RunResult& r);  // below

int finish_run(const RunResult& r) {
  if (r.stopped) {
    std::fprintf(stderr, "\ncredsim: interrupted after tick %u of %u; checkpoint written; resume with: credsim resume %s\n",
                 r.tick, r.ticks, r.out_dir.c_str());
    return r.interrupted_by > 0 ? 128 + r.interrupted_by : 0;
  }
  print_summary(r);
  return 0;
}

void print_summary(const RunResult& r) {
  std::printf("results: %s\n", r.out_dir.c_str());
  std::printf("  %-14s %-24s %14s\n", "system", "metric (final tick)", "value");
  for (const auto& row : r.summary) std::printf("  %-14s %-24s %14.6g\n", row.system.c_str(), row.metric.c_str(), row.value);
  if (!r.calibration.empty()) {
    std::printf("  %-38s %14s %14s\n", "calibration target (final tick)", "model", "target");
    for (const auto& c : r.calibration) std::printf("  %-38s %14.6g %14.6g\n", c.name.c_str(), c.model, c.target);
  }
  std::printf("wall %.2fs, %.3g person-ticks/s, peak memory %.1f MiB\n", r.wall_seconds, r.person_ticks_per_second,
              r.peak_rss_bytes / 1048576.0);
}

namespace {

struct RunArgs {
  std::string scenario_path, out_dir;
  std::vector<std::string> overrides;
  std::int64_t seed = -1, ticks = -1;
  int threads = 0;
  Tick snapshot_every = 0, checkpoint_every = 0;
  double memory_limit_gib = 0;
  std::uint32_t trace = 0;
  std::vector<std::uint64_t> trace_ids;
  std::string command_line;

  // Overrides as given plus --seed / --ticks as overrides (so the manifest shows them).
  std::vector<std::string> all_overrides() const {
    std::vector<std::string> all = overrides;
    if (seed >= 0) all.push_back("run.seed=" + std::to_string(seed));
    if (ticks > 0) all.push_back("run.ticks=" + std::to_string(ticks));
    return all;
  }
};

}  // namespace

std::string join_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

experiment::ExecOptions exec_options(int jobs, int threads) {
  experiment::ExecOptions exec;
  exec.jobs = jobs;
  exec.threads = threads;
  exec.executable = "/proc/self/exe";  // child runs use this very binary
  exec.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  return exec;
}

void register_run(CLI::App& app, Commands& out, int argc, char** argv) {
  auto a = std::make_shared<RunArgs>();
  a->command_line = join_args(argc, argv);

  auto* run = app.add_subcommand("run", "Run a scenario and write metrics.csv and manifest.json");
  run->add_option("scenario", a->scenario_path, "Scenario file (TOML)")->required();
  run->add_option("--out", a->out_dir, "Output folder (default: runs/NAME-TIMESTAMP)");
  run->add_option("--seed", a->seed, "Random seed (overrides run.seed)")->check(CLI::NonNegativeNumber);
  run->add_option("--threads", a->threads, "OpenMP threads (results are identical for any count)")
      ->check(CLI::Range(1, 4096));
  run->add_option("--ticks", a->ticks, "Number of ticks (overrides run.ticks)")->check(CLI::Range(1, 10000000));
  run->add_option("--set", a->overrides, "Override a scenario key: key.path=value (repeatable)");
  run->add_option("--memory-limit", a->memory_limit_gib,
                  "Refuse runs estimated to need more than this many GiB (default: the available memory)")
      ->check(CLI::Range(0.001, 1e6));
  run->add_option("--snapshot-every", a->snapshot_every,
                  "Write every person's state as .npy files at tick 0, every K-th tick and the last "
                  "(OUT/snapshots/tick_NNNNNN/, described by its index.json)")
      ->check(CLI::Range(1, 10000000));
  run->add_option("--trace", a->trace,
                  "Trace N persons drawn from the seed: their full ledger, score changes with causes, "
                  "consequences and counterfactual scores go to OUT/trace.jsonl (read it with credsim explain)")
      ->check(CLI::Range(1, 100000));
  run->add_option("--trace-ids", a->trace_ids, "Trace these persons (ids 0 … persons−1, comma-separated)")
      ->delimiter(',');
  run->add_option("--checkpoint-every", a->checkpoint_every,
                  "Write the whole state to OUT/checkpoint/state after every K-th tick, so that a run that "
                  "is killed can go on with `credsim resume OUT` (SIGINT/SIGTERM always write one)")
      ->check(CLI::Range(1, 10000000));
  run->footer(
      "Examples:\n"
      "  credsim run scenarios/default.toml\n"
      "  credsim run scenarios/default.toml --out runs/mine --seed 3 --ticks 104\n"
      "  credsim run scenarios/default.toml --set systems.sesame.weights.relationships=0\n"
      "  credsim run scenarios/default.toml --set graph.model=watts_strogatz --set graph.rewire=0.05\n"
      "  credsim run my_edge_list_scenario.toml   (graph.model = \"edge_list\", graph.path = \"g.txt.gz\";\n"
      "                                            the file sets the population: no society.persons)\n"
      "  credsim run scenarios/default.toml --ticks 52 --snapshot-every 13   (per-person .npy snapshots)\n"
      "  credsim run scenarios/rongcheng.toml --out runs/r --trace 5 --trace-ids 12,40\n"
      "                                       (then: credsim explain runs/r --person 12)\n"
      "  credsim run scenarios/default.toml --out runs/long --checkpoint-every 10\n"
      "      then, after a crash, kill or Ctrl-C:  credsim resume runs/long\n"
      "Ctrl-C (SIGINT) or SIGTERM: the run finishes its tick, writes a checkpoint and exits with 128 + the\n"
      "signal's number (130, 143); `credsim resume OUT` continues it to the same results.\n"
      "On a terminal a progress bar shows on stderr; otherwise only the final summary is printed.");
  out.push_back({run, [a] {
                   const std::vector<std::string> all = a->all_overrides();
                   const Scenario sc = load_scenario(a->scenario_path, all);
                   RunOptions opt;
                   opt.out_dir = a->out_dir;
                   opt.threads = a->threads;
                   opt.memory_limit_bytes = static_cast<std::uint64_t>(a->memory_limit_gib * 1073741824.0);
                   opt.overrides = all;
                   opt.command_line = a->command_line;
                   opt.snapshot_every = a->snapshot_every;
                   opt.trace_count = a->trace;
                   opt.trace_ids = a->trace_ids;
                   opt.checkpoint_every = a->checkpoint_every;
                   install_interrupt_handlers();
                   return finish_run(run_scenario(sc, opt, terminal_progress()));
                 }});

  auto v = std::make_shared<RunArgs>();
  auto* validate = app.add_subcommand("validate", "Check a scenario and overrides without running");
  validate->add_option("scenario", v->scenario_path, "Scenario file (TOML)")->required();
  validate->add_option("--set", v->overrides, "Override a scenario key: key.path=value (repeatable)");
  validate->footer(
      "Examples:\n"
      "  credsim validate scenarios/default.toml\n"
      "  credsim validate scenarios/default.toml --set graph.mean_degree=20 --set run.ticks=104");
  out.push_back({validate, [v] {
                   const Scenario sc = load_scenario(v->scenario_path, v->all_overrides());
                   std::printf("%s: valid (%zu system%s, %u persons, %u ticks)\n", v->scenario_path.c_str(),
                               sc.systems.size(), sc.systems.size() == 1 ? "" : "s", sc.society.persons,
                               sc.run.ticks);
                   return 0;
                 }});
}

}  // namespace credsim::cli
