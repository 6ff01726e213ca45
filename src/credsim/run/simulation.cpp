// The tick loop. Nothing here throws: every input was checked when the Scenario was built.
#include "credsim/run/simulation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/graph/edge_list.hpp"
#include "credsim/graph/generators.hpp"
#include "credsim/measure/metrics.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/run/memory_budget.hpp"
#include "credsim/systems/registry.hpp"

namespace credsim {

graph::Csr build_graph(const GraphSpec& g, const std::vector<NodeId>& sizes, std::uint64_t seed,
                       std::uint64_t replicate) {
  const NodeId n = std::accumulate(sizes.begin(), sizes.end(), NodeId{0});
  switch (g.model) {
    case GraphModel::kErdosRenyi:
      return graph::erdos_renyi(n, g.mean_degree, seed, replicate);
    case GraphModel::kWattsStrogatz:
      return graph::watts_strogatz(n, static_cast<unsigned>(std::lround(g.mean_degree)), g.rewire, seed, replicate);
    case GraphModel::kBarabasiAlbert:
      return graph::barabasi_albert(n, static_cast<unsigned>(std::lround(g.mean_degree / 2)), seed, replicate);
    case GraphModel::kStochasticBlock: {
      // One p_in and one p_out such that, on average over persons, the mean degree is
      // mean_degree and a share within_region of ties stays inside the region (short of it
      // only when a probability would exceed 1: tiny regions with a large mean degree).
      double within_pairs = 0, between_pairs = 0;
      const double total = static_cast<double>(n);
      for (NodeId s : sizes) {
        within_pairs += static_cast<double>(s) * (static_cast<double>(s) - 1.0);
        between_pairs += static_cast<double>(s) * (total - static_cast<double>(s));
      }
      // With one region there is no "outside": all ties are within it.
      const double within = between_pairs > 0 ? g.within_region : 1.0;
      const double p_in = within_pairs > 0 ? within * g.mean_degree * total / within_pairs : 0.0;
      const double p_out = between_pairs > 0 ? (1.0 - g.within_region) * g.mean_degree * total / between_pairs : 0.0;
      return graph::stochastic_block(sizes, std::min(1.0, p_in), std::min(1.0, p_out), seed, replicate);
    }
    case GraphModel::kEdgeList:
      return graph::load_edge_list(g.path).csr;
  }
  return {};
}

Simulation::Simulation(const Scenario& scenario, graph::Csr graph)
    : scenario_(scenario),
      graph_(std::move(graph)),
      society_(generate_society(graph_.num_nodes(), scenario.society, scenario.behaviour, scenario.run.seed,
                                scenario.run.replicate)),
      exchange_(graph_),
      sampler_(scenario_.events, society_.persons) {
  const std::size_t n = graph_.num_nodes();
  for (const SystemDecl& d : scenario_.systems) systems_.push_back(make_system(d, n));
  consequences_ = std::make_unique<Consequences>(scenario_.rules, scenario_.effects, systems_, society_);
  adapt_ = Adaptation(scenario_.adapt, scenario_, n, scenario_.run.seed, scenario_.run.replicate);
  adapt_view_ = adapt_.view(society_.persons, systems_);
  reserve_ledger();
}

void Simulation::store_adapt_responses() {
  adapt_.store_responses();
  adapt_view_ = adapt_.view(society_.persons, systems_);
}

void Simulation::reserve_ledger() {
  const double expected = expected_ledger_records(scenario_, static_cast<double>(graph_.num_nodes()));
  ledger_.reserve(std::max(ledger_.records().size(), static_cast<std::size_t>(1.25 * expected) + 1024));
}

std::vector<std::pair<std::string, std::size_t>> Simulation::memory_parts() const {
  std::vector<std::pair<std::string, std::size_t>> parts{
      {"graph", graph_.memory_bytes()},
      {"persons", society_.persons.memory_bytes()},
      // What a tick holds from behave to adapt (freed while measuring, so counted at full size):
      // the columns made with the record fused into behave (no purchase or gaming columns).
      {"tick_events", graph_.num_nodes() * TickEvents::kBytesFused + occurrences_.capacity() * sizeof(Occurrence)},
      {"economy", consequence_block_bytes()},
      {"ledger", ledger_.memory_bytes()},
      {"consequences", consequences_->memory_bytes()},
      {"harm_window", harm_.memory_bytes()},
      {"adaptation", adapt_.memory_bytes()}};
  for (const auto& s : systems_) parts.emplace_back("system." + s->name(), s->memory_bytes());
  return parts;
}

std::size_t Simulation::memory_bytes() const {
  std::size_t b = 0;
  for (const auto& [name, bytes] : memory_parts()) b += bytes;
  return b;
}

SimContext Simulation::context() const {
  SimContext ctx{scenario_, society_, graph_, exchange_, scenario_.events, events_, occurrences_, ledger_,
                 scenario_.run.seed, scenario_.run.replicate, tick_, &systems_};
  ctx.adapt = adapt_.state_if_active();
  ctx.adapt_view = adapt_view();
  return ctx;
}

template <class Fn>
void Simulation::timed(Stage s, Fn&& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  stage_seconds_[static_cast<int>(s)] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool Simulation::is_measure_tick(Tick t) const {
  return t == 0 || t % scenario_.run.measure_every == 0 || t == scenario_.run.ticks;
}

void Simulation::enable_trace(std::vector<NodeId> persons, const std::filesystem::path& path) {
  tracer_ = std::make_unique<Tracer>(std::move(persons), path);
  for (auto& s : systems_) s->set_tracer(tracer_.get());
}

void Simulation::finish_trace() {
  if (!tracer_) return;
  tracer_->finish(context());
  tracer_->commit();
}

void Simulation::initialise(io::MetricsCsv* metrics) {
  const SimContext ctx = context();
  if (tracer_) tracer_->header(ctx);
  if (metrics)
    for (const TargetSpec& t : scenario_.targets) target_handles_.push_back(metrics->watch(t.system, t.metric, t.key));
  timed(Stage::kScore, [&] {
    for (auto& s : systems_) s->initialise(ctx);
  });
  timed(Stage::kConsequences, [&] {
    // The effects that hold at tick 0 (their wealth changes start with tick 1).
    for_each_person_block([&](std::size_t first, std::span<double> delta) {
      consequences_->apply_block(society_, first, delta);
    });
  });
  if (tracer_) tracer_->initial(ctx, *consequences_);
  timed(Stage::kAdapt, [&] { adapt_.prepare(ctx, *consequences_); });
  if (metrics) timed(Stage::kMeasure, [&] { measure(*metrics); });
  init_stage_seconds_ = stage_seconds_;
}

void Simulation::step(io::MetricsCsv* metrics) {
  ++tick_;
  const Tick t = tick_;
  const std::uint64_t seed = scenario_.run.seed, rep = scenario_.run.replicate;
  Persons& p = society_.persons;

  timed(Stage::kBehave, [&] {
    const AdaptView* adapt = adapt_view();
    // Systems that record only each person's own events take them as they are drawn (the
    // composite score); no other reads the purchase and gaming columns, so they are never made.
    std::vector<FusedRecorder> fused;
    {
      const SimContext before = context();
      for (auto& s : systems_)
        if (FusedRecorder r = s->fused_recorder(before)) fused.push_back(std::move(r));
    }
    behave(scenario_.behaviour, p, seed, rep, t, events_, adapt, &fused);
    sampler_.draw(seed, rep, t, events_, occurrences_, adapt_misconduct(adapt));
  });
  const SimContext ctx = context();  // after behave: it views this tick's occurrences
  timed(Stage::kRecord, [&] {
    ledger_.record_tick(scenario_.data, scenario_.events, society_, occurrences_, seed, rep, t, &graph_,
                        adapt_report(adapt_view()));
    for (auto& s : systems_) s->record(ctx);
  });
  if (tracer_) tracer_->recorded(ctx);
  events_.release_recorded();  // what is left: the economy's and adaptation's columns
  timed(Stage::kScore, [&] {
    for (auto& s : systems_) s->score(ctx);
  });
  timed(Stage::kConsequences, [&] {
    // Block by block of persons: each person's wealth change of the tick is summed in a block's
    // buffer — the systems' own consequences in system order, then rewards for reports
    // (SPEC §1.7) in ledger order, then the rule table's effects — and spent at once by the
    // economy, so no column of wealth changes is ever made.
    for (auto& s : systems_) s->prepare_consequences(ctx);
    std::vector<std::pair<NodeId, double>> rewards(ledger_.rewards().begin(), ledger_.rewards().end());
    std::stable_sort(rewards.begin(), rewards.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    // The economy: savings from (effective) income, returns on wealth, purchases beyond the
    // consumption budget, late fees, and what privileges and sanctions are worth. Wealth never
    // falls below zero (no debt yet).
    const SocietySpec& soc = scenario_.society;
    const BehaviourSpec& beh = scenario_.behaviour;
    for_each_person_block([&](std::size_t first, std::span<double> delta) {
      for (const auto& s : systems_) s->add_consequences(ctx, first, delta);
      const auto by_reporter = [](const std::pair<NodeId, double>& r, NodeId i) { return r.first < i; };
      const auto lo = std::lower_bound(rewards.begin(), rewards.end(), static_cast<NodeId>(first), by_reporter);
      const auto hi = std::lower_bound(lo, rewards.end(), static_cast<NodeId>(first + delta.size()), by_reporter);
      for (auto it = lo; it != hi; ++it) delta[it->first - first] += it->second;
      consequences_->apply_block(society_, first, delta);
      for (std::size_t k = 0; k < delta.size(); ++k) {
        const std::size_t i = first + k;
        const double income = static_cast<double>(p.income[i]) * consequences_->income_factor(i);
        double w = p.wealth[i];
        w += w * soc.wealth_weekly_return + soc.savings_rate * income;
        w -= std::max(0.0, static_cast<double>(events_.spending[i]) - (1.0 - soc.savings_rate) * income);
        if (events_.repayment[i] == Repayment::kMissed || events_.repayment[i] == Repayment::kDefault) w -= beh.late_fee;
        w += delta[k];
        p.wealth[i] = std::max(0.0, w);
      }
    });
  });
  if (tracer_) tracer_->end_tick(ctx, *consequences_);
  // adapt (SPEC §3): responses for the next tick; unfriending and new ties edit the graph in
  // place (the Exchange refers to graph_, so it stays valid). Nothing happens under "none".
  timed(Stage::kAdapt, [&] { adapt_.step(ctx, *consequences_, graph_); });
  if (metrics && is_measure_tick(t)) timed(Stage::kMeasure, [&] { measure(*metrics); });
  if (tracer_ && is_measure_tick(t)) tracer_->flush();
}

template <class Fn>
void Simulation::for_each_person_block(Fn&& fn) {
  const std::size_t n = society_.persons.size(), block = Consequences::kBlock;
  parallel_for((n + block - 1) / block, [&](std::size_t b) {
    std::array<double, Consequences::kBlock> buffer;
    const std::size_t first = b * block;
    const std::span<double> delta(buffer.data(), std::min(block, n - first));
    std::fill(delta.begin(), delta.end(), 0.0);
    fn(first, delta);
  });
}

std::size_t Simulation::consequence_block_bytes() {
  // One block's buffer per thread, on the thread's stack.
  return static_cast<std::size_t>(std::max(1, omp_get_max_threads())) * Consequences::kBlock * sizeof(double);
}

void Simulation::measure(io::MetricsCsv& out) {
  // Nothing measured reads this tick's event columns or wealth changes but the posts in all:
  // free them, so the measure stage's temporaries take their place at the peak (behave and the
  // consequences stage allocate them again).
  const auto t_prepare = std::chrono::steady_clock::now();
  unapproved_posts_ = deterministic_sum<std::uint64_t>(
      events_.unapproved.size(), [&](std::size_t i) { return std::uint64_t{events_.unapproved[i]}; });
  events_.release();
  wealth_decile_ = measure::deciles(society_.persons.wealth);  // one ranking for every reporter
  const double prepare_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_prepare).count();
  SimContext ctx = context();
  ctx.wealth_decile = &wealth_decile_;
  ctx.unapproved_posts = &unapproved_posts_;
  // Each reporter's share of the stage, for the manifest's measure_seconds (in this order).
  std::size_t part = 0;
  auto timed_part = [&](const std::string& name, auto&& fn) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (part == measure_seconds_.size()) measure_seconds_.push_back({name, 0.0});
    measure_seconds_[part++].second += dt;
  };
  timed_part("wealth_deciles", [] {});
  measure_seconds_[0].second += prepare_seconds;
  timed_part("society", [&] { measure_society(tick_, society_, graph_, out); });
  timed_part("ledger", [&] { measure_ledger(tick_, ledger_, society_, out); });
  for (const auto& s : systems_) timed_part("system." + s->name(), [&] { s->measure(ctx, out); });
  timed_part("harm", [&] { harm_.measure(ctx, *consequences_, out); });
  timed_part("adapt", [&] { adapt_.measure(ctx, out); });
  timed_part("consequences", [&] { consequences_->measure(tick_, society_, out, &wealth_decile_); });
  wealth_decile_ = {};  // read by the reporters of this measured tick only
  calibration_.clear();
  for (std::size_t k = 0; k < target_handles_.size(); ++k) {
    const TargetSpec& t = scenario_.targets[k];
    if (tick_ == 0 && !out.seen(target_handles_[k], 0))
      throw InputError(SourcePos{scenario_.source, 0, 0}, "targets." + t.name,
                       "no metric row (system '" + t.system + "', metric '" + t.metric + "', key '" + t.key + "') is written",
                       "the system, metric and key of a row of metrics.csv",
                       "run a few ticks and look up the row in metrics.csv, then copy its three names");
    const double model = out.seen(target_handles_[k], tick_) ? out.last_value(target_handles_[k]) : std::nan("");
    out.row(tick_, "calibration", t.name, "model", model);
    out.row(tick_, "calibration", t.name, "target", t.value);
    calibration_.push_back({t.name, model, t.value});
  }
  out.end_tick();
}

void Simulation::save(ckpt::Archive& a) {
  a.section("graph");
  a(graph_);
  state(a);
}

std::unique_ptr<Simulation> Simulation::load(const Scenario& scenario, ckpt::Archive& a) {
  graph::Csr g;
  a.section("graph");
  a(g);
  if (const std::string why = g.shape_error(); !why.empty()) a.corrupt("the graph's arrays are inconsistent: " + why);
  Scenario resolved = scenario;
  if (scenario.graph.model == GraphModel::kEdgeList)
    resolved.society.persons = g.num_nodes();  // an edge list decides the population (as run_scenario)
  else if (g.num_nodes() != scenario.society.persons)
    a.corrupt("the graph has another number of persons than the scenario");
  auto sim = std::make_unique<Simulation>(resolved, std::move(g));
  sim->state(a);
  return sim;
}

// Not saved: events_ and occurrences_ (this tick's behaviour: rewritten by behave before
// anything reads them) and the sampler (derived from the persons' propensities: rebuilt).
void Simulation::reopen_outputs(const std::filesystem::path& out_dir) {
  if (tracer_) tracer_->reopen(out_dir / "trace.jsonl");
}

void Simulation::state(ckpt::Archive& a) {
  const std::size_t n = graph_.num_nodes();
  a.section("society");
  a(society_);
  if (a.loading() && (society_.persons.size() != n || society_.persons.wealth.size() != n))
    a.corrupt("the persons' columns do not match the graph");
  a.section("ledger");
  a(ledger_);
  for (auto& s : systems_) {
    a.section("system." + s->name());
    s->checkpoint(a);
  }
  a.section("consequences");
  a(*consequences_);
  a.section("adapt");
  a(adapt_);
  a.section("harm");
  a(harm_);
  a.section("simulation");
  a(wealth_decile_, target_handles_, calibration_, tick_, stage_seconds_, init_stage_seconds_, measure_seconds_);
  // Explain's tracer (--trace): the traced persons, trace.jsonl's length and their state.
  a.section("trace");
  bool tracing = tracer_ != nullptr;
  std::vector<NodeId> traced;
  std::uint64_t trace_bytes = 0;
  if (tracing) {
    if (a.loading()) tracer_->flush();
    else tracer_->sync();  // the file holds exactly trace_bytes, on disk before the checkpoint
    traced = tracer_->persons();
    trace_bytes = tracer_->bytes_written();
  }
  a(tracing, traced, trace_bytes);
  if (a.loading() && tracing) {
    for (NodeId i : traced)
      if (i >= n) a.corrupt("a traced person is not in the graph");
    tracer_ = std::make_unique<Tracer>(std::move(traced), trace_bytes);
    for (auto& s : systems_) s->set_tracer(tracer_.get());
    tracer_->bind(context());
  }
  if (tracing) tracer_->checkpoint(a);
  if (a.loading()) {
    if (tick_ > scenario_.run.ticks) a.corrupt("the tick is past the run's last tick");
    sampler_ = RareEventSampler(scenario_.events, society_.persons);
    reserve_ledger();
  }
}

}  // namespace credsim
