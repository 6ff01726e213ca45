// Harm metrics (see harm.hpp). Every floating-point sum is sequential or a deterministic_sum and
// every count an integer, so the rows are the same bytes for any thread count; each metric is
// one or two passes over persons (and one over edges), O(n + m) per measured tick (the data-error
// harms also pass once over the ledger, as the "data" rows do).
#include "credsim/measure/harm.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <atomic>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/graph/prefetch.hpp"
#include "credsim/graph/stats.hpp"
#include "credsim/measure/harm_window.hpp"
#include "credsim/measure/stats.hpp"

namespace credsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view kHarm = "harm";

double ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

// Pearson correlation of the scores at the two ends of every arc (each undirected edge in both
// directions) whose two ends have finite scores, for every scored system at once. Two passes: the
// mean over arc ends, then the moments; by symmetry both ends have the same mean and variance, so
// r = cov / var. The moments of all systems come from one pass over the persons' blocks (a
// block's neighbour lists are fetched once and read again from cache for the next system); each
// system's sums are the same additions in the same order as a pass of its own, so the bytes do
// not depend on which other systems are scored.
struct ScoreColumn {
  const float* f = nullptr;           // stored floats (may be non-finite: not scored)
  const std::uint16_t* u = nullptr;   // or 16-bit integer scores, all finite
  float operator[](std::size_t i) const { return f ? f[i] : static_cast<float>(u[i]); }
  bool finite(std::size_t i) const { return f ? std::isfinite(f[i]) : true; }
};

std::vector<double> score_assortativity(const graph::Csr& g, const std::vector<ScoreColumn>& cols) {
  const std::size_t n = g.num_nodes(), S = cols.size();
  std::vector<double> r(S, kNaN);
  // Per system: arcs from u to a scored neighbour. When every score is finite (the composite)
  // that is u's degree, read from the offsets: no pass over the edges and no per-person array.
  std::vector<std::vector<std::uint32_t>> counted(S);
  std::vector<double> mean(S, 0.0);
  std::vector<std::size_t> active;  // systems with at least one scored arc
  for (std::size_t k = 0; k < S; ++k) {
    const ScoreColumn s = cols[k];
    std::uint64_t non_finite = 0;
    if (s.f) {
#pragma omp parallel for schedule(static) reduction(+ : non_finite)
      for (std::int64_t u = 0; u < static_cast<std::int64_t>(n); ++u) non_finite += s.finite(static_cast<std::size_t>(u)) ? 0 : 1;
    }
    if (non_finite > 0) {
      counted[k].assign(n, 0);
      parallel_for(n, [&](std::size_t u) {
        graph::prefetch_ahead(g, u, s.f);
        if (!s.finite(u)) return;
        std::uint32_t c = 0;
        for (NodeId v : g.neighbours(static_cast<NodeId>(u))) c += s.finite(v) ? 1u : 0u;
        counted[k][u] = c;
      });
    }
    const std::vector<std::uint32_t>& cnt = counted[k];
    const auto [arcs, wsum] = deterministic_sum2<std::uint64_t, double>(n, [&](std::size_t u, std::uint64_t& a, double& w) {
      const std::uint64_t f = cnt.empty() ? g.degree(static_cast<NodeId>(u)) : cnt[u];
      a += f;
      const std::uint32_t c = static_cast<std::uint32_t>(f);
      w += c ? c * static_cast<double>(s[u]) : 0.0;
    });
    if (arcs == 0) continue;
    mean[k] = wsum / static_cast<double>(arcs);
    active.push_back(k);
  }
  const std::size_t A = active.size();
  if (A == 0) return r;
  // The moments, deterministic_sum2's fixed blocks for every active system in one pass over the
  // persons: u's list is read from memory once and stays in cache for the other systems.
  // Σ_v d·(s_v − m) over u's scored neighbours, in list order (a column with every score finite
  // needs no test per neighbour: it would always pass).
  auto cov_of = [](std::span<const NodeId> nb, const ScoreColumn& s, bool all_finite, double d, double m) {
    double cu = 0;
    if (s.u) {
      for (NodeId v : nb) cu += d * (static_cast<double>(static_cast<float>(s.u[v])) - m);
    } else if (all_finite) {
      for (NodeId v : nb) cu += d * (static_cast<double>(s.f[v]) - m);
    } else {
      for (NodeId v : nb)
        if (std::isfinite(s.f[v])) cu += d * (static_cast<double>(s.f[v]) - m);
    }
    return cu;
  };
  const std::size_t nb = (n + kReduceBlock - 1) / kReduceBlock;
  std::vector<double> pvar(nb * A, 0.0), pcov(nb * A, 0.0);
  parallel_for(nb, [&](std::size_t b) {
    const std::size_t lo = b * kReduceBlock, hi = std::min(n, lo + kReduceBlock);
    for (std::size_t j = 0; j < A; ++j) {
      const std::size_t k = active[j];
      const ScoreColumn s = cols[k];
      const std::uint32_t* cnt = counted[k].empty() ? nullptr : counted[k].data();
      const double m = mean[k];
      double va = 0, co = 0;
      for (std::size_t u = lo; u < hi; ++u) {
        const std::uint32_t c = cnt ? cnt[u] : static_cast<std::uint32_t>(g.degree(static_cast<NodeId>(u)));
        if (!c) {
          va += 0.0, co += 0.0;
          continue;
        }
        if (s.u) graph::prefetch_ahead(g, u, s.u);  // graph/prefetch.hpp: the same sums, fewer stalls
        else graph::prefetch_ahead(g, u, s.f);
        const double d = static_cast<double>(s[u]) - m;
        va += c * d * d;
        co += cov_of(g.neighbours(static_cast<NodeId>(u)), s, cnt == nullptr, d, m);
      }
      pvar[b * A + j] = va, pcov[b * A + j] = co;
    }
  });
  for (std::size_t j = 0; j < A; ++j) {
    double var = 0, cov = 0;
    for (std::size_t b = 0; b < nb; ++b) var += pvar[b * A + j], cov += pcov[b * A + j];
    r[active[j]] = var > 0 ? cov / var : kNaN;
  }
  return r;
}

