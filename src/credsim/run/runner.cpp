// Orchestration of a run and its files. Results are written as .partial and renamed when done.
// A run can stop between ticks (signal, stop_after) with a checkpoint and be resumed.
#include "credsim/run/runner.hpp"

#include <fcntl.h>
#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "credsim/core/error.hpp"
#include "credsim/core/version.hpp"
#include "credsim/explain/trace.hpp"
#include "credsim/io/checkpoint.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/io/output_file.hpp"
#include "credsim/io/snapshot.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/run/interrupt.hpp"
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

std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir) { return run_dir / "checkpoint" / "state"; }

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

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

// What the runner keeps besides the simulation: the checkpoint's "run" section. Timings are
// totals over every session of the run (they go only in the manifest).
struct Session {
  Tick snapshot_every = 0, checkpoint_every = 0;
  std::string command_line;
  std::vector<std::string> overrides;         // as given, for the manifest
  std::vector<std::string> snapshot_dirs;     // relative to the run folder, in tick order
  std::vector<std::string> snapshot_outputs;  // their index.json, relative to the run folder
  double graph_seconds = 0, loop_seconds = 0, snapshot_seconds = 0, checkpoint_seconds = 0, wall_seconds = 0;
  double init_seconds = 0;  // tick 0's initialisation, part of loop_seconds
  std::uint64_t estimated_peak_bytes = 0;
  std::vector<std::string> estimate_parts;    // the estimate's parts (run/memory_budget.hpp) ...
  std::vector<double> estimate_part_bytes;    // ... and their bytes, for the manifest
  std::vector<Tick> resumed_from;             // the checkpoint tick of each resume
  std::vector<std::string> resume_commands;
  template <class A>
  void fields(A& a) {
    a(snapshot_every, checkpoint_every, command_line, overrides, snapshot_dirs, snapshot_outputs, graph_seconds,
      loop_seconds, snapshot_seconds, checkpoint_seconds, wall_seconds, estimated_peak_bytes, estimate_parts,
      estimate_part_bytes, resumed_from, resume_commands, init_seconds);
  }
};

[[noreturn]] void checkpoint_write_failed(const std::filesystem::path& p, const std::error_code& ec, const char* what) {
  throw ResourceError("credsim: cannot " + std::string(what) + " '" + p.string() + "': " + ec.message() +
                      ". Fix: check that the output folder is writable and the disk has space.");
}

// OUT/checkpoint/state.partial, fsync'd, then renamed over OUT/checkpoint/state: the previous
// checkpoint stays whole until the new one is.
void write_checkpoint(const std::filesystem::path& out_dir, const Scenario& sc, Session s, double session_wall,
                      io::MetricsCsv& metrics, Simulation& sim) {
  const std::filesystem::path dir = out_dir / "checkpoint", partial = dir / "state.partial";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) checkpoint_write_failed(dir, ec, "create checkpoint folder");
  s.wall_seconds += session_wall;
  metrics.sync();  // what the checkpoint says metrics.csv holds is on disk before it is
  try {
    ckpt::Archive a = ckpt::Archive::create(
        partial, ckpt::Header{ckpt::kFormatVersion, kVersion, ckpt::hash_text(sc.resolved_json), sim.tick()});
    std::string source = sc.source, text = sc.text;
    std::vector<std::string> overrides = sc.overrides;
    a.section("scenario");
    a(source, text, overrides);
    a.section("run");
    a(s);
    io::MetricsCsv::State m = metrics.state();
    a.section("metrics");
    a(m);
    sim.save(a);
    a.finish();
  } catch (...) {
    std::filesystem::remove(partial, ec);  // free the space; the previous checkpoint is intact
    throw;
  }
  std::filesystem::rename(partial, checkpoint_path(out_dir), ec);
  if (ec) checkpoint_write_failed(partial, ec, "rename checkpoint");
  if (const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); fd >= 0) {  // the rename, durably
    ::fsync(fd);
    ::close(fd);
  }
}

void fill_summary(const Simulation& sim, RunResult& res) {
  const double n = sim.graph().num_nodes();
  const Persons& p = sim.society().persons;
  res.summary.push_back({"society", "persons", n});
  res.summary.push_back({"society", "wealth_gini", measure::gini(p.wealth)});
  for (const auto& s : sim.systems()) {
    const SystemOutputs o = s->outputs();
    if (o.score) {
      // Over the finite scores only: a system may publish NaN for persons it does not score
      // (platform_rating: everyone who is not a provider), and one NaN would make both NaN.
      std::vector<double> x;
      x.reserve(o.score.size());
      for (std::size_t i = 0; i < o.score.size(); ++i)
        if (const float v = o.score[i]; std::isfinite(v)) x.push_back(v);
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
      const PublishedBytes priv = c->privileges();
      for (std::size_t i = 0; i < priv.size(); ++i) ge600 += (priv[i] & 1u) != 0;
      res.summary.push_back({s->name(), "share_at_or_above_600", n > 0 ? ge600 / n : 0.0});
    }
  }
  for (const auto& c : sim.calibration()) res.calibration.push_back({c.name, c.model, c.target});
}

