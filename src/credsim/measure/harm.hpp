// The harm metrics of SPEC §4: who the systems hurt and how — rank correlation with initial
// wealth, inflation, score assortativity, grade transitions and lock-in over a window, negative
// spirals, chilling, isolation, data-error harms, sanctions and privileges by wealth decile.
// Windowed metrics compare the live columns with a snapshot kept from an earlier measured tick;
// only the ticks some later window starts at are stored, and each is dropped after its last use
// (harm_window.hpp; definitions: docs/MODEL.md §20).
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "credsim/consequences/rules.hpp"
#include "credsim/graph/stats.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/measure/rank_order.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

// The bottom grade of a system for lock-in, judged on one snapshot: grades named "unrated" or
// "none" (non-members) are never the bottom; with a score, the grade whose members have the
// lowest mean finite score (ties: the later index); without one, or when no grade member has a
// finite score, the last grade with members. -1 when no eligible grade has members.
int bottom_grade(const std::vector<std::string>& grade_names, const std::vector<std::uint8_t>& grade,
                 const std::vector<float>* score);

class HarmMetrics {
 public:
  // Writes this tick's harm rows: per system (system = its name) after its own rows, then the
  // society-level ones under system "harm". Must be called at every measured tick of the
  // scenario's schedule (run.ticks, run.measure_every), tick 0 first: what is stored depends on it.
  void measure(const SimContext& ctx, const Consequences& consequences, io::MetricsCsv& out);
  std::size_t memory_bytes() const;
  // The graph statistics are a cache keyed by the graph's address: recomputed after a load.
  template <class A>
  void fields(A& a) {
    a(started_, score_mean0_, edges0_, posts_ref_, have_posts_ref_, ring_, dissent_decile_);
    if (a.loading()) stats_arcs_ = ~EdgeIdx{0}, stats_data_ = nullptr;
  }

 private:
  struct Snapshot {
    Tick tick = 0;
    std::vector<double> wealth;                     // only when some system has a score
    std::vector<std::vector<float>> score;          // per system; empty when it has none
    std::vector<std::vector<std::uint8_t>> grade;   // per system; empty when it has none
    template <class A>
    void fields(A& a) {
      a(tick, wealth, score, grade);
    }
  };
  bool started_ = false;
  std::vector<double> score_mean0_;  // per system: mean finite score at tick 0 (NaN: none)
  std::uint64_t edges0_ = 0;
  double posts_ref_ = 0;             // unapproved posts per capita at the reference tick
  bool have_posts_ref_ = false;
  std::deque<Snapshot> ring_;        // stored snapshots, oldest first (harm_window::needed)
  std::vector<std::uint8_t> dissent_decile_;  // ranked once: propensities are fixed for now
  measure::RankOrder initial_wealth_order_;   // sorted once (initial wealth is fixed); not saved
  graph::Stats stats_{};                       // components of the graph last seen
  EdgeIdx stats_arcs_ = ~EdgeIdx{0};
  const NodeId* stats_data_ = nullptr;
  std::uint64_t stats_version_ = 0;
};

}  // namespace credsim
