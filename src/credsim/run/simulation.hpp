// The execution object: owns the society, graph and systems built from a checked Scenario and
// advances them one tick at a time through the fixed stage sequence
//   behave → record → score → consequences → adapt → measure
// Each stage writes only its own columns; neighbours are read only through the Exchange.
#pragma once
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "credsim/behave/behaviour.hpp"
#include "credsim/graph/csr.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/run/exchange.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"
#include "credsim/systems/composite.hpp"

namespace credsim {

enum class Stage { kBehave, kRecord, kScore, kConsequences, kAdapt, kMeasure };
inline constexpr int kStages = 6;
inline constexpr std::array<const char*, kStages> kStageNames{"behave", "record", "score",
                                                              "consequences", "adapt", "measure"};

// Builds the social graph the scenario asks for (generators or an edge list).
graph::Csr build_graph(const GraphSpec& g, const std::vector<NodeId>& region_sizes, std::uint64_t seed,
                       std::uint64_t replicate);

class Simulation {
 public:
  // The graph is passed in so callers can build it once and time it separately.
  Simulation(const Scenario& scenario, graph::Csr graph);

  Tick tick() const { return tick_; }
  bool done() const { return tick_ >= scenario_.run.ticks; }
  // Tick 0: initial scoring and measurement, before anyone acts.
  void initialise(io::MetricsCsv* metrics);
  void step(io::MetricsCsv* metrics);  // one tick; metrics may be null (no measurement)

  const Scenario& scenario() const { return scenario_; }
  const Society& society() const { return society_; }
  const graph::Csr& graph() const { return graph_; }
  const std::vector<std::unique_ptr<Composite>>& systems() const { return systems_; }
  const std::array<double, kStages>& stage_seconds() const { return stage_seconds_; }
  std::size_t memory_bytes() const;

 private:
  bool is_measure_tick(Tick t) const;
  void measure(io::MetricsCsv& out);
  template <class Fn>
  void timed(Stage s, Fn&& fn);

  Scenario scenario_;
  graph::Csr graph_;
  Society society_;
  Exchange exchange_;
  TickEvents events_;
  std::vector<std::unique_ptr<Composite>> systems_;
  Tick tick_ = 0;
  std::array<double, kStages> stage_seconds_{};
};

}  // namespace credsim
