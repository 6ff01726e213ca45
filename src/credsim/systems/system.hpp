// The interface every scoring system implements (one file, one class per system, LAMMPS-style:
// [systems.NAME] type = "points" → systems/points.cpp → Points). A system is called once per
// stage per tick (a virtual call per stage, never per person), reads what earlier stages wrote
// through the SimContext, and writes only its own columns. What a system publishes for the
// consequence rules is its Outputs: a score, a grade and/or a list flag per person.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credsim/adapt/adapt_view.hpp"
#include "credsim/behave/behaviour.hpp"
#include "credsim/behave/catalog.hpp"
#include "credsim/behave/rare_events.hpp"
#include "credsim/consequences/effects.hpp"
#include "credsim/io/checkpoint.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/record/ledger.hpp"
#include "credsim/run/exchange.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/systems/published.hpp"
#include "credsim/society/society.hpp"

namespace credsim {

class System;
class Tracer;  // explain/trace.hpp

// Everything a stage may read. Built by the Simulation each tick; systems keep no pointers to it.
struct SimContext {
  const Scenario& scenario;
  const Society& society;
  const graph::Csr& graph;
  const Exchange& exchange;
  const EventCatalog& catalog;
  const TickEvents& events;                  // this tick's structured behaviour
  std::span<const Occurrence> occurrences;   // this tick's catalog events (the truth)
  const Ledger& ledger;                      // what was recorded (with errors and corrections)
  std::uint64_t seed, replicate;
  Tick tick;
  // All systems of the run, in scenario order: a system may read another's published outputs
  // (joint punishment, data sharing), never its internals.
  const std::vector<std::unique_ptr<System>>* systems = nullptr;
  // During the measure stage only: each person's decile of current wealth (0 = poorest tenth),
  // ranked once per measured tick and shared by every reporter (null outside measure).
  const std::vector<std::uint8_t>* wealth_decile = nullptr;
  // During the measure stage only: this tick's unapproved posts in all (the tick's event columns
  // are freed while measuring). Null: readers sum events.unapproved themselves.
  const std::uint64_t* unapproved_posts = nullptr;
  // The adaptation model's state (null under model "none"; ties cut, responsiveness) and its
  // responses as the stages read them (adapt_view.hpp): systems whose exits depend on people's
  // responses (the court list) read them.
  const AdaptState* adapt = nullptr;
  const AdaptView* adapt_view = nullptr;
  const System* find_system(std::string_view name) const;
  // Whether `system` may read `record`: its domain is in the system's row of the sharing matrix.
  bool sees(const System& system, const Record& record) const;
};

// A system's published outputs; any of them may be empty (false) when the system has no such
// output. Score and grade are read through published.hpp's views: stored or derived when read.
struct SystemOutputs {
  PublishedScore score;                               // numeric score per person
  PublishedBytes grade;                               // grade index per person (0 = best)
  std::vector<std::string> grade_names;               // names of grade indices
  const std::vector<std::uint8_t>* listed = nullptr;  // 1 = on this system's (black) list
  const std::vector<std::uint8_t>* red = nullptr;     // 1 = on this system's red list
};

class System {
 public:
  System() = default;
  System(const System&) = delete;
  System& operator=(const System&) = delete;
  virtual ~System() = default;
  virtual const std::string& name() const = 0;
  virtual std::string_view type() const = 0;
  // Before tick 0 (after the society, graph and catalog exist).
  virtual void initialise(const SimContext&) {}
  // record stage: take what this system can see of this tick's data.
  virtual void record(const SimContext&) {}
  // A system whose record reads nothing but each person's own events of the tick may instead
  // take them as behave draws them (behaviour.hpp, FusedRecorder), so the tick's purchase and
  // gaming columns are never made; its record(ctx) then skips a tick whose events are fused.
  // Called before behave with the tick's context; empty: records in the record stage.
  virtual FusedRecorder fused_recorder(const SimContext&) { return {}; }
  // score stage: update scores, grades, lists.
  virtual void score(const SimContext&) {}
  // consequences stage: the system's own built-in consequences (the general rule table is
  // applied by the Simulation from outputs()), in yuan per week. The stage runs block by block
  // of persons, so no column of wealth changes is ever made: prepare_consequences does the
  // system's work of the tick that is not per person (counters, totals, sorting sparse changes
  // by person), once; add_consequences then adds the changes of persons [first, first +
  // delta.size()) to delta, each person's in the order one pass over all persons would make
  // them (the sums are the same bits however the persons are blocked).
  virtual void prepare_consequences(const SimContext&) {}
  virtual void add_consequences(const SimContext&, std::size_t /*first*/, std::span<double> /*delta*/) const {}
  // Both, for all persons at once (tests, tools): wealth_delta must hold every person.
  void consequences(const SimContext& ctx, std::vector<double>& wealth_delta) {
    prepare_consequences(ctx);
    add_consequences(ctx, 0, wealth_delta);
  }
  virtual void measure(const SimContext&, io::MetricsCsv&) const {}
  virtual SystemOutputs outputs() const = 0;
  virtual std::size_t memory_bytes() const = 0;
  // Saves or loads (a.loading()) everything the system keeps between ticks, in one list of
  // members used for both directions (io/checkpoint.hpp): a resumed run must continue exactly
  // as the uninterrupted one. Pure virtual: a system without it does not compile.
  virtual void checkpoint(ckpt::Archive& a) = 0;
  // Who can see this system's outputs (SPEC §1.8); set from the scenario when built.
  Visibility visibility() const { return visibility_; }
  void set_visibility(Visibility v) { visibility_ = v; }
  // The system's row of the sharing matrix (SPEC §1.6): the data domains whose records it may
  // read (bit d = Domain d). Set from the scenario's `sees`; every domain by default.
  bool sees(Domain d) const { return (sees_ >> static_cast<int>(d)) & 1u; }
  std::uint32_t sees_mask() const { return sees_; }
  void set_sees(std::uint32_t mask) { sees_ = mask; }
  // Explain (SPEC §5): set only when persons are traced; systems report why a traced person's
  // outputs moved (never read in per-person loops: null costs nothing).
  void set_tracer(Tracer* t) { tracer_ = t; }

 protected:
  Tracer* tracer_ = nullptr;

 private:
  Visibility visibility_ = Visibility::kPrivate;
  std::uint32_t sees_ = (1u << kDomains) - 1;
};

inline bool SimContext::sees(const System& system, const Record& record) const {
  return system.sees(catalog[record.type].domain);
}

inline const System* SimContext::find_system(std::string_view name) const {
  if (!systems) return nullptr;
  for (const auto& s : *systems)
    if (s->name() == name) return s.get();
  return nullptr;
}

}  // namespace credsim