// Integer sums over persons in parallel (exact, so the same for any thread count).
template <class Fn>
std::uint64_t count_where(std::size_t n, Fn fn) {
  std::uint64_t c = 0;
#pragma omp parallel for schedule(static) reduction(+ : c)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) c += fn(static_cast<std::size_t>(i));
  return c;
}

// Counts per bin (bin(i) < bins) in parallel.
template <class Bin>
std::vector<std::uint64_t> count_bins(std::size_t n, std::size_t bins, Bin bin) {
  return parallel_counts(n, bins, [&](std::size_t i, std::uint64_t* h) { ++h[bin(i)]; });
}

// Mean of the finite scores (as measure::mean over them, without gathering them).
double finite_mean(std::span<const float> s) {
  return measure::mean_where(
      s.size(), [&](std::size_t i) { return std::isfinite(s[i]); }, [&](std::size_t i) { return s[i]; });
}

}  // namespace

int bottom_grade(const std::vector<std::string>& names, const std::vector<std::uint8_t>& grade,
                 const std::vector<float>* score) {
  return bottom_grade_of(
      names, grade.size(), [&](std::size_t i) { return grade[i]; }, [&](std::size_t i) { return (*score)[i]; },
      score != nullptr);
}

std::size_t HarmMetrics::memory_bytes() const {
  std::size_t b = initial_wealth_order_.order.capacity() * sizeof(std::uint32_t) +
                  initial_wealth_order_.tie_with_prev.capacity() * sizeof(std::uint64_t);
  for (const Snapshot& s : ring_) {
    b += s.wealth.capacity() * sizeof(double);
    for (const auto& v : s.score) b += v.memory_bytes();
    for (const auto& v : s.grade) b += v.memory_bytes();
  }
  return b;
}

