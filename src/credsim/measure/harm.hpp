// The harm metrics of SPEC §4: who the systems hurt and how — rank correlation with initial
// wealth, inflation, score assortativity, grade transitions and lock-in over a window, negative
// spirals, chilling, isolation, data-error harms, sanctions and privileges by wealth decile.
// Windowed metrics compare the live columns with a snapshot kept from an earlier measured tick;
// only the ticks some later window starts at are stored, and each is dropped after its last use
// (harm_window.hpp; definitions: docs/MODEL.md §20).
#pragma once
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <deque>
#include <memory>
#include <vector>

#include "credsim/consequences/rules.hpp"
#include "credsim/graph/stats.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/measure/rank_order.hpp"
#include "credsim/measure/snapshot_columns.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

// The bottom grade of a system for lock-in, judged on one snapshot: grades named "unrated" or
// "none" (non-members) are never the bottom; with a score, the grade whose members have the
// lowest mean finite score (ties: the later index); without one, or when no grade member has a
// finite score, the last grade with members. -1 when no eligible grade has members.
int bottom_grade(const std::vector<std::string>& grade_names, const std::vector<std::uint8_t>& grade,
                 const std::vector<float>* score);
// The same over n persons read through grade(i) and, when has_score, score(i) (a stored snapshot).
template <class Grade, class Score>
int bottom_grade_of(const std::vector<std::string>& names, std::size_t n, Grade grade, Score score, bool has_score) {
  auto non_member = [](const std::string& g) { return g == "unrated" || g == "none"; };
  const std::size_t G = names.size();
  std::vector<std::uint64_t> members(G, 0), finite(G, 0);
  std::vector<double> sum(G, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t g = grade(i);
    assert(g < G);
    members[g]++;
    if (has_score) {
      const float s = score(i);
      if (std::isfinite(s)) finite[g]++, sum[g] += s;
    }
  }
  int best = -1;
  double lowest = std::numeric_limits<double>::infinity();
  for (std::size_t g = 0; g < G; ++g) {
    if (non_member(names[g]) || finite[g] == 0) continue;
    const double m = sum[g] / static_cast<double>(finite[g]);
    if (m <= lowest) lowest = m, best = static_cast<int>(g);
  }
  if (best >= 0) return best;
  for (std::size_t g = G; g-- > 0;)
    if (!non_member(names[g]) && members[g] > 0) return static_cast<int>(g);
  return -1;
}

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
  // A measured tick's columns, each at the narrowest exact width (snapshot_columns.hpp); wealth
  // is not stored when it equals the initial wealth (tick 0), which persons keep anyway.
  struct Snapshot {
    Tick tick = 0;
    bool wealth_is_initial = false;
    std::vector<double> wealth;                   // only when some system has a score
    std::vector<measure::ScoreColumn> score;      // per system; empty (size 0) when it has none
    std::vector<measure::GradeColumn> grade;      // per system; empty when it has none
    template <class A>
    void fields(A& a) {
      a(tick, wealth_is_initial, wealth, score, grade);
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