// The tick loop from wherever `sim` is (tick 0 initialised, or a loaded checkpoint) to the end
// or a stop, then the final files. `session_start`: when this process began the run.
RunResult drive(const Scenario& sc, Session& s, Simulation& sim, io::MetricsCsv& metrics,
                const std::filesystem::path& out_dir, Tick stop_after, Clock::time_point session_start,
                const ProgressFn& progress) {
  RunResult res;
  res.out_dir = out_dir;
  res.ticks = sc.run.ticks;
  const double n = sim.graph().num_nodes();
  const int threads = omp_get_max_threads();
  // Snapshots: after tick 0, every snapshot_every-th tick and the last; their time is kept out
  // of the loop's throughput.
  auto snapshot = [&] {
    const Tick t = sim.tick();
    if (s.snapshot_every == 0 || (t % s.snapshot_every != 0 && t != sc.run.ticks)) return;
    const auto s0 = Clock::now();
    const bool measured = t == 0 || t % sc.run.measure_every == 0 || t == sc.run.ticks;  // as Simulation
    const SnapshotWritten sw = write_snapshot(sim, out_dir, measured);
    const std::string rel = std::filesystem::relative(sw.dir, out_dir).generic_string();
    // A resumed run writes again the snapshots taken after its checkpoint (the same bytes).
    if (s.snapshot_dirs.empty() || s.snapshot_dirs.back() != rel) {
      s.snapshot_dirs.push_back(rel);
      s.snapshot_outputs.push_back(std::filesystem::relative(sw.dir / "index.json", out_dir).generic_string());
    }
    s.snapshot_seconds += since(s0);
  };
  auto checkpoint = [&] {
    const auto c0 = Clock::now();
    write_checkpoint(out_dir, sc, s, since(session_start), metrics, sim);
    s.checkpoint_seconds += since(c0);
  };
  auto should_stop = [&] { return pending_interrupt() != 0 || (stop_after > 0 && sim.tick() >= stop_after); };
  auto stop = [&] {
    checkpoint();
    res.stopped = true;
    res.interrupted_by = pending_interrupt();
    clear_interrupt();  // handled: a later run in this process starts afresh
    res.tick = sim.tick();
    return res;
  };

  if (sim.tick() == 0 && s.snapshot_dirs.empty()) snapshot();
  if (!sim.done() && should_stop()) return stop();
  const auto loop_start = Clock::now();
  const Tick first = sim.tick();
  double loop_session = 0;
  while (!sim.done()) {
    const auto t0 = Clock::now();
    sim.step(&metrics);
    loop_session += since(t0);
    snapshot();
    if (progress) progress(sim.tick(), sc.run.ticks, n * (sim.tick() - first) / std::max(1e-9, since(loop_start)));
    if (sim.done()) break;
    if (should_stop()) {
      s.loop_seconds += loop_session;
      return stop();
    }
    if (s.checkpoint_every > 0 && sim.tick() % s.checkpoint_every == 0) checkpoint();
  }
  s.loop_seconds += loop_session;
  metrics.commit();
  sim.finish_trace();
  res.tick = sim.tick();
  res.wall_seconds = s.wall_seconds + since(session_start);
  // Throughput over the ticks this process ran when resumed, else over the whole run.
  res.person_ticks_per_second = s.loop_seconds > 0 ? n * sc.run.ticks / s.loop_seconds : 0.0;
  res.peak_rss_bytes = peak_rss_bytes();
  for (const auto& d : s.snapshot_dirs) res.snapshots.push_back(out_dir / d);
  if (sim.tracer()) res.traced = sim.tracer()->persons();
  fill_summary(sim, res);

  nlohmann::json m;
  m["credsim_version"] = kVersion;
  m["git_commit"] = kGitCommit;
  m["scenario_file"] = sc.source;
  m["command_line"] = s.command_line;
  m["overrides"] = s.overrides;
  m["seed"] = sc.run.seed;
  m["replicate"] = sc.run.replicate;
  m["threads"] = threads;
  // The process's malloc settings (the CLI asks for transparent huge pages: apps/credsim/main.cpp).
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  m["glibc_tunables"] = tunables != nullptr ? tunables : "";
  m["ranks"] = 1;
  m["persons"] = sim.graph().num_nodes();
  m["edges"] = sim.graph().num_edges();
  m["ticks"] = sc.run.ticks;
  m["wall_seconds"] = res.wall_seconds;
  m["graph_seconds"] = s.graph_seconds;
  m["loop_seconds"] = s.loop_seconds;
  nlohmann::json stages;
  for (int k = 0; k < kStages; ++k) stages[kStageNames[k]] = sim.stage_seconds()[k];
  m["stage_seconds"] = stages;
  // Tick 0's initialisation (first scores, the effects then, adaptation's preparation and tick
  // 0's measurement) apart, and the rate over the ticks after it: a run of T ticks pays the
  // initialisation once, so this is the rate a long run approaches.
  m["init_seconds"] = s.init_seconds;
  nlohmann::json init_stages;
  for (int k = 0; k < kStages; ++k) init_stages[kStageNames[k]] = sim.init_stage_seconds()[k];
  m["init_stage_seconds"] = init_stages;
  const double ticks_seconds = s.loop_seconds - s.init_seconds;
  m["ticks_seconds"] = ticks_seconds;
  m["ticks_person_ticks_per_second"] = ticks_seconds > 0 ? n * sc.run.ticks / ticks_seconds : 0.0;
  nlohmann::json measure_parts = nlohmann::json::object();
  for (const auto& [name, seconds] : sim.measure_seconds()) measure_parts[name] = seconds;
  m["measure_seconds"] = measure_parts;
  m["person_ticks_per_second"] = res.person_ticks_per_second;
  m["peak_rss_bytes"] = res.peak_rss_bytes;
  m["model_bytes"] = sim.memory_bytes();
  nlohmann::json parts;
  for (const auto& [name, bytes] : sim.memory_parts()) parts[name] = bytes;
  m["model_bytes_parts"] = parts;
  m["estimated_peak_bytes"] = s.estimated_peak_bytes;
  nlohmann::json est = nlohmann::json::object();
  for (std::size_t k = 0; k < s.estimate_parts.size() && k < s.estimate_part_bytes.size(); ++k)
    est[s.estimate_parts[k]] = s.estimate_part_bytes[k];
  m["estimated_peak_parts"] = est;
  nlohmann::json outputs = nlohmann::json::array({"metrics.csv"});
  for (const auto& o : s.snapshot_outputs) outputs.push_back(o);  // each index.json lists its folder's files
  if (sim.tracer()) {
    outputs.push_back("trace.jsonl");
    m["traced_persons"] = res.traced;
    m["trace_bytes"] = sim.tracer()->bytes_written();
  }
  m["outputs"] = outputs;
  m["snapshot_every"] = s.snapshot_every;
  m["snapshot_seconds"] = s.snapshot_seconds;
  m["checkpoint_every"] = s.checkpoint_every;
  m["checkpoint_seconds"] = s.checkpoint_seconds;
  // A resumed run: from which checkpoint tick(s), by which command. Timings are totals over
  // every process of the run; metrics.csv and snapshots are as an uninterrupted run's.
  nlohmann::json resumed = nlohmann::json::array();
  for (std::size_t k = 0; k < s.resumed_from.size(); ++k)
    resumed.push_back({{"from_tick", s.resumed_from[k]}, {"command_line", s.resume_commands[k]}});
  m["resumed"] = resumed;
  m["metrics_rows"] = metrics.rows();
  m["scenario"] = nlohmann::json::parse(sc.resolved_json);
  io::write_file_atomic(out_dir / "manifest.json", m.dump(2) + "\n");
  // The run is complete: its checkpoint is of no more use (and may be large).
  std::error_code ec;
  std::filesystem::remove_all(out_dir / "checkpoint", ec);
  return res;
}

}  // namespace

