// Explain (SPEC §5): the full ledger of a few traced persons, written as the run goes to
// OUT/trace.jsonl (one JSON object per line; format in docs/MODEL.md, "Explain"). For each
// traced person: every record made about them (true or wrong, how it came about, whether they
// were told, appeals and corrections), every change of each system's published outputs with its
// causes (composite: each sub-score's change × its weight, an exact decomposition; points: the
// records that moved the balance; lists: the records and judgments behind a listing or exit),
// every consequence started and ended (effect, rule, system), and counterfactual scores without
// the network and without political inputs, kept alongside the run for traced persons only.
//
// Cost: nothing when tracing is off (the Simulation holds a null Tracer; systems test one null
// pointer per ledger record at most); O(traced persons) state and work per tick when on. All
// tracer work runs on one thread after the parallel loops, so trace.jsonl is byte-identical for
// any thread count. The writer is append-only with a byte count (bytes_written()), so a
// checkpoint can record the length and a resume truncate to it.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "credsim/core/types.hpp"
#include "credsim/io/checkpoint.hpp"
#include "credsim/io/output_file.hpp"

namespace credsim {

struct SimContext;
class Consequences;
class Composite;
struct Persons;
class Exchange;
class System;
struct Scenario;
struct Record;

// Persons to trace: `count` distinct persons drawn from the run's seed (Philox, Stream::kTrace)
// plus `ids` given explicitly. InputError (exit 2) for an id >= persons or count > persons.
std::vector<NodeId> choose_traced(std::uint64_t seed, std::uint64_t replicate, std::size_t persons,
                                  std::uint32_t count, const std::vector<std::uint64_t>& ids);

// The event types counted as political inputs (SPEC §1.1: unapproved political opinions and
// embarrassing-but-true news): unapproved_post and embarrassing_post.
bool is_political_type(std::uint16_t event_type);

class Tracer {
 public:
  using Json = nlohmann::ordered_json;
  // persons: sorted, distinct. Writes path.partial as the run goes; commit() renames it.
  Tracer(std::vector<NodeId> persons, const std::filesystem::path& path);
  // Resuming from a checkpoint: no file until reopen() (after the checkpoint is verified);
  // checkpoint() then loads the state and bind() the run's systems and catalog.
  Tracer(std::vector<NodeId> persons, std::uint64_t bytes_written);
  void reopen(const std::filesystem::path& path);  // path.partial cut back to bytes_written
  // Saves or loads the per-person state (io/checkpoint.hpp); between ticks, after flush().
  void checkpoint(ckpt::Archive& a);
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  bool traced(NodeId i) const;  // binary search: O(log traced)
  const std::vector<NodeId>& persons() const { return persons_; }
  std::uint64_t bytes_written() const { return bytes_; }  // so far, including unflushed lines

  // ---- Called by the Simulation (one thread).
  void header(const SimContext& ctx);  // first line: persons, systems, definitions (calls bind)
  void bind(const SimContext& ctx);    // what header() learns of the run, without writing
  void initial(const SimContext& ctx, const Consequences& cons);  // tick 0 state
  void recorded(const SimContext& ctx);                          // after the record stage
  void end_tick(const SimContext& ctx, const Consequences& cons);  // after consequences
  void finish(const SimContext& ctx);  // last line per person and system: the state now
  void flush();
  void sync();  // flush and fsync (before a checkpoint records the file's length)
  void commit();

  // ---- Called by systems (one thread), only for traced persons.
  // A cause of a change of `system`'s output for `person` this tick (listed with the change).
  void cause(const System& system, NodeId person, Json item);
  // Composite: called by the score stage for every recompute (before the new scores replace the
  // old, so friends' scores are those the recompute used).
  void composite_scored(const Composite& c, const Persons& p, const Exchange& ex,
                        std::span<const std::uint16_t> new_scores);
  // Points: a new record the scheme counts for a traced person (entry index, its catalog
  // delta, warning-first rule), and a counted record that stops counting (corrected or expired);
  // used for the no-political counterfactual's shadow balance.
  void points_record(const System& points, const Record& record, std::uint64_t ledger_index, int entry,
                     double delta, bool warning_first, double min, double max);
  void points_removed(const System& points, NodeId person, std::uint64_t ledger_index, double min, double max);
  // Points: one cause of a balance or grade change (cause: record, warning, automatic_grade,
  // record_corrected, record_expired); points = the balance's exact change.
  void points_cause(const System& system, NodeId person, std::string_view cause, std::uint64_t ledger_index,
                    std::uint16_t type, double points, std::string_view note);

 private:
  struct SystemState {  // last published outputs of one system for one traced person
    double score = 0;
    int grade = -1, listed = -1, red = -1;
    template <class A>
    void fields(A& a) {
      a(score, grade, listed, red);
    }
  };
  struct CompositeState {
    double sub[5] = {0, 0, 0, 0, 0};
    double cf_no_network = 0, cf_no_political = 0;
    bool scored = false;
    template <class A>
    void fields(A& a) {
      a(sub, cf_no_network, cf_no_political, scored);
    }
  };
  struct PointsShadow {
    double balance = 0;
    std::uint64_t warned = 0;
    std::unordered_map<std::uint64_t, double> applied;  // ledger index → delta counted
    bool init = false;
    template <class A>
    void fields(A& a) {
      a(balance, warned, applied, init);
    }
  };
  struct PersonState {
    std::vector<SystemState> sys;
    std::vector<CompositeState> comp;
    std::vector<PointsShadow> shadow;
    std::vector<std::uint8_t> political_seen, reported_seen;  // per system: counted such a record
    std::uint64_t effects = 0;
    std::vector<std::uint8_t> privileges;  // per system (composite only)
    std::vector<std::pair<std::uint64_t, Tick>> pending_appeals;  // ledger index, decided
    std::vector<std::vector<std::uint32_t>> court_listed;  // per system: listed judgments last seen
    std::vector<std::uint8_t> rules_held;                  // per consequence rule, as of last tick
    template <class A>
    void fields(A& a) {
      a(sys, comp, shadow, political_seen, reported_seen, effects, privileges, pending_appeals, court_listed, rules_held);
    }
  };
  std::size_t slot(NodeId i) const;  // index into persons_
  std::size_t system_index(const System& s) const;
  void line(const Json& j);
  SystemState read(const System& s, NodeId i) const;
  Json state_json(const System& s, const SystemState& st) const;
  Json counterfactual_json(std::size_t si, NodeId i) const;
  void outputs_changed(const SimContext& ctx, bool initial);
  void consequences_changed(const SimContext& ctx, const Consequences& cons, bool initial);

  std::vector<NodeId> persons_;
  std::unique_ptr<io::OutputFile> out_;  // null only between a checkpoint's load and reopen()
  std::uint64_t bytes_ = 0;
  std::vector<const System*> systems_;
  std::vector<PersonState> state_;
  // Causes reported this tick: (system index, person slot) → items.
  std::map<std::pair<std::size_t, std::size_t>, std::vector<Json>> causes_;
  std::vector<std::string> effect_names_, rule_names_, rule_systems_;
  std::vector<std::string> type_names_;
  std::vector<std::vector<std::uint8_t>> reads_type_;  // per system, per event type: counts such records
};

}  // namespace credsim
