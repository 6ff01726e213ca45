// Orchestration of a run and its files. Results are written as .partial and renamed when done.
#include "credsim/run/runner.hpp"

#include <omp.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "credsim/core/error.hpp"
#include "credsim/core/version.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/io/output_file.hpp"
#include "credsim/io/snapshot.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/run/memory_budget.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/systems/composite.hpp"

namespace credsim {

std::uint64_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_maxrss) * 1024;  // Linux reports KiB
}

std::filesystem::path fresh_run_dir(const std::filesystem::path& base, const std::string& name) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::filesystem::path dir = base / (name + "-" + stamp);
  for (int k = 2; std::filesystem::exists(dir); ++k) dir = base / (name + "-" + stamp + "-" + std::to_string(k));
  return dir;
}

namespace {
void prepare_out_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw ResourceError("credsim: cannot create output folder '" + dir.string() + "': " + ec.message() +
                        ". Fix: choose a writable place with --out.");
  for (const char* f : {"metrics.csv", "manifest.json"})
    if (std::filesystem::exists(dir / f))
      throw ResourceError("credsim: output folder '" + dir.string() + "' already holds results (" + f +
                          "); credsim never overwrites a finished run. Fix: choose another --out or remove it.");
}
}  // namespace

RunResult run_scenario(const Scenario& sc, const RunOptions& opt, const ProgressFn& progress) {
  if (opt.threads > 0) omp_set_num_threads(opt.threads);
  const int threads = omp_get_max_threads();
  RunResult res;
  // Refuse before allocating anything large when the run would not fit (an edge list's size is
  // known only once loaded: checked again below). Before the output folder is made.
  if (sc.graph.model != GraphModel::kEdgeList)
    check_memory(estimate_memory(sc, sc.society.persons, 0.5 * sc.society.persons * sc.graph.mean_degree),
                 opt.memory_limit_bytes);
  const bool tracing = opt.trace_count > 0 || !opt.trace_ids.empty();
  if (tracing && sc.graph.model != GraphModel::kEdgeList)  // bad ids: refused before the folder is made
    (void)choose_traced(sc.run.seed, sc.run.replicate, sc.society.persons, opt.trace_count, opt.trace_ids);
  res.out_dir = opt.out_dir.empty() ? fresh_run_dir("runs", sc.run.name) : opt.out_dir;
  prepare_out_dir(res.out_dir);

  const auto t0 = std::chrono::steady_clock::now();
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  graph::Csr g = build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate);
  if (g.num_nodes() < 2)  // only an edge list can be this small: generators need persons >= 2
    throw InputError(SourcePos{sc.graph.path, 0, 0}, "graph.path",
                     "the edge list gives " + std::to_string(g.num_nodes()) + " person(s)",
                     "at least 2 persons (nodes that appear in some edge)", "use a network with at least one edge");
  const double graph_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Scenario resolved = sc;
  resolved.society.persons = g.num_nodes();  // an edge list decides the population
  const MemoryEstimate estimate = estimate_memory(resolved, g.num_nodes(), static_cast<double>(g.num_edges()));
  check_memory(estimate, opt.memory_limit_bytes);
  Simulation sim(resolved, std::move(g));
  if (tracing) {
    res.traced = choose_traced(sc.run.seed, sc.run.replicate, sim.graph().num_nodes(), opt.trace_count, opt.trace_ids);
    sim.enable_trace(res.traced, res.out_dir / "trace.jsonl");
  }

  io::MetricsCsv metrics(res.out_dir / "metrics.csv");
  const auto t1 = std::chrono::steady_clock::now();
  sim.initialise(&metrics);
  const double n = sim.graph().num_nodes();
  // Snapshots: after tick 0, every snapshot_every-th tick and the last; their time is kept out
  // of the loop's throughput.
  double snapshot_seconds = 0;
  std::vector<std::string> snapshot_outputs;
  auto snapshot = [&] {
    const Tick t = sim.tick();
    if (opt.snapshot_every == 0 || (t % opt.snapshot_every != 0 && t != sc.run.ticks)) return;
    const auto s0 = std::chrono::steady_clock::now();
    const bool measured = t == 0 || t % sc.run.measure_every == 0 || t == sc.run.ticks;  // as Simulation
    const SnapshotWritten sw = write_snapshot(sim, res.out_dir, measured);
    res.snapshots.push_back(sw.dir);
    snapshot_outputs.push_back(std::filesystem::relative(sw.dir / "index.json", res.out_dir).generic_string());
    snapshot_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
  };
  snapshot();
  while (!sim.done()) {
    sim.step(&metrics);
    snapshot();
    if (progress) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() - snapshot_seconds;
      progress(sim.tick(), sc.run.ticks, s > 0 ? n * sim.tick() / s : 0.0);
    }
  }
  const double loop_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() - snapshot_seconds;
  metrics.commit();
  sim.finish_trace();
  res.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.person_ticks_per_second = loop_seconds > 0 ? n * sc.run.ticks / loop_seconds : 0.0;
  res.peak_rss_bytes = peak_rss_bytes();

  // The final state, for the terminal summary.
  const Persons& p = sim.society().persons;
  res.summary.push_back({"society", "persons", n});
  res.summary.push_back({"society", "wealth_gini", measure::gini(p.wealth)});
  for (const auto& s : sim.systems()) {
    const SystemOutputs o = s->outputs();
    if (o.score) {
      // Over the finite scores only: a system may publish NaN for persons it does not score
      // (platform_rating: everyone who is not a provider), and one NaN would make both NaN.
      std::vector<double> x;
      x.reserve(o.score->size());
      for (const auto v : *o.score)
        if (std::isfinite(v)) x.push_back(v);
      const double probs[] = {0.5};
      res.summary.push_back({s->name(), "score_mean", measure::mean(x)});
      res.summary.push_back({s->name(), "score_median", measure::quantiles(x, probs)[0]});
    }
    if (o.listed) {
      double listed = 0;
      for (auto v : *o.listed) listed += v != 0;
      res.summary.push_back({s->name(), "share_listed", n > 0 ? listed / n : 0.0});
    }
    if (const auto* c = dynamic_cast<const Composite*>(s.get())) {
      double ge600 = 0;
      for (auto m : c->privileges()) ge600 += (m & 1u) != 0;
      res.summary.push_back({s->name(), "share_at_or_above_600", n > 0 ? ge600 / n : 0.0});
    }
  }

  for (const auto& c : sim.calibration()) res.calibration.push_back({c.name, c.model, c.target});

  nlohmann::json m;
  m["credsim_version"] = kVersion;
  m["git_commit"] = kGitCommit;
  m["scenario_file"] = sc.source;
  m["command_line"] = opt.command_line;
  m["overrides"] = opt.overrides;
  m["seed"] = sc.run.seed;
  m["replicate"] = sc.run.replicate;
  m["threads"] = threads;
  m["ranks"] = 1;
  m["persons"] = sim.graph().num_nodes();
  m["edges"] = sim.graph().num_edges();
  m["ticks"] = sc.run.ticks;
  m["wall_seconds"] = res.wall_seconds;
  m["graph_seconds"] = graph_seconds;
  m["loop_seconds"] = loop_seconds;
  nlohmann::json stages;
  for (int k = 0; k < kStages; ++k) stages[kStageNames[k]] = sim.stage_seconds()[k];
  m["stage_seconds"] = stages;
  m["person_ticks_per_second"] = res.person_ticks_per_second;
  m["peak_rss_bytes"] = res.peak_rss_bytes;
  m["model_bytes"] = sim.memory_bytes();
  m["estimated_peak_bytes"] = estimate.bytes;
  nlohmann::json outputs = nlohmann::json::array({"metrics.csv"});
  for (const auto& o : snapshot_outputs) outputs.push_back(o);  // each index.json lists its folder's files
  if (sim.tracer()) {
    outputs.push_back("trace.jsonl");
    m["traced_persons"] = res.traced;
    m["trace_bytes"] = sim.tracer()->bytes_written();
  }
  m["outputs"] = outputs;
  m["snapshot_every"] = opt.snapshot_every;
  m["snapshot_seconds"] = snapshot_seconds;
  m["metrics_rows"] = metrics.rows();
  m["scenario"] = nlohmann::json::parse(sc.resolved_json);
  io::write_file_atomic(res.out_dir / "manifest.json", m.dump(2) + "\n");
  return res;
}

}  // namespace credsim
