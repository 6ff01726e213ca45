// credsim compare: two arms with common random numbers, paired differences with t intervals.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "credsim/core/error.hpp"
#include "credsim/experiment/compare.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> scenarios, overrides, toggles, metrics;
  int replicates = 10, jobs = 1, threads = 0;
  std::int64_t seed = -1;
  std::string ticks = "last", out_dir;
  double level = 0.95;
  std::size_t top = 15;
};

void print_rows(const experiment::CompareResult& r, const std::vector<const experiment::CompareRow*>& rows,
                double level) {
  std::printf("  %5s %-10s %-34s %-14s %12s %12s %12s  %-27s %3s\n", "tick", "system", "metric", "key", "mean A",
              "mean B", "B - A", fmt::format("{:g} % interval", 100 * level).c_str(), "n");
  for (const auto* row : rows) {
    const auto& s = row->s;
    std::printf("  %5u %-10s %-34s %-14s %12.6g %12.6g %12.6g  [%11.6g, %11.6g] %3zu\n", row->tick,
                row->system.c_str(), row->metric.c_str(), row->key.c_str(), s.mean_a, s.mean_b, s.diff_mean,
                s.ci_low, s.ci_high, s.n);
  }
  (void)r;
}

}  // namespace

void register_compare(CLI::App& app, Commands& out) {
  auto a = std::make_shared<CompareArgs>();
  auto* c = app.add_subcommand(
      "compare",
      "Run two arms with common random numbers and report paired differences with confidence intervals");
  c->add_option("scenarios", a->scenarios,
                "One scenario (arm B = it with the --toggle changes) or two (A.toml B.toml)")
      ->required()
      ->expected(1, 2);
  c->add_option("--toggle", a->toggles, "Arm B only: key.path=value (repeatable); arm A is the scenario as is");
  c->add_option("--set", a->overrides, "Both arms: override a scenario key, key.path=value (repeatable)");
  c->add_option("--replicates,-R", a->replicates, "Replicates per arm, at least 2 (default 10)");
  c->add_option("--seed", a->seed, "run.seed of both arms (default: the scenario's)")->check(CLI::NonNegativeNumber);
  c->add_option("--ticks", a->ticks,
                "Which measured ticks to report: last (default), all, or a list like 0,26,52. "
                "(The run length is --set run.ticks=N.)");
  c->add_option("--metric", a->metrics, "Report only this metric: NAME or SYSTEM.NAME (repeatable)");
  c->add_option("--level", a->level, "Confidence level of the intervals (default 0.95)");
  c->add_option("--jobs,-j", a->jobs, "Runs at once, as child processes with one thread each (default 1: in this process)")
      ->check(CLI::Range(1, 1024));
  c->add_option("--threads", a->threads, "OpenMP threads of each run when --jobs 1 (results identical for any count)")
      ->check(CLI::Range(1, 4096));
  c->add_option("--out", a->out_dir,
                "Output folder (default: runs/compare-NAME-TIMESTAMP). Give the same folder again to resume: "
                "complete runs are reused");
  c->add_option("--top", a->top, "Rows in the terminal summary when no --metric is given (default 15)");
  c->footer(
      "Replicate r of both arms runs with the same seed and run.replicate = r: the same persons, graph and\n"
      "luck, only the rule differs. Per metric row: each arm's mean, the mean paired difference B - A and\n"
      "a t interval with R - 1 degrees of freedom (docs/MODEL.md section 23, docs/EXPERIMENTS.md).\n"
      "Writes OUT/A/rep_000/ ... OUT/B/rep_NNN/ (ordinary run folders), OUT/compare.csv\n"
      "(tick,system,metric,key,mean_a,mean_b,diff_mean,diff_sd,ci_low,ci_high,n) and OUT/compare.json.\n"
      "Examples:\n"
      "  credsim compare scenarios/integrated_2020.toml --toggle data.notify_prob=0 --replicates 10\n"
      "  credsim compare scenarios/integrated_2020.toml --set society.persons=20000 --set run.ticks=52 \\\n"
      "      --toggle systems.court.notify_prob=0 --metric court.mean_listing_duration --jobs 2 --out runs/notify\n"
      "  credsim compare scenarios/sesame.toml scenarios/fico.toml --replicates 5 --ticks all\n"
      "  credsim compare scenarios/default.toml --toggle systems.sesame.weights.relationships=0 --ticks 0,26,52");
  out.push_back({c, [a] {
                   experiment::CompareSpec spec;
                   spec.scenario_a = a->scenarios[0];
                   spec.scenario_b = a->scenarios.size() > 1 ? a->scenarios[1] : a->scenarios[0];
                   spec.overrides = a->overrides;
                   spec.toggles = a->toggles;
                   spec.replicates = a->replicates;
                   if (a->seed >= 0) spec.seed = static_cast<std::uint64_t>(a->seed);
                   spec.ticks = experiment::parse_ticks(a->ticks);
                   spec.metrics = a->metrics;
                   spec.level = a->level;
                   if (a->out_dir.empty()) {
                     // Checked first, so that a bad scenario makes no folder.
                     experiment::check_arms(spec);
                     const Scenario sc = load_scenario(spec.scenario_a, spec.overrides);
                     spec.out = fresh_run_dir("runs", "compare-" + sc.run.name);
                   } else {
                     spec.out = a->out_dir;
                   }
                   const experiment::ExecOptions exec = exec_options(a->jobs, a->threads);
                   const experiment::CompareResult r = experiment::run_compare(spec, exec);
                   std::printf("compare: %s  (%zu runs made, %zu reused)\n", spec.out.c_str(), r.stats.ran,
                               r.stats.reused);
                   if (r.differences.empty())
                     std::printf("note: the arms' resolved scenarios are identical; every difference is 0\n");
                   else {
                     std::printf("arms differ in:");
                     for (const auto& d : r.differences)
                       if (d.key != "run.name") std::printf(" %s (A %s, B %s)", d.key.c_str(), d.a.c_str(), d.b.c_str());
                     std::printf("\n");
                   }
                   const auto rows = experiment::headline_rows(r, spec.metrics, a->top);
                   if (spec.metrics.empty())
                     std::printf("largest |B - A| relative to the interval half-width (all rows: compare.csv):\n");
                   print_rows(r, rows, spec.level);
                   if (rows.empty()) std::printf("  (no row differs between the arms)\n");
                   return 0;
                 }});
}

}  // namespace credsim::cli