RunResult run_scenario(const Scenario& sc, const RunOptions& opt, const ProgressFn& progress) {
  if (opt.threads > 0) omp_set_num_threads(opt.threads);
  const auto t0 = Clock::now();
  // Refuse before allocating anything large when the run would not fit (an edge list's size is
  // known only once loaded: checked again below). Before the output folder is made.
  if (sc.graph.model != GraphModel::kEdgeList)
    check_memory(estimate_memory(sc, sc.society.persons, 0.5 * sc.society.persons * sc.graph.mean_degree),
                 opt.memory_limit_bytes);
  const bool tracing = opt.trace_count > 0 || !opt.trace_ids.empty();
  if (tracing && sc.graph.model != GraphModel::kEdgeList)  // bad ids: refused before the folder is made
    (void)choose_traced(sc.run.seed, sc.run.replicate, sc.society.persons, opt.trace_count, opt.trace_ids);
  const std::filesystem::path out_dir = opt.out_dir.empty() ? fresh_run_dir("runs", sc.run.name) : opt.out_dir;
  prepare_out_dir(out_dir);

  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  graph::Csr g = build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate);
  if (g.num_nodes() < 2)  // only an edge list can be this small: generators need persons >= 2
    throw InputError(SourcePos{sc.graph.path, 0, 0}, "graph.path",
                     "the edge list gives " + std::to_string(g.num_nodes()) + " person(s)",
                     "at least 2 persons (nodes that appear in some edge)", "use a network with at least one edge");
  Session s;
  s.graph_seconds = since(t0);
  s.snapshot_every = opt.snapshot_every;
  s.checkpoint_every = opt.checkpoint_every;
  s.command_line = opt.command_line;
  s.overrides = opt.overrides;
  Scenario resolved = sc;
  resolved.society.persons = g.num_nodes();  // an edge list decides the population
  const MemoryEstimate estimate = estimate_memory(resolved, g.num_nodes(), static_cast<double>(g.num_edges()));
  // The graph is built and resident now, and the estimate counts it: what is available to the
  // rest of the run is the available memory plus what this process holds.
  check_memory(estimate, opt.memory_limit_bytes, resident_bytes());
  s.estimated_peak_bytes = estimate.bytes;
  for (const auto& [what, bytes] : estimate.parts) s.estimate_parts.push_back(what), s.estimate_part_bytes.push_back(bytes);
  Simulation sim(resolved, std::move(g));
  if (tracing)
    sim.enable_trace(choose_traced(sc.run.seed, sc.run.replicate, sim.graph().num_nodes(), opt.trace_count, opt.trace_ids),
                     out_dir / "trace.jsonl");

  io::MetricsCsv metrics(out_dir / "metrics.csv");
  const auto t1 = Clock::now();
  sim.initialise(&metrics);
  s.init_seconds = since(t1);
  s.loop_seconds += s.init_seconds;
  return drive(sc, s, sim, metrics, out_dir, opt.stop_after, t0, progress);
}

