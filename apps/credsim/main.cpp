// The credsim command line: parses arguments, calls the library, prints. No model logic here.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "credsim/core/error.hpp"
#include "credsim/core/version.hpp"
#include "credsim/graph/edge_list.hpp"
#include "credsim/graph/stats.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"

namespace {

using namespace credsim;

std::string join_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

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

}  // namespace

int main(int argc, char** argv) {
  // OpenMP threads that spin while waiting are up to 15× slower on a shared, busy machine
  // (measured: docs/PERFORMANCE.md). libgomp reads its settings before main(), so when the
  // user has not chosen a wait policy, set "passive" and restart this process once.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    ::execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default
  }
  CLI::App app{"credsim: a simulator of social credit systems on synthetic societies.\n"
               "Every person in it is generated; it never scores a real person."};
  app.set_version_flag("--version", std::string(kVersion) + " (" + kGitCommit + ")");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  credsim run scenarios/default.toml\n"
      "  credsim run scenarios/default.toml --seed 7 --threads 2 --set society.persons=20000\n"
      "  credsim validate scenarios/default.toml --set graph.model=erdos_renyi\n"
      "  credsim graph info ../shared/data/graphs/karate.txt.gz\n"
      "Each subcommand has --help with more examples.");

  std::string scenario_path, out_dir;
  std::vector<std::string> overrides;
  std::int64_t seed = -1, ticks = -1;
  int threads = 0;
  Tick snapshot_every = 0;

  auto* run = app.add_subcommand("run", "Run a scenario and write metrics.csv and manifest.json");
  run->add_option("scenario", scenario_path, "Scenario file (TOML)")->required();
  run->add_option("--out", out_dir, "Output folder (default: runs/NAME-TIMESTAMP)");
  run->add_option("--seed", seed, "Random seed (overrides run.seed)")->check(CLI::NonNegativeNumber);
  run->add_option("--threads", threads, "OpenMP threads (results are identical for any count)")->check(CLI::Range(1, 4096));
  run->add_option("--ticks", ticks, "Number of ticks (overrides run.ticks)")->check(CLI::Range(1, 10000000));
  run->add_option("--set", overrides, "Override a scenario key: key.path=value (repeatable)");
  double memory_limit_gib = 0;
  run->add_option("--memory-limit", memory_limit_gib,
                  "Refuse runs estimated to need more than this many GiB (default: the available memory)")
      ->check(CLI::Range(0.001, 1e6));
  run->add_option("--snapshot-every", snapshot_every,
                  "Write every person's state as .npy files at tick 0, every K-th tick and the last "
                  "(OUT/snapshots/tick_NNNNNN/, described by its index.json)")
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
      "On a terminal a progress bar shows on stderr; otherwise only the final summary is printed.");

  auto* validate = app.add_subcommand("validate", "Check a scenario and overrides without running");
  validate->add_option("scenario", scenario_path, "Scenario file (TOML)")->required();
  validate->add_option("--set", overrides, "Override a scenario key: key.path=value (repeatable)");
  validate->footer(
      "Examples:\n"
      "  credsim validate scenarios/default.toml\n"
      "  credsim validate scenarios/default.toml --set graph.mean_degree=20 --set run.ticks=104");

  auto* graph_cmd = app.add_subcommand("graph", "Inspect graphs");
  graph_cmd->require_subcommand(1);
  std::string graph_path;
  auto* info = graph_cmd->add_subcommand("info", "Load an edge list as the simulator would and print its shape");
  info->add_option("file", graph_path, "Edge list (SNAP style: # comments, tab/space/comma, optional header, .gz)")->required();
  info->footer(
      "Examples:\n"
      "  credsim graph info ../shared/data/graphs/karate.txt.gz\n"
      "  credsim graph info my_network.csv\n"
      "Edges are symmetrised; self-loops and duplicate pairs are dropped; ids are remapped densely.");
  graph_cmd->footer("Examples:\n  credsim graph info ../shared/data/graphs/email-Eu-core.txt.gz");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version, or the usage error
    return code == 0 ? 0 : 2;      // usage errors exit 2, like every other input error
  }

  try {
    if (*run || *validate) {
      std::vector<std::string> all = overrides;
      if (seed >= 0) all.push_back("run.seed=" + std::to_string(seed));
      if (ticks > 0) all.push_back("run.ticks=" + std::to_string(ticks));
      const Scenario sc = load_scenario(scenario_path, all);
      if (*validate) {
        std::printf("%s: valid (%zu system%s, %u persons, %u ticks)\n", scenario_path.c_str(), sc.systems.size(),
                    sc.systems.size() == 1 ? "" : "s", sc.society.persons, sc.run.ticks);
        return 0;
      }
      RunOptions opt;
      opt.out_dir = out_dir;
      opt.threads = threads;
      opt.memory_limit_bytes = static_cast<std::uint64_t>(memory_limit_gib * 1073741824.0);
      opt.overrides = all;
      opt.command_line = join_args(argc, argv);
      opt.snapshot_every = snapshot_every;
      ProgressBar bar;
      const bool tty = ::isatty(STDERR_FILENO);
      const RunResult r = run_scenario(sc, opt, tty ? ProgressFn(std::ref(bar)) : ProgressFn{});
      print_summary(r);
      return 0;
    }
    if (*info) {
      const auto g = graph::load_edge_list(graph_path);
      const auto s = graph::compute_stats(g.csr);
      std::printf("file:               %s\n", graph_path.c_str());
      std::printf("nodes:              %u\n", s.nodes);
      std::printf("edges (undirected): %llu\n", static_cast<unsigned long long>(s.edges));
      std::printf("isolated nodes:     %u\n", s.isolated);
      std::printf("components:         %u\n", s.components);
      std::printf("largest component:  %u (%.2f%%)\n", s.largest_component,
                  s.nodes ? 100.0 * s.largest_component / s.nodes : 0.0);
      std::printf("max degree:         %llu\n", static_cast<unsigned long long>(s.max_degree));
      std::printf("mean degree:        %.4f\n", s.mean_degree);
      std::printf("dropped on load:    %llu self-loops, %llu duplicate pairs\n",
                  static_cast<unsigned long long>(g.self_loops), static_cast<unsigned long long>(g.duplicate_pairs));
      return 0;
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "credsim: error: %s\n", e.what());
    return 2;
  } catch (const ResourceError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "credsim: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