void HarmMetrics::measure(const SimContext& ctx, const Consequences& consequences, io::MetricsCsv& out) {
  const Tick t = ctx.tick;
  const Persons& p = ctx.society.persons;
  const std::size_t n = p.size();
  const auto& systems = *ctx.systems;
  const std::size_t S = systems.size();
  const MeasureSpec& ms = ctx.scenario.measure;
  const double dn = static_cast<double>(n);

  std::vector<SystemOutputs> outs;
  for (const auto& s : systems) outs.push_back(s->outputs());
  bool any_score = false;
  for (const auto& o : outs) any_score |= static_cast<bool>(o.score);

  // The window's start b(t) (MODEL.md §20): the current tick's columns are read where they
  // live; an earlier tick's come from the snapshot stored for it (harm_window::needed decides
  // which ticks are stored, so b(t) is always among them).
  const RunSpec& run = ctx.scenario.run;
  const Tick b = static_cast<Tick>(harm_window::base(t, run.ticks, run.measure_every, ms.window));
  const Snapshot* stored = nullptr;
  for (const Snapshot& s : ring_)
    if (s.tick == b) stored = &s;
  CREDSIM_ASSERT(b == t || stored != nullptr);  // measure() was called at every measured tick
  if (b != t && stored == nullptr) {            // unchecked builds: the latest one before
    for (const Snapshot& s : ring_)
      if (s.tick <= b) stored = &s;
  }
  const Tick base_tick = stored ? stored->tick : t;
  // The start's columns, read through accessors: a stored snapshot's packed columns or the live ones.
  const bool initial = stored && stored->wealth_is_initial;
  const std::vector<double>& base_wealth = stored ? stored->wealth : p.wealth;
  auto wealth0 = [&](std::size_t i) { return initial ? static_cast<double>(p.initial_wealth[i]) : base_wealth[i]; };
  auto score0 = [&](std::size_t k, std::size_t i) { return stored ? stored->score[k].get(i) : outs[k].score[i]; };
  auto grade0 = [&](std::size_t k, std::size_t i) { return stored ? stored->grade[k].get(i, &stored->score[k]) : outs[k].grade[i]; };

  if (!started_) {
    started_ = true;
    score_mean0_.assign(S, kNaN);
    for (std::size_t k = 0; k < S; ++k) {
      std::vector<float> widened;
      if (outs[k].score) score_mean0_[k] = finite_mean(outs[k].score.floats(widened));
    }
    edges0_ = ctx.graph.num_edges();
  }

  // Per system.
  if (any_score && initial_wealth_order_.order.size() != n) {
    // Initial wealth never changes: its order is sorted once (and again after a load).
    initial_wealth_order_ = measure::rank_order(p.initial_wealth);
  }
  // Every scored system's assortativity from one pass over the edges.
  std::vector<ScoreColumn> score_cols;
  for (const SystemOutputs& o : outs)
    if (o.score) {
      const auto* f = o.score.stored_floats();
      score_cols.push_back(f ? ScoreColumn{f->data(), nullptr} : ScoreColumn{nullptr, o.score.stored_narrow()->data()});
    }
  const std::vector<double> assortativity = score_assortativity(ctx.graph, score_cols);
  std::size_t scored = 0;
  for (std::size_t k = 0; k < S; ++k) {
    const std::string& sys = systems[k]->name();
    const SystemOutputs& o = outs[k];
    if (o.score) {
      std::vector<float> widened;  // a composite's 16-bit score as floats, while it is read here
      const std::span<const float> s = o.score.floats(widened);
      auto finite = [&](std::size_t i) { return std::isfinite(s[i]); };
      auto value = [&](std::size_t i) { return s[i]; };
      // Integer-valued scores (composite, points, FICO) are ranked by counting their values and
      // walking the cached wealth order; others (ratings) through the general kernel.
      measure::ValueCounts counts;
      double rho;
      if (measure::count_integers(n, [&](std::size_t i) { return finite(i) ? static_cast<double>(s[i]) : kNaN; }, counts,
                                  std::max<std::size_t>(n, 1024))) {
        // Read in the order of initial wealth: a random gather of the scores, prefetched.
        rho = measure::spearman_counted(initial_wealth_order_, counts, finite, value,
                                        [&](std::size_t i) { __builtin_prefetch(&s[i]); });
      } else {
        rho = measure::spearman_finite(initial_wealth_order_, s);
      }
      out.row(t, sys, "score_wealth_spearman", "", rho);
      out.row(t, sys, "score_drift", "", finite_mean(s) - score_mean0_[k]);
      out.row(t, sys, "score_assortativity", "", assortativity[scored++]);
      // bins: 0 not scored at both ends, 1 scored, 2 scored and spiralling.
      const auto c = count_bins(n, 3, [&](std::size_t i) -> std::size_t {
        const float s0 = score0(k, i);
        if (!std::isfinite(s0) || !std::isfinite(s[i])) return 0;
        const double w0 = wealth0(i), w1 = p.wealth[i];
        return static_cast<double>(s0) - static_cast<double>(s[i]) >= ms.spiral_score_drop && w0 > 0 &&
                       w0 - w1 >= ms.spiral_wealth_drop * w0
                   ? 2
                   : 1;
      });
      const std::uint64_t both = c[1] + c[2], spiral = c[2];
      out.row(t, sys, "negative_spiral_share", "", ratio(static_cast<double>(spiral), static_cast<double>(both)));
    }
    if (o.grade) {
      const PublishedBytes& g1 = o.grade;  // read in place (a composite's band: by table from its score)
      const std::size_t G = o.grade_names.size();
      const std::vector<std::uint64_t> count = count_bins(n, G * G, [&](std::size_t i) {
        const std::uint8_t g0 = grade0(k, i);
        assert(g0 < G && g1[i] < G);
        return std::size_t{g0} * G + g1[i];
      });
      std::vector<std::uint64_t> from(G, 0);
      for (std::size_t a = 0; a < G; ++a)
        for (std::size_t b = 0; b < G; ++b) from[a] += count[a * G + b];
      for (std::size_t a = 0; a < G; ++a) {
        if (!from[a]) continue;
        for (std::size_t b = 0; b < G; ++b)
          out.row(t, sys, "grade_transition", fmt::format("{}>{}", o.grade_names[a], o.grade_names[b]),
                  static_cast<double>(count[a * G + b]) / static_cast<double>(from[a]));
      }
      const int bottom = bottom_grade_of(
          o.grade_names, n, [&](std::size_t i) { return grade0(k, i); }, [&](std::size_t i) { return score0(k, i); },
          static_cast<bool>(o.score));
      if (bottom >= 0) {
        const std::size_t b = static_cast<std::size_t>(bottom);
        out.row(t, sys, "lock_in", o.grade_names[b], static_cast<double>(count[b * G + b]) / static_cast<double>(from[b]));
      } else {
        out.row(t, sys, "lock_in", "", kNaN);
      }
    }
  }

  // Society level, under "harm".
  out.row(t, kHarm, "window_start", "", static_cast<double>(base_tick));
  // Chilling: nobody acts at tick 0; the reference is the first measured tick after it.
  if (t == 0) {
    out.row(t, kHarm, "unapproved_posts_per_capita", "", kNaN);
    out.row(t, kHarm, "chilling_ratio", "", kNaN);
  } else {
    const auto posts = ctx.unapproved_posts ? *ctx.unapproved_posts
                                            : deterministic_sum<std::uint64_t>(n, [&](std::size_t i) { return std::uint64_t{ctx.events.unapproved[i]}; });
    const double per_capita = n ? static_cast<double>(posts) / dn : kNaN;
    // The reference: without adaptation, the first measured tick (nobody's propensity changes);
    // with it, the expected posts per capita at the baseline (unadapted) propensities, since
    // responses may already be under way at the first measured tick.
    if (!have_posts_ref_) {
      posts_ref_ = ctx.adapt ? deterministic_sum<double>(n, [&](std::size_t i) { return static_cast<double>(p.dissent[i]); }) / dn
                             : per_capita;
      have_posts_ref_ = true;
    }
    out.row(t, kHarm, "unapproved_posts_per_capita", "", per_capita);
    out.row(t, kHarm, "chilling_ratio", "", ratio(per_capita, posts_ref_));
  }

  // Isolation.
  {
    // Baseline dissent propensities are fixed (adaptation changes a separate multiplier, so the
    // most dissent-prone decile is who is most inclined to dissent, chilled or not): rank once.
    if (dissent_decile_.size() != n) dissent_decile_ = measure::deciles(p.dissent.view());
    const auto& decile = dissent_decile_;
    const std::uint64_t top_n = count_where(n, [&](std::size_t i) { return std::uint64_t{decile[i] == 9}; });
    const std::uint64_t top_deg = count_where(n, [&](std::size_t i) {
      return decile[i] == 9 ? std::uint64_t{ctx.graph.degree(static_cast<NodeId>(i))} : 0;
    });
    const std::uint64_t all_deg = count_where(n, [&](std::size_t i) { return std::uint64_t{ctx.graph.degree(static_cast<NodeId>(i))}; });
    const std::uint64_t rest_n = n - top_n, rest_deg = all_deg - top_deg;
    const double top_mean = top_n ? static_cast<double>(top_deg) / static_cast<double>(top_n) : kNaN;
    const double rest_mean = rest_n ? static_cast<double>(rest_deg) / static_cast<double>(rest_n) : kNaN;
    out.row(t, kHarm, "dissent_decile_degree_ratio", "", rest_mean > 0 ? top_mean / rest_mean : kNaN);
    // Components change only when ties do: recompute when the graph's edges differ from last time.
    if (ctx.graph.num_arcs() != stats_arcs_ || ctx.graph.neighbour_array().data() != stats_data_ ||
        ctx.graph.version() != stats_version_) {
      stats_ = graph::compute_stats(ctx.graph);
      stats_arcs_ = ctx.graph.num_arcs();
      stats_data_ = ctx.graph.neighbour_array().data();
      stats_version_ = ctx.graph.version();
    }
    const graph::Stats& st = stats_;
    out.row(t, kHarm, "giant_component_share", "", ratio(static_cast<double>(st.largest_component), dn));
    // Ties cut since tick 0: with adaptation, every tie removed (new ties do not offset cuts);
    // without it the graph is static and this is edges at tick 0 − edges now (= 0).
    const double cut = ctx.adapt ? static_cast<double>(ctx.adapt->ties_cut_total)
                                 : static_cast<double>(edges0_) - static_cast<double>(ctx.graph.num_edges());
    out.row(t, kHarm, "ties_cut", "", cut);
  }

  // Data-error harms.
  {
    // One parallel pass over every record kept so far: integer counts (the delays are whole
    // ticks, summed exactly as integers: the double of their sum is the sequential double sum,
    // which is exact below 2^53) and a flag per person with an active wrong record.
    const auto& records = ctx.ledger.records();
    std::vector<std::uint8_t> wrong_active(n, 0);
    enum : std::size_t { kCorrected, kDelay, kOldWrong, kOldActive, kBins };
    const std::vector<std::uint64_t> c = parallel_counts(records.size(), kBins, [&](std::size_t k, std::uint64_t* h) {
      const Record& r = records[k];
      if (r.origin == Origin::kTrue) return;
      const bool active = r.status == RecordStatus::kActive;
      if (active) std::atomic_ref<std::uint8_t>(wrong_active[r.person]).store(1, std::memory_order_relaxed);
      else h[kCorrected]++, h[kDelay] += static_cast<std::uint64_t>(r.decided) - static_cast<std::uint64_t>(r.tick);
      if (static_cast<std::uint64_t>(r.tick) + ms.window <= t) h[kOldWrong]++, h[kOldActive] += active;
    });
    const std::uint64_t corrected = c[kCorrected], old_wrong = c[kOldWrong], old_active = c[kOldActive];
    // Unsigned: a delay is decided - tick >= 0 (a record is corrected only when its appeal is decided).
    const double delay = static_cast<double>(c[kDelay]);
    std::uint64_t sanction_bits = 0, privilege_bits = 0;
    const auto& effects = consequences.library().effects();
    for (std::size_t e = 0; e < effects.size() && e < kMaxEffects; ++e)
      (effects[e].sanction ? sanction_bits : privilege_bits) |= std::uint64_t{1} << e;
    const auto& active = consequences.active();
    std::vector<std::uint8_t> own;
    const auto& decile = ctx.wealth_decile ? *ctx.wealth_decile : (own = measure::deciles(p.wealth));
    // One pass: flag 0 sanctioned, 1 privileged, 2 wrongly sanctioned (an active wrong record and a sanction).
    const measure::DecileTally tally = measure::tally_by_decile(decile, 3, [&](std::size_t i) {
      const std::uint64_t a = active[i];
      const bool sanctioned = (a & sanction_bits) != 0;
      return std::uint64_t{sanctioned} | std::uint64_t{(a & privilege_bits) != 0} << 1 |
             std::uint64_t{sanctioned && wrong_active[i]} << 2;
    });
    const std::uint64_t wrongly = tally.flagged_total(2);
    out.row(t, kHarm, "wrongly_sanctioned_share", "", ratio(static_cast<double>(wrongly), dn));
    out.row(t, kHarm, "time_to_correction_mean", "", ratio(delay, static_cast<double>(corrected)));
    out.row(t, kHarm, "wrong_never_corrected_share", "", ratio(static_cast<double>(old_active), static_cast<double>(old_wrong)));
    const char* metric[] = {"sanctioned_rate_by_wealth_decile", "privileged_rate_by_wealth_decile"};
    for (std::size_t f = 0; f < 2; ++f) {
      const auto rate = tally.rate(f);
      for (int d = 0; d < 10; ++d) out.row(t, kHarm, metric[f], fmt::format("d{:02}", d + 1), rate[d]);
    }
  }

  // Drop the snapshots no later tick needs (b only moves forward: the next measured tick's
  // start bounds every later one), then keep this tick's columns if a later tick will need them.
  const std::uint64_t next = harm_window::next_measured(t, run.ticks, run.measure_every);
  const std::uint64_t keep_from = t < run.ticks ? harm_window::base(next, run.ticks, run.measure_every, ms.window)
                                                : std::uint64_t{run.ticks} + 1;
  while (!ring_.empty() && ring_.front().tick < keep_from) ring_.pop_front();
  if (harm_window::needed(t, run.ticks, run.measure_every, ms.window)) {
    Snapshot snap;
    snap.tick = t;
    if (any_score) {
      // At tick 0 wealth is the initial wealth (as doubles): then persons keep it for us.
      const std::uint64_t differ = count_where(n, [&](std::size_t i) {
        const double w0 = static_cast<double>(p.initial_wealth[i]);
        return std::uint64_t{std::memcmp(&w0, &p.wealth[i], sizeof w0) != 0};
      });
      snap.wealth_is_initial = differ == 0;
      if (!snap.wealth_is_initial) snap.wealth.assign(p.wealth.begin(), p.wealth.end());
    }
    snap.score.resize(S);
    snap.grade.resize(S);
    for (std::size_t k = 0; k < S; ++k) {
      std::vector<float> widened;
      std::vector<std::uint8_t> derived;
      if (outs[k].score) snap.score[k].store(outs[k].score.floats(widened));
      if (outs[k].grade) snap.grade[k].store(outs[k].grade.bytes(derived), outs[k].score ? &snap.score[k] : nullptr);
    }
    ring_.push_back(std::move(snap));
  }
}

}  // namespace credsim