RunResult resume_run(const std::filesystem::path& run_dir, const ResumeOptions& opt, const ProgressFn& progress) {
  const auto t0 = Clock::now();
  const std::filesystem::path state = checkpoint_path(run_dir);
  const auto problem = [&](const std::string& what, const std::string& fix) {
    return InputError(SourcePos{run_dir.string(), 0, 0}, "RUN_DIR", what, "the folder of a run stopped with a checkpoint",
                      fix);
  };
  if (!std::filesystem::is_directory(run_dir)) throw problem("there is no such folder", "give the run's output folder");
  if (std::filesystem::exists(run_dir / "manifest.json"))
    throw problem("the run is already complete (it has manifest.json)", "nothing to resume; its results are final");
  if (!std::filesystem::exists(state))
    throw problem("the folder has no checkpoint (checkpoint/state)",
                  "only a run stopped by SIGINT/SIGTERM or run with --checkpoint-every K can be resumed; "
                  "start it again with credsim run");
  if (opt.threads > 0) omp_set_num_threads(opt.threads);

  ckpt::Archive a = ckpt::Archive::open(state);
  std::string source, text;
  std::vector<std::string> overrides;
  a.section("scenario");
  a(source, text, overrides);
  const Scenario sc = load_scenario_string(text, source, overrides);
  if (ckpt::hash_text(sc.resolved_json) != a.header().scenario_hash)
    throw InputError(SourcePos{state.string(), 0, 0}, "checkpoint",
                     "the checkpoint was written for another resolved scenario than the one it holds "
                     "(written by credsim " + a.header().credsim_version + ", this is " + kVersion + ")",
                     "a checkpoint written by this credsim for this scenario",
                     "resume with the credsim version that wrote it, or start the run again with credsim run");
  Session s;
  a.section("run");
  a(s);
  io::MetricsCsv::State ms;
  a.section("metrics");
  a(ms);
  if (sc.graph.model != GraphModel::kEdgeList)
    check_memory(estimate_memory(sc, sc.society.persons, 0.5 * sc.society.persons * sc.graph.mean_degree),
                 opt.memory_limit_bytes);
  std::unique_ptr<Simulation> sim = Simulation::load(sc, a);
  a.finish();
  if (sim->tick() != a.header().tick) a.corrupt("the header's tick differs from the state's");
  // Every check passed: only now are the outputs touched (metrics.csv.partial and
  // trace.jsonl.partial cut back to their lengths at the checkpoint).
  io::MetricsCsv metrics(run_dir / "metrics.csv", ms);
  sim->reopen_outputs(run_dir);
  s.resumed_from.push_back(sim->tick());
  s.resume_commands.push_back(opt.command_line);
  return drive(sim->scenario(), s, *sim, metrics, run_dir, opt.stop_after, t0, progress);
}

}  // namespace credsim
