// credsim sweep: one scenario over a grid or a Latin hypercube of parameter values.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "credsim/experiment/sweep.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim::cli {
namespace {

struct SweepArgs {
  std::string scenario, out_dir, ticks = "last";
  std::vector<std::string> overrides, grid, lhs, metrics;
  int samples = 0, replicates = 1, jobs = 1, threads = 0;
  std::int64_t seed = -1, lhs_seed = -1;
};

}  // namespace

void register_sweep(CLI::App& app, Commands& out) {
  auto a = std::make_shared<SweepArgs>();
  auto* s = app.add_subcommand("sweep", "Run a scenario over a grid or Latin hypercube of parameter values");
  s->add_option("scenario", a->scenario, "Scenario file (TOML)")->required();
  s->add_option("--grid", a->grid, "key.path=v1,v2,... (repeatable): the full Cartesian product is run");
  s->add_option("--lhs", a->lhs, "key.path=lo:hi (repeatable): a Latin hypercube sample of --samples points");
  s->add_option("--samples", a->samples, "Points of the Latin hypercube (with --lhs)");
  s->add_option("--lhs-seed", a->lhs_seed, "Seed of the Latin hypercube (default: the scenario's run.seed)")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--replicates,-R", a->replicates, "Replicates per point (default 1); replicate r has run.replicate = r");
  s->add_option("--seed", a->seed, "run.seed of every run (default: the scenario's)")->check(CLI::NonNegativeNumber);
  s->add_option("--set", a->overrides, "Every run: override a scenario key, key.path=value (repeatable)");
  s->add_option("--ticks", a->ticks, "Which measured ticks go into sweep.csv: last (default), all, or 0,26,52");
  s->add_option("--metric", a->metrics, "Keep only this metric: NAME or SYSTEM.NAME (repeatable)");
  s->add_option("--jobs,-j", a->jobs, "Runs at once, as child processes with one thread each (default 1: in this process)")
      ->check(CLI::Range(1, 1024));
  s->add_option("--threads", a->threads, "OpenMP threads of each run when --jobs 1")->check(CLI::Range(1, 4096));
  s->add_option("--out", a->out_dir,
                "Output folder (default: runs/sweep-NAME-TIMESTAMP). Give the same folder again to resume: "
                "complete runs are reused, interrupted ones rerun");
  s->footer(
      "Writes OUT/runs/<point>-r<replicate>/ (ordinary run folders), OUT/sweep.csv (point, replicate, one\n"
      "column per swept key, then tick,system,metric,key,value) and OUT/sweep.json (the design).\n"
      "Grid points: the Cartesian product, the last --grid varying fastest. LHS: stratified in every\n"
      "dimension, deterministic from --lhs-seed (docs/EXPERIMENTS.md).\n"
      "Examples:\n"
      "  credsim sweep scenarios/default.toml --grid data.notify_prob=0,0.5,1 --replicates 3 --out runs/notify\n"
      "  credsim sweep scenarios/default.toml --grid graph.mean_degree=6,12 --grid systems.sesame.weights.relationships=0,5,20\n"
      "  credsim sweep scenarios/integrated_2020.toml --lhs data.notify_prob=0:1 --lhs data.appeal_prob=0:1 \\\n"
      "      --samples 20 --set society.persons=20000 --metric wrongly_sanctioned_share --jobs 2 --out runs/lhs");
  out.push_back({s, [a] {
                   experiment::SweepSpec spec;
                   spec.scenario = a->scenario;
                   spec.overrides = a->overrides;
                   for (const auto& g : a->grid) spec.grid.push_back(experiment::parse_grid(g));
                   for (const auto& l : a->lhs) spec.lhs.push_back(experiment::parse_lhs(l));
                   spec.samples = a->samples;
                   if (a->lhs_seed >= 0) spec.lhs_seed = static_cast<std::uint64_t>(a->lhs_seed);
                   spec.replicates = a->replicates;
                   if (a->seed >= 0) spec.seed = static_cast<std::uint64_t>(a->seed);
                   spec.ticks = experiment::parse_ticks(a->ticks);
                   spec.metrics = a->metrics;
                   if (a->out_dir.empty()) {
                     const Scenario sc = load_scenario(spec.scenario, spec.overrides);
                     if (!spec.lhs.empty() && !spec.lhs_seed) spec.lhs_seed = sc.run.seed;
                     (void)experiment::make_design(spec);  // a bad design makes no folder
                     spec.out = fresh_run_dir("runs", "sweep-" + sc.run.name);
                   } else {
                     spec.out = a->out_dir;
                   }
                   const experiment::ExecOptions exec = exec_options(a->jobs, a->threads);
                   const experiment::SweepResult r = experiment::run_sweep(spec, exec);
                   std::printf("sweep: %s  (%zu points x %d replicates; %zu runs made, %zu reused; %zu rows in sweep.csv)\n",
                               spec.out.c_str(), r.design.points.size(), spec.replicates, r.stats.ran,
                               r.stats.reused, r.rows);
                   return 0;
                 }});
}

}  // namespace credsim::cli
