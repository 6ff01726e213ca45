// The execution object: owns the society, graph, data layer and systems built from a checked
// Scenario and advances them one tick at a time through the fixed stage sequence
//   behave → record → score → consequences → adapt → measure
// Each stage writes only its own columns; neighbours are read only through the Exchange.
#pragma once
#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "credsim/adapt/adaptation.hpp"
#include "credsim/behave/behaviour.hpp"
#include "credsim/behave/rare_events.hpp"
#include "credsim/consequences/rules.hpp"
#include "credsim/explain/trace.hpp"
#include "credsim/graph/csr.hpp"
#include "credsim/io/checkpoint.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/measure/harm.hpp"
#include "credsim/record/ledger.hpp"
#include "credsim/run/exchange.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"
#include "credsim/systems/system.hpp"

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
  // Throws InputError if a consequence rule names an unknown system, effect or grade.
  Simulation(const Scenario& scenario, graph::Csr graph);
  // Not copied or moved: the adaptation view refers to the simulation's own members.
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  Tick tick() const { return tick_; }
  bool done() const { return tick_ >= scenario_.run.ticks; }
  // Tick 0: initial scoring and measurement, before anyone acts.
  void initialise(io::MetricsCsv* metrics);
  void step(io::MetricsCsv* metrics);  // one tick; metrics may be null (no measurement)

  const Scenario& scenario() const { return scenario_; }
  const Society& society() const { return society_; }
  const graph::Csr& graph() const { return graph_; }
  const std::vector<std::unique_ptr<System>>& systems() const { return systems_; }
  const Ledger& ledger() const { return ledger_; }
  const Consequences& consequences() const { return *consequences_; }
  const Adaptation& adaptation() const { return adapt_; }
  // The adaptation model's responses as the stages read them (null under model "none").
  const AdaptView* adapt_view() const { return adapt_.active() ? &adapt_view_ : nullptr; }
  // Before initialise: the myopic model stores its responses instead of deriving them when read
  // (Adaptation::store_responses; the same results, for tests that compare the two paths).
  void store_adapt_responses();
  const std::array<double, kStages>& stage_seconds() const { return stage_seconds_; }
  // The part of stage_seconds spent in initialise (tick 0).
  const std::array<double, kStages>& init_stage_seconds() const { return init_stage_seconds_; }
  // The measure stage's seconds by part, in the order they run: the wealth deciles every
  // reporter reads, society, ledger, each system ("system.NAME"), harm, adapt, consequences.
  const std::vector<std::pair<std::string, double>>& measure_seconds() const { return measure_seconds_; }
  struct Calibration {
    std::string name;
    double model, target;
    template <class A>
    void fields(A& a) {
      a(name, model, target);
    }
  };
  // Model vs target for each [targets.NAME], as of the last measured tick.
  const std::vector<Calibration>& calibration() const { return calibration_; }
  std::size_t memory_bytes() const;
  // The same, part by part (graph, persons, each system, ...), as the manifest reports it:
  // the measured side of the memory estimate's parts (run/memory_budget.hpp).
  std::vector<std::pair<std::string, std::size_t>> memory_parts() const;

  // Explain (SPEC §5): follow these persons (sorted, distinct) into `path` (written as
  // path.partial as the run goes). Call before initialise(); finish_trace() after the last tick.
  void enable_trace(std::vector<NodeId> persons, const std::filesystem::path& path);
  void finish_trace();
  const Tracer* tracer() const { return tracer_.get(); }
  // Checkpoints (io/checkpoint.hpp): save() writes the graph and then every evolving part, each
  // in its own named section; load() reads them back in the same order into a simulation of the
  // same scenario, so that step() continues exactly as the uninterrupted run would.
  // Adding evolving state: list it in Simulation::state() (simulation.cpp), or in the fields()
  // of the component that owns it; tests/unit/checkpoint runs every preset through a resume.
  void save(ckpt::Archive& a);
  static std::unique_ptr<Simulation> load(const Scenario& scenario, ckpt::Archive& a);
  // After load() and the archive's finish(): continue the streaming outputs the simulation
  // writes itself (trace.jsonl.partial in out_dir, cut back to its length at the checkpoint).
  void reopen_outputs(const std::filesystem::path& out_dir);

 private:
  void state(ckpt::Archive& a);  // every section after the graph, both directions
  void reserve_ledger();         // room for the run's expected ledger records (memory_budget.hpp)
  SimContext context() const;
  bool is_measure_tick(Tick t) const;
  void measure(io::MetricsCsv& out);
  // fn(first, delta) for each block of Consequences::kBlock persons in parallel: delta (zeroed)
  // holds the block's wealth changes, in a buffer on the thread's stack.
  template <class Fn>
  void for_each_person_block(Fn&& fn);
  static std::size_t consequence_block_bytes();
  template <class Fn>
  void timed(Stage s, Fn&& fn);

  Scenario scenario_;
  graph::Csr graph_;
  Society society_;
  Exchange exchange_;
  TickEvents events_;
  RareEventSampler sampler_;
  std::vector<Occurrence> occurrences_;
  Ledger ledger_;
  std::vector<std::unique_ptr<System>> systems_;
  std::unique_ptr<Consequences> consequences_;
  std::vector<std::uint8_t> wealth_decile_;  // measure stage: decile of current wealth
  std::uint64_t unapproved_posts_ = 0;       // measure stage: this tick's unapproved posts in all
  std::vector<std::size_t> target_handles_;
  std::vector<Calibration> calibration_;
  HarmMetrics harm_;  // SPEC §4 harm metrics (keeps the windowed snapshots)
  Adaptation adapt_;  // SPEC §3: how people respond (nothing allocated under model "none")
  AdaptView adapt_view_;  // of adapt_, society_ and the composites in systems_
  Tick tick_ = 0;
  std::array<double, kStages> stage_seconds_{};
  std::array<double, kStages> init_stage_seconds_{};
  std::vector<std::pair<std::string, double>> measure_seconds_;
  std::unique_ptr<Tracer> tracer_;  // null unless persons are traced
};

}  // namespace credsim
