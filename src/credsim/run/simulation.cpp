// The tick loop. Nothing here throws: every input was checked when the Scenario was built.
#include "credsim/run/simulation.hpp"

#include <cmath>
#include <numeric>

#include "credsim/consequences/privileges.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/graph/edge_list.hpp"
#include "credsim/graph/generators.hpp"
#include "credsim/measure/metrics.hpp"

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
      exchange_(graph_) {
  events_.resize(graph_.num_nodes());
  for (const CompositeSpec& s : scenario_.systems) systems_.push_back(std::make_unique<Composite>(s, graph_.num_nodes()));
}

std::size_t Simulation::memory_bytes() const {
  std::size_t b = graph_.memory_bytes() + society_.persons.memory_bytes() + events_.memory_bytes();
  for (const auto& s : systems_) b += s->memory_bytes();
  return b;
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

void Simulation::initialise(io::MetricsCsv* metrics) {
  timed(Stage::kRecord, [&] {
    for (auto& s : systems_) s->initialise_history(society_.persons, scenario_.behaviour);
  });
  timed(Stage::kScore, [&] {
    for (auto& s : systems_) s->score(society_.persons, exchange_);
  });
  timed(Stage::kConsequences, [&] {
    for (auto& s : systems_) s->update_privileges();
  });
  if (metrics) timed(Stage::kMeasure, [&] { measure(*metrics); });
}

void Simulation::step(io::MetricsCsv* metrics) {
  ++tick_;
  const Tick t = tick_;
  const std::uint64_t seed = scenario_.run.seed, rep = scenario_.run.replicate;
  Persons& p = society_.persons;

  timed(Stage::kBehave, [&] { behave(scenario_.behaviour, p, seed, rep, t, events_); });
  timed(Stage::kRecord, [&] {
    for (auto& s : systems_) s->record(p, events_, seed, rep, t);
  });
  timed(Stage::kScore, [&] {
    for (auto& s : systems_)
      if (s->is_recompute_tick(t)) s->score(p, exchange_);
  });
  timed(Stage::kConsequences, [&] {
    for (auto& s : systems_) s->update_privileges();
    // The economy: savings, returns on wealth, purchases beyond the consumption budget, late
    // fees, and what the privileges are worth. Wealth never falls below zero (no debt yet).
    const SocietySpec& soc = scenario_.society;
    const BehaviourSpec& beh = scenario_.behaviour;
    parallel_for(p.size(), [&](std::size_t i) {
      const double income = p.income[i];
      double w = p.wealth[i];
      w += w * soc.wealth_weekly_return + soc.savings_rate * income;
      w -= std::max(0.0, static_cast<double>(events_.spending[i]) - (1.0 - soc.savings_rate) * income);
      if (events_.repayment[i] == Repayment::kMissed || events_.repayment[i] == Repayment::kDefault) w -= beh.late_fee;
      for (const auto& s : systems_) w += privilege_weekly_value(s->spec().privileges, s->privileges()[i]);
      p.wealth[i] = std::max(0.0, w);
    });
  });
  // adapt: the "none" adaptation model — people keep their propensities (SPEC §3; the
  // responsive models arrive with the adaptation work). The stage keeps its place and timing.
  timed(Stage::kAdapt, [] {});
  if (metrics && is_measure_tick(t)) timed(Stage::kMeasure, [&] { measure(*metrics); });
}

void Simulation::measure(io::MetricsCsv& out) {
  measure_society(tick_, society_, graph_, out);
  for (const auto& s : systems_) measure_composite(tick_, *s, society_, scenario_.measure, out);
  out.end_tick();
}

}  // namespace credsim
