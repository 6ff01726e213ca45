// How the society responds (SPEC §3): the adapt stage. Each tick every person observes what they
// can see of the rules and of what happened to them, and their response changes what the next
// tick's behave, record and score stages read through an AdaptView (adapt_view.hpp: stored columns
// of AdaptState under the learning model, derived on read under the myopic one); unfriending and
// new ties edit the graph in place. Models: none (nothing happens, nothing is allocated), myopic (respond
// to this tick's observed state) and learning (respond to an exponentially smoothed experience).
// Definitions: docs/MODEL.md, "Adaptation".
#pragma once
#include <cstdint>
#include <vector>

#include "credsim/adapt/adapt_spec.hpp"
#include "credsim/adapt/adapt_state.hpp"
#include "credsim/adapt/adapt_view.hpp"
#include "credsim/consequences/rules.hpp"
#include "credsim/graph/csr.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

class Composite;

// Pure response rules, exposed for hand-computed tests (response_level: adapt_view.hpp).
// Exponential smoothing of the learning model: e + α (x − e).
double smooth(double expected, double observed, double alpha);
// Responsiveness of person i: lognormal with the given mean and log-sd (keyed by person).
float draw_responsiveness(const AdaptSpec& s, std::uint64_t seed, std::uint64_t replicate, NodeId i);

class Adaptation {
 public:
  Adaptation() = default;
  // Allocates nothing under model "none". `systems` decides which columns are needed (a court list
  // for leaving lists, rewarded reporting for reporting).
  Adaptation(const AdaptSpec& spec, const Scenario& scenario, std::size_t persons, std::uint64_t seed,
             std::uint64_t replicate);
  bool active() const { return spec_.model != AdaptModel::kNone; }
  const AdaptSpec& spec() const { return spec_; }
  const AdaptState& state() const { return state_; }
  AdaptState& mutable_state() { return state_; }  // checkpoint restore
  // Null under model "none": what SimContext::adapt gets.
  const AdaptState* state_if_active() const { return active() ? &state_ : nullptr; }
  // Which responses the run has (AdaptResponse bits; 0 under model "none").
  std::uint8_t responses() const { return responses_; }
  // The responses as the stages read them (adapt_view.hpp): stored columns under the learning
  // model, derived on read under the myopic one. The view refers to `persons`, the composites
  // among `systems` and this object, which must outlive it (the Simulation keeps one).
  AdaptView view(const Persons& persons, const std::vector<std::unique_ptr<System>>& systems) const;
  // The myopic model's stored path (before prepare; views built before it are stale): respond
  // stores every response in AdaptState as the learning model does, computing the myopic
  // pressures its own way. The same results with 28 more bytes per person: the reference the
  // tests compare the derived path with. No effect under other models.
  void store_responses();

  // After tick 0's scoring: the first responses (from the rules as they stand), no graph edits.
  void prepare(const SimContext& ctx, const Consequences& consequences);
  // The adapt stage of a tick: observe, learn, respond; cut and form ties in `graph` (which
  // ctx.graph refers to).
  void step(const SimContext& ctx, const Consequences& consequences, graph::Csr& graph);
  // Rows under system "adapt" (only when active; the responses as ctx.adapt_view gives them).
  void measure(const SimContext& ctx, io::MetricsCsv& out) const;
  std::size_t memory_bytes() const { return state_.memory_bytes(); }
  // Checkpoints: the evolving state (the spec comes from the scenario).
  template <class A>
  void fields(A& a) {
    a(state_, deter_rule_);
  }

  // The graph edits of one tick, before they are applied (exposed for tests): pairs (u < v),
  // sorted, unique. Removals are edges of `graph`, additions are not. `tries`: the persons who
  // tried a new tie (before the candidate's checks).
  struct Edits {
    std::vector<graph::Csr::Edge> removed, added;
    std::uint64_t tries = 0;
  };
  Edits decide_edits(const SimContext& ctx) const;

 private:
  void respond(const SimContext& ctx, const Consequences& consequences, bool learn);
  void allocate_responses();
  std::vector<const Composite*> composites(const SimContext& ctx) const;

  AdaptSpec spec_;
  AdaptState state_;
  std::vector<double> deter_rule_;  // per region: rate-weighted detection of misconduct
  std::uint8_t responses_ = 0;      // AdaptResponse bits (from the spec and scenario: not saved)
  double reward_rule_ = 0;          // reporting's myopic pressure, min(1, reward / reward_ref)
  bool stored_ = false;             // store_responses(): the myopic model's stored path
};

}  // namespace credsim
