// The adaptation models (see adaptation.hpp; definitions in docs/MODEL.md, "Adaptation").
// Per-person work is parallel and writes only person i's entries; the graph edits' draws are keyed
// by (block of kRareBlock persons, tick, stream) and walked in order within the block; edits are
// collected per block, concatenated in block order and sorted, so the result is the same bytes for
// any thread count.
#include "credsim/adapt/adaptation.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "credsim/behave/rare_events.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/core/parallel_sort.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/systems/composite.hpp"

namespace credsim {

double smooth(double expected, double observed, double alpha) { return expected + alpha * (observed - expected); }

float draw_responsiveness(const AdaptSpec& s, std::uint64_t seed, std::uint64_t replicate, NodeId i) {
  Rng rng(seed, replicate, Rng::kNoTick, i, Stream::kAdaptTraits);
  const double sg = s.responsiveness_sigma;
  return static_cast<float>(s.responsiveness_mean * std::exp(sg * rng.normal() - 0.5 * sg * sg));
}

namespace {

double region_factor(const DataSpec& d, std::size_t region) {
  if (d.region_detection.empty()) return 1.0;
  return d.region_detection[std::min(region, d.region_detection.size() - 1)];
}

// What a composite lets a person see and what it scores (SPEC §3 "from what they can see").
bool scores_posts(const CompositeSpec& c) { return c.use_posts && c.beta_unapproved > 0 && c.weights[3] > 0; }
// The composites whose scores are gamed: privileges' thresholds on a score with purchases or
// platform use in its behaviour dimension.
bool gamed(const CompositeSpec& c) { return c.weights[3] > 0 && (c.use_purchases || c.use_platform); }
// Friends' scores count (the relationships dimension) and are visible to friends or the public.
bool friends_count_visibly(const Composite& c) {
  const CompositeSpec& s = c.spec();
  return c.visibility() != Visibility::kPrivate && s.weights[4] > 0 &&
         (s.rel_friends_mean > 0 || s.rel_friends_below > 0 || s.rel_friends_posts > 0);
}
// Friend j drags a person's score under composite c: a visible score below the threshold (when
// friends' scores count), or recorded unapproved posts at the threshold rate (when they count).
bool drags(const Composite& c, const AdaptSpec& a, NodeId j) {
  const CompositeSpec& s = c.spec();
  if ((s.rel_friends_mean > 0 || s.rel_friends_below > 0) && c.scores()[j] < s.rel_below_threshold) return true;
  if (s.rel_friends_posts > 0 &&
      c.records().unapproved[j] * (1.0 - c.decay()) >= a.unfriending.posts_threshold * s.rel_posts_cap)
    return true;
  return false;
}

}  // namespace

Adaptation::Adaptation(const AdaptSpec& spec, const Scenario& sc, std::size_t n, std::uint64_t seed,
                       std::uint64_t replicate)
    : spec_(spec) {
  if (!active()) return;
  AdaptState& s = state_;
  s.responsiveness.resize(n);
  parallel_for(n, [&](std::size_t i) { s.responsiveness[i] = draw_responsiveness(spec_, seed, replicate, static_cast<NodeId>(i)); });
  bool composite = false, court = false;
  for (const SystemDecl& d : sc.systems) composite |= d.type == "composite", court |= d.type == "court_list";
  const bool learning = spec_.model == AdaptModel::kLearning;
  auto on = [&](bool enabled, std::uint8_t bit) { responses_ |= enabled ? bit : 0; };
  on(spec_.chilling.enabled && composite, kRespChilling);
  on(spec_.gaming.enabled && composite, kRespGaming);
  on(spec_.deterrence.enabled, kRespDeterrence);
  on(spec_.leaving_lists.enabled && court, kRespLeavingLists);
  on(spec_.reporting.enabled && sc.data.reporting.rate > 0, kRespReporting);
  // Only the learning model stores its responses (and smoothed pressures); the myopic model's are
  // derived when read (adapt_view.hpp).
  if (learning) {
    allocate_responses();
    if (spec_.unfriending.enabled && composite) s.learn_unfriend.assign(n, 0.0f);
  }
  // Reporting's myopic pressure: the reward on offer.
  reward_rule_ = std::min(1.0, sc.data.reporting.reward / spec_.reporting.reward_ref);
  // Deterrence's myopic pressure: the detection probability of misconduct in the person's region,
  // averaged over misconduct types weighted by their base rates (the published rule).
  const std::size_t regions = sc.society.region_weights.size();
  deter_rule_.assign(regions, 0.0);
  double wsum = 0;
  for (const EventTypeSpec& t : sc.events.types())
    if (t.kind == EventKind::kMisconduct) wsum += t.rate;
  for (std::size_t r = 0; r < regions && wsum > 0; ++r) {
    double v = 0;
    for (const EventTypeSpec& t : sc.events.types())
      if (t.kind == EventKind::kMisconduct) v += t.rate * std::min(1.0, t.detection * region_factor(sc.data, r));
    deter_rule_[r] = v / wsum;
  }
}

void Adaptation::allocate_responses() {
  AdaptState& s = state_;
  const std::size_t n = s.responsiveness.size();
  const bool learning = spec_.model == AdaptModel::kLearning;
  auto alloc = [&](std::uint8_t bit, std::vector<float>& column, float value, std::vector<float>* learn) {
    if (!(responses_ & bit)) return;
    column.assign(n, value);
    if (learning && learn) learn->assign(n, 0.0f);
  };
  alloc(kRespChilling, s.post_mult, 1.0f, &s.learn_chill);
  alloc(kRespGaming, s.approved_mult, 1.0f, &s.learn_gaming);
  alloc(kRespGaming, s.platform_add, 0.0f, nullptr);
  alloc(kRespDeterrence, s.misconduct_mult, 1.0f, &s.learn_deter);
  alloc(kRespLeavingLists, s.pay_mult, 1.0f, &s.learn_lists);
  alloc(kRespLeavingLists, s.appeal_hazard, 0.0f, nullptr);
  alloc(kRespReporting, s.report_mult, 1.0f, &s.learn_report);
}

void Adaptation::store_responses() {
  if (spec_.model != AdaptModel::kMyopic || stored_) return;
  stored_ = true;
  allocate_responses();
}

std::vector<const Composite*> Adaptation::composites(const SimContext& ctx) const {
  std::vector<const Composite*> out;
  for (const auto& s : *ctx.systems)
    if (const auto* c = dynamic_cast<const Composite*>(s.get())) out.push_back(c);
  return out;
}

AdaptView Adaptation::view(const Persons& p, const std::vector<std::unique_ptr<System>>& systems) const {
  // The myopic pressures that are the same for everyone (see respond): chilling's largest
  // detection probability over the composites that score posts and see the social domain, with or
  // without the person's consent; reporting's reward on offer.
  double x_open = 0, x_closed = 0;
  std::vector<adapt_rule::GamedTable> gamed_scores;
  for (const auto& sys : systems) {
    const auto* c = dynamic_cast<const Composite*>(sys.get());
    if (!c) continue;
    if (scores_posts(c->spec()) && c->sees(Domain::kSocial)) {
      x_open = std::max(x_open, c->spec().detect_posts);
      if (c->spec().data_exchange) x_closed = std::max(x_closed, c->spec().detect_posts);
    }
    if (gamed(c->spec()) && (responses_ & kRespGaming) && spec_.model == AdaptModel::kMyopic)
      gamed_scores.emplace_back(&c->scores(), c->spec().privileges.thresholds, spec_.gaming.margin);
  }
  return AdaptView(&spec_, &state_, responses_, spec_.model == AdaptModel::kMyopic && !stored_, &p, &deter_rule_, x_open, x_closed,
                   reward_rule_, std::move(gamed_scores));
}

void Adaptation::prepare(const SimContext& ctx, const Consequences& consequences) {
  if (active()) respond(ctx, consequences, /*learn=*/false);
}

void Adaptation::step(const SimContext& ctx, const Consequences& consequences, graph::Csr& graph) {
  if (!active()) return;
  respond(ctx, consequences, /*learn=*/true);
  const Edits e = decide_edits(ctx);
  graph.apply_edits(e.removed, e.added);
  state_.ties_cut_tick = e.removed.size();
  state_.ties_formed_tick = e.added.size();
  state_.ties_cut_total += e.removed.size();
  state_.ties_formed_total += e.added.size();
}

// The stored responses: the learning model's, and the myopic model's only with
// store_responses() (otherwise AdaptView derives them on read; this path is the reference the
// tests compare the derived one with, so it computes the myopic pressures its own way).
void Adaptation::respond(const SimContext& ctx, const Consequences& consequences, bool learn) {
  const bool myopic = spec_.model == AdaptModel::kMyopic;
  if (myopic && !stored_) return;
  AdaptState& s = state_;
  const Persons& p = ctx.society.persons;
  const std::size_t n = p.size();
  const double alpha = spec_.learning_rate;
  const std::vector<const Composite*> comps = composites(ctx);
  std::vector<const Composite*> post_scorers, counted;
  std::vector<adapt_rule::GamedScores> gamed_scores;
  for (const Composite* c : comps) {
    if (scores_posts(c->spec())) post_scorers.push_back(c);
    if (gamed(c->spec())) gamed_scores.push_back({&c->scores(), &c->spec().privileges.thresholds});
    if (friends_count_visibly(*c)) counted.push_back(c);
  }

  // Sparse observations of this tick (learning only): misconduct events and their detections per
  // person, rewards received. One serial pass over this tick's occurrences and records.
  std::vector<std::uint16_t> occ_mis, det_mis;
  std::vector<float> reward;
  if (learn && !myopic) {
    if (!s.learn_deter.empty()) {
      occ_mis.assign(n, 0), det_mis.assign(n, 0);
      for (const Occurrence& o : ctx.occurrences)
        if (ctx.catalog[o.type].kind == EventKind::kMisconduct) occ_mis[o.person]++;
      for (const Record& r : ctx.ledger.added())
        if (r.actor != kNoNode && r.origin != Origin::kFalse && ctx.catalog[r.type].kind == EventKind::kMisconduct)
          det_mis[r.actor]++;
    }
    if (!s.learn_report.empty()) {
      reward.assign(n, 0.0f);
      for (const auto& [who, yuan] : ctx.ledger.rewards()) reward[who] += static_cast<float>(yuan);
    }
  }
  std::uint64_t sanction_bits = 0;
  const auto& effects = consequences.library().effects();
  for (std::size_t e = 0; e < effects.size() && e < kMaxEffects; ++e)
    if (effects[e].sanction) sanction_bits |= std::uint64_t{1} << e;
  const auto& active_fx = consequences.active();

  parallel_for(n, [&](std::size_t i) {
    const double r = s.responsiveness[i];
    // Chilling: the rule = the largest probability that a post is detected by a system scoring
    // it and seeing the person's posts; experience = the share of this tick's own posts that
    // reached such a system.
    if (!s.post_mult.empty()) {
      double x = 0;
      if (myopic) {
        for (const Composite* c : post_scorers)
          if (c->sees(Domain::kSocial) && (c->spec().data_exchange || (p.consent(i) & kConsentSocial)))
            x = std::max(x, c->spec().detect_posts);
      } else {
        if (learn && ctx.events.unapproved[i] > 0) {
          double seen = 0;
          for (const Composite* c : post_scorers)
            seen = std::max(seen, std::min(1.0, static_cast<double>(c->posts_seen()[i]) / ctx.events.unapproved[i]));
          s.learn_chill[i] = static_cast<float>(smooth(s.learn_chill[i], seen, alpha));
        }
        x = s.learn_chill[i];
      }
      s.post_mult[i] = adapt_rule::post_mult(spec_, r, x);
    }
    // Gaming: own score within `margin` below a privilege threshold.
    if (!s.approved_mult.empty()) {
      const double near = myopic || learn ? adapt_rule::near_threshold(gamed_scores, spec_.gaming.margin, i) : 0.0;
      double x = near;
      if (!myopic) {
        if (learn) s.learn_gaming[i] = static_cast<float>(smooth(s.learn_gaming[i], near, alpha));
        x = s.learn_gaming[i];
      }
      const double level = response_level(1.0, r, x);
      s.approved_mult[i] = adapt_rule::approved_mult(spec_, level);
      s.platform_add[i] = adapt_rule::platform_add(spec_, level);
    }
    // Deterrence: the detection probability of misconduct in one's region (rule), or the share of
    // one's own misconduct that was recorded (experience).
    if (!s.misconduct_mult.empty()) {
      double x = deter_rule_.empty() ? 0.0 : deter_rule_[std::min<std::size_t>(p.region[i], deter_rule_.size() - 1)];
      if (!myopic) {
        if (learn && occ_mis[i] > 0)
          s.learn_deter[i] = static_cast<float>(smooth(s.learn_deter[i], std::min(1.0, double(det_mis[i]) / occ_mis[i]), alpha));
        x = s.learn_deter[i];
      }
      s.misconduct_mult[i] = adapt_rule::misconduct_mult(spec_, r, x);
    }
    // Leaving lists: the exit rule is known (pressure 1), or the experience of being sanctioned.
    if (!s.pay_mult.empty()) {
      double x = 1.0;
      if (!myopic) {
        if (learn) s.learn_lists[i] = static_cast<float>(smooth(s.learn_lists[i], (active_fx[i] & sanction_bits) ? 1.0 : 0.0, alpha));
        x = s.learn_lists[i];
      }
      const double level = response_level(1.0, r, x);
      s.pay_mult[i] = adapt_rule::pay_mult(spec_, level);
      s.appeal_hazard[i] = adapt_rule::appeal_hazard(spec_, level);
    }
    // Reporting: the reward on offer (rule), or rewards received (experience; no update without one).
    if (!s.report_mult.empty()) {
      double x = std::min(1.0, ctx.scenario.data.reporting.reward / spec_.reporting.reward_ref);
      if (!myopic) {
        if (learn && reward[i] > 0)
          s.learn_report[i] = static_cast<float>(smooth(s.learn_report[i], std::min(1.0, reward[i] / spec_.reporting.reward_ref), alpha));
        x = s.learn_report[i];
      }
      s.report_mult[i] = adapt_rule::report_mult(spec_, r, x);
    }
    // Unfriending (learning): the experience that one's friends pull one's score down (the
    // relationships sub-score below its no-friends value under some counted, visible composite).
    if (!s.learn_unfriend.empty() && learn) {
      double hurt = 0;
      for (const Composite* c : counted)
        if (relationships_subscore(c->spec(), c->relationship_inputs_of(i, ctx.exchange)) < c->spec().rel_no_friends) hurt = 1;
      s.learn_unfriend[i] = static_cast<float>(smooth(s.learn_unfriend[i], hurt, alpha));
    }
  });
}

Adaptation::Edits Adaptation::decide_edits(const SimContext& ctx) const {
  Edits out;
  if (!active() || !spec_.unfriending.enabled) return out;
  std::vector<const Composite*> counted;
  for (const Composite* c : composites(ctx))
    if (friends_count_visibly(*c)) counted.push_back(c);
  if (counted.empty()) return out;
  const graph::Csr& g = ctx.graph;
  const Persons& p = ctx.society.persons;
  const AdaptState& s = state_;
  const std::size_t n = g.num_nodes();
  const bool myopic = spec_.model == AdaptModel::kMyopic;
  const double drop = spec_.unfriending.drop_prob, new_tie = spec_.unfriending.new_tie_prob;
  const Composite& home = *counted.front();  // homophily compares this composite's visible scores
  // Whether friend j drags, read only where a draw lands (a share pd_max of the slots).
  auto dragging = [&](NodeId j) {
    for (const Composite* c : counted)
      if (drags(*c, spec_, j)) return true;
    return false;
  };
  // The probabilities, one expression each, so that a block's maximum bounds them exactly.
  auto pd_of = [&](std::size_t i) {
    return drop * response_level(1.0, s.responsiveness[i], myopic ? 1.0 : static_cast<double>(s.learn_unfriend[i]));
  };
  auto pn_of = [&](std::size_t i) { return new_tie * std::min(1.0, static_cast<double>(s.responsiveness[i])); };
  // Per block of kRareBlock persons, one stream per decision (entity = block), skipping to the
  // next landing with the block's largest probability and thinning (docs/MODEL.md, "Unfriending
  // and the dynamic graph"): exact in distribution, the same draws for any thread count.
  const std::size_t blocks = (n + kRareBlock - 1) / kRareBlock;
  std::vector<Edits> per_block(blocks);
  struct Landings {
    std::vector<EdgeIdx> slot;
    std::vector<double> u;
    std::vector<NodeId> person, friend_;
  };
  auto prefetch_drag = [&](NodeId j) {
    for (const Composite* c : counted) {
      __builtin_prefetch(c->scores().data() + j);
      if (!c->records().unapproved.empty()) __builtin_prefetch(c->records().unapproved.codes().data() + j);
    }
  };
  parallel_for(blocks, [&](std::size_t b) {
    Edits& local = per_block[b];
    const std::size_t lo = b * kRareBlock, hi = std::min(n, lo + kRareBlock);
    double pd_max = 0, pn_max = 0;
    if (drop >= 0 && new_tie >= 0) {
      // pn_i, and pd_i under the myopic model, are non-decreasing functions of responsiveness
      // alone (a clamp, then a product with a constant >= 0, both monotone when rounded), so the
      // block's largest is the function of its largest responsiveness: the same bits as the max
      // over persons, from one pass over the floats.
      float r_max = 0;
      for (std::size_t i = lo; i < hi; ++i) r_max = s.responsiveness[i] > r_max ? s.responsiveness[i] : r_max;
      const double rm = r_max;
      pn_max = std::max(0.0, new_tie * std::min(1.0, rm));
      if (myopic) pd_max = std::max(0.0, drop * response_level(1.0, rm, 1.0));
      else
        for (std::size_t i = lo; i < hi; ++i) pd_max = std::max(pd_max, pd_of(i));
    } else {
      for (std::size_t i = lo; i < hi; ++i) pd_max = std::max(pd_max, pd_of(i)), pn_max = std::max(pn_max, pn_of(i));
    }
    // Unfriending: the block's slots are its persons' (person i, friend j) arcs in CSR order,
    // positions offset(lo) .. offset(hi); slot (i, j) is cut with probability pd_i if j drags.
    // Every landing draws its skip and its uniform whatever it finds, so the landings are drawn
    // first and then read with prefetches (each lands on a random arc and a random friend).
    if (pd_max > 0) {
      Rng rng(ctx.seed, ctx.replicate, ctx.tick, b, Stream::kAdaptUnfriend);
      const EdgeIdx first = g.offset(static_cast<NodeId>(lo)), last = g.offset(static_cast<NodeId>(hi));
      const NodeId* const nb = g.neighbour_array().data();
      Landings land;  // about pd_max · 4096 · mean degree landings
      const Rng::SkipRate rate(pd_max);
      for (EdgeIdx k = first;;) {
        const std::uint64_t skip = rng.geometric_skip(rate);
        if (skip >= last - k) break;
        k += skip;
        land.slot.push_back(k);
        land.u.push_back(rng.uniform());
        if (++k >= last) break;
      }
      const std::size_t m = land.slot.size();
      land.person.resize(m), land.friend_.resize(m);
      constexpr std::size_t kAhead = 16;
      std::size_t i = lo;  // the person whose list holds the slot
      for (std::size_t a = 0; a < m; ++a) {
        if (a + kAhead < m) __builtin_prefetch(nb + land.slot[a + kAhead]);
        while (g.offset(static_cast<NodeId>(i + 1)) <= land.slot[a]) ++i;
        land.person[a] = static_cast<NodeId>(i);
        land.friend_[a] = nb[land.slot[a]];
      }
      for (std::size_t a = 0; a < m; ++a) {
        if (a + kAhead < m) prefetch_drag(land.friend_[a + kAhead]);
        const NodeId u = land.person[a], j = land.friend_[a];
        if (land.u[a] * pd_max < pd_of(u) && dragging(j)) local.removed.emplace_back(std::min(u, j), std::max(u, j));
      }
    }
    // New ties: person i tries with probability pn_i; each try's candidate draws follow at once
    // in the same stream. Which draws a try takes depends only on i's own list (a friend f of i
    // has at least one neighbour, i), so the block's tries are drawn first — i, f and the word
    // that picks f's neighbour (or, without friends, the candidate of the region) — and the
    // random reads (f's list, the candidate's scores) are then made in passes without a chain.
    if (pn_max > 0) {
      Rng rng(ctx.seed, ctx.replicate, ctx.tick, b, Stream::kAdaptNewTies);
      const Rng::SkipRate rate(pn_max);
      struct Try {
        NodeId i, f;        // f = kNoNode: no friends, cand drawn in the region
        std::uint64_t word; // picks f's neighbour (Rng::below's multiply-shift)
        NodeId cand;
      };
      std::vector<Try> tries;
      for (std::size_t ii = lo;;) {
        const std::uint64_t skip = rng.geometric_skip(rate);
        if (skip >= hi - ii) break;
        ii += skip;
        const auto i = static_cast<NodeId>(ii);
        if (rng.uniform() * pn_max < pn_of(ii)) {
          // A friend of a friend, or (without friends) someone of the same region.
          const auto friends = g.neighbours(i);
          if (!friends.empty()) {
            const NodeId f = friends[rng.below(friends.size())];
            tries.push_back({i, f, rng.next_u64(), kNoNode});
          } else {
            const std::uint16_t reg = p.region[i];
            const NodeId rlo = ctx.society.region_start[reg], rhi = ctx.society.region_start[reg + 1];
            tries.push_back({i, kNoNode, 0, rhi > rlo ? rlo + static_cast<NodeId>(rng.below(rhi - rlo)) : kNoNode});
          }
        }
        if (++ii >= hi) break;
      }
      local.tries += tries.size();
      const NodeId* const nb = g.neighbour_array().data();
      std::vector<EdgeIdx> at(tries.size());
      for (std::size_t t = 0; t < tries.size(); ++t)  // f's list: independent reads
        if (tries[t].f != kNoNode) {
          __extension__ using U128 = unsigned __int128;
          const NodeId f = tries[t].f;
          at[t] = g.offset(f) + static_cast<EdgeIdx>((static_cast<U128>(tries[t].word) * g.degree(f)) >> 64);
        }
      for (std::size_t t = 0; t < tries.size(); ++t) {
        if (tries[t].f != kNoNode) tries[t].cand = nb[at[t]];
        if (tries[t].cand != kNoNode) prefetch_drag(tries[t].cand), __builtin_prefetch(home.scores().data() + tries[t].cand);
      }
      for (const Try& t : tries) {
        const NodeId i = t.i, cand = t.cand;
        if (cand != kNoNode && cand != i && !g.has_edge(i, cand) && !dragging(cand)) {
          const double gap = std::abs(static_cast<double>(home.scores()[cand]) - static_cast<double>(home.scores()[i]));
          if (gap <= spec_.unfriending.homophily_band) local.added.emplace_back(std::min(i, cand), std::max(i, cand));
        }
      }
    }
  });
  for (auto* list : {&out.removed, &out.added}) {
    std::size_t total = 0;
    for (const Edits& e : per_block) total += (list == &out.removed ? e.removed : e.added).size();
    list->reserve(total);
    for (Edits& e : per_block) {
      auto& src = list == &out.removed ? e.removed : e.added;
      list->insert(list->end(), src.begin(), src.end());
    }
    parallel_sort(*list);
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  for (const Edits& e : per_block) out.tries += e.tries;
  return out;
}

void Adaptation::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  if (!active() || !ctx.adapt_view) return;
  const Tick t = ctx.tick;
  const std::size_t n = state_.responsiveness.size();
  const AdaptView& v = *ctx.adapt_view;
  // Every mean's column sums in one parallel pass over deterministic_sum's blocks: within a block
  // each column is summed in index order, the block sums are added in block order, so each sum
  // is the same bytes as deterministic_sum's (column -1: responsiveness; then responses in use).
  std::vector<int> cols{-1};
  for (int k = 0; k < 7; ++k)
    if (v.in_use(k)) cols.push_back(k);
  const std::size_t C = cols.size(), nb = (n + kReduceBlock - 1) / kReduceBlock;
  std::vector<double> partial(nb * C, 0.0);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t bi = 0; bi < static_cast<std::int64_t>(nb); ++bi) {
    const auto b = static_cast<std::size_t>(bi);
    const std::size_t lo = b * kReduceBlock, hi = std::min(n, lo + kReduceBlock);
    for (std::size_t c = 0; c < C; ++c) {
      auto block_sum = [&](auto get) {
        double s{};
        for (std::size_t i = lo; i < hi; ++i) s += static_cast<double>(get(i));
        partial[b * C + c] = s;
      };
      if (cols[c] < 0) block_sum([&](std::size_t i) { return state_.responsiveness[i]; });
      else v.with(cols[c], block_sum);
    }
  }
  auto mean = [&](std::size_t c) {
    double total{};
    for (std::size_t b = 0; b < nb; ++b) total += partial[b * C + c];
    return n ? total / static_cast<double>(n) : 0.0;
  };
  constexpr std::string_view kAdapt = "adapt";
  out.row(t, kAdapt, "responsiveness_mean", "", mean(0));
  for (std::size_t c = 1; c < C; ++c) out.row(t, kAdapt, std::string(AdaptView::kNames[cols[c]]) + "_mean", "", mean(c));
  out.row(t, kAdapt, "ties_cut_total", "", static_cast<double>(state_.ties_cut_total));
  out.row(t, kAdapt, "ties_formed_total", "", static_cast<double>(state_.ties_formed_total));
}

// ---- AdaptView's by-name access (metrics, snapshots, tests) ------------------------------------

bool AdaptView::in_use(int k) const {
  constexpr std::uint8_t bit[7] = {kRespChilling, kRespGaming, kRespGaming, kRespDeterrence,
                                   kRespLeavingLists, kRespLeavingLists, kRespReporting};
  return k >= 0 && k < 7 && (responses_ & bit[k]) != 0;
}

std::vector<float> AdaptView::column(int k) const {
  std::vector<float> out;
  if (!in_use(k)) return out;
  out.resize(size());
  with(k, [&](auto get) { parallel_for(out.size(), [&](std::size_t i) { out[i] = get(i); }); });
  return out;
}

}  // namespace credsim
