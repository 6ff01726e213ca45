// The composite score's mechanics: detection into decayed records, five sub-scores, the
// weighted score, and its privileges. Definitions match docs/MODEL.md §Composite one to one.
#include "credsim/systems/composite.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "credsim/consequences/privileges.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/explain/trace.hpp"
#include "credsim/graph/prefetch.hpp"
#include "credsim/measure/metrics.hpp"

namespace credsim {

int composite_band(double score) {
  int b = 0;
  for (int k = 1; k < kCompositeBands; ++k)
    if (score >= kCompositeBandLower[k]) b = k;
  return b;
}

void CompositeRecords::resize(std::size_t n) {
  for (auto* c : {&on_time, &missed, &defaults, &approved, &games, &purchases, &on_platform, &gaming_hours,
                  &unapproved, &embarrassing})
    c->assign(n, 0.0);
}

namespace {
// x ← λ·x + r on a 16-bit record: computed in float from the stored value, rounded once. Returns
// false when the result is past the format's largest value (the record then keeps its old code).
inline bool decay_add(Uf16Column& col, std::size_t i, float lam, float r) {
  const std::uint32_t c = uf16::encode_float(lam * col[i] + r);
  if (c > uf16::kMaxCode) return false;
  col.set_code(i, static_cast<std::uint16_t>(c));
  return true;
}
}  // namespace

void Composite::note_overflow(std::size_t i) {
  std::uint64_t cur = overflow_person_.load(std::memory_order_relaxed);
  while (i < cur && !overflow_person_.compare_exchange_weak(cur, i, std::memory_order_relaxed)) {
  }
}

void Composite::throw_if_overflowed() const {
  const std::uint64_t i = overflow_person_.load();
  if (i == kNoOverflow) return;
  throw InputError({}, "behaviour",
                   fmt::format("person {}'s record in composite score '{}' grew past {:.6g}, the largest value its "
                               "16-bit records can hold (a decayed weekly count of instalments, purchases, gaming "
                               "hours or posts)",
                               i, spec_.name, static_cast<double>(uf16::kMax)),
                   "weekly rates of at most a few thousand events or hours per person",
                   "lower the behaviour rates (behaviour.rate_*, behaviour.gaming_hours, post rates) or their "
                   "spread (behaviour.heterogeneity), or shorten systems." + spec_.name + ".record_half_life");
}

double credit_history_subscore(const CompositeSpec& s, double on_time, double missed, double defaults) {
  return (s.prior_good + on_time) /
         (s.prior_good + s.prior_bad + on_time + s.missed_weight * missed + s.default_weight * defaults);
}

double capacity_subscore(const CompositeSpec& s, double wealth, double income) {
  wealth = std::max(0.0, wealth);
  income = std::max(0.0, income);
  return 0.5 * wealth / (wealth + s.wealth_ref) + 0.5 * income / (income + s.income_ref);
}

double identity_subscore(const CompositeSpec& s, int education, bool stable_job, int age_band) {
  const double total = s.identity_education + s.identity_job + s.identity_age;
  const double v = s.identity_education * education / (kEducationLevels - 1) +
                   s.identity_job * (stable_job ? 1.0 : 0.0) + s.identity_age * s.age_factor[age_band];
  return total > 0 ? v / total : 0.0;
}

double behaviour_subscore(const CompositeSpec& s, const BehaviourRates& r) {
  double x = s.behaviour_bias;
  if (s.use_purchases) x += s.beta_approved * r.approved - s.beta_games * r.games;
  if (s.use_platform) x += s.beta_platform * (r.platform_share - 0.5);
  if (s.use_gaming) x -= s.beta_gaming * r.gaming_hours;
  if (s.use_posts) x -= s.beta_unapproved * r.unapproved + s.beta_embarrassing * r.embarrassing;
  return 1.0 / (1.0 + std::exp(-x));
}

double relationships_subscore(const CompositeSpec& s, const RelationshipInputs& r) {
  const double wsum = s.rel_friends_mean + s.rel_friends_below + s.rel_friends_posts;
  if (r.friends == 0 || wsum <= 0) return s.rel_no_friends;
  double v = 0;
  v += s.rel_friends_mean * (r.mean_friend_score - kCompositeMin) / (kCompositeMax - kCompositeMin);
  v += s.rel_friends_below * (1.0 - r.share_below);
  v += s.rel_friends_posts * (1.0 - std::min(1.0, r.mean_friend_unapproved / s.rel_posts_cap));
  return v / wsum;
}

std::uint16_t composite_score(const CompositeSpec& s, const Subscores& x) {
  const auto& w = s.weights;
  const double wsum = w[0] + w[1] + w[2] + w[3] + w[4];
  const double v = (w[0] * x.credit + w[1] * x.capacity + w[2] * x.identity + w[3] * x.behaviour +
                    w[4] * x.relationships) / wsum;
  const double score = kCompositeMin + (kCompositeMax - kCompositeMin) * std::clamp(v, 0.0, 1.0);
  return static_cast<std::uint16_t>(std::lround(score));
}

Composite::Composite(const CompositeSpec& spec, std::size_t n)
    : spec_(spec), decay_(std::pow(0.5, 1.0 / spec.record_half_life)), detect_stream_(named_stream(Stream::kDetection, spec.name)) {
  rec_.resize(n);
  score_.assign(n, static_cast<std::uint16_t>(kCompositeMin));
  band_table_.resize(static_cast<std::size_t>(kCompositeMax) + 1);
  privilege_table_.resize(band_table_.size());
  for (std::size_t s = 0; s < band_table_.size(); ++s) {
    band_table_[s] = static_cast<std::uint8_t>(composite_band(static_cast<double>(s)));
    privilege_table_[s] = privileges_for(spec_.privileges, static_cast<double>(s));
  }
}

void Composite::initialise(const SimContext& ctx) {
  initialise_history(ctx.society.persons, ctx.scenario.behaviour);
  score(ctx.society.persons, ctx.exchange);
}

void Composite::prepare_record(const SimContext& ctx) {
  // Only the learning model reads which posts were seen (adaptation, chilling): the column
  // exists only then (a scratch of the tick: written while recording, read by adapt).
  if (ctx.scenario.adapt.model == AdaptModel::kLearning) posts_seen_.resize(score_.size(), 0);
  else posts_seen_ = {};
}

FusedRecorder Composite::fused_recorder(const SimContext& ctx) {
  prepare_record(ctx);
  const Persons* p = &ctx.society.persons;
  const std::uint64_t seed = ctx.seed, replicate = ctx.replicate;
  const Tick tick = ctx.tick;
  return [this, p, seed, replicate, tick](std::size_t first, std::span<const PersonEvents> block) {
    record_block(*p, first, block, seed, replicate, tick);
  };
}

void Composite::record(const SimContext& ctx) {
  if (ctx.events.fused) return;  // recorded while behave drew the events (fused_recorder)
  prepare_record(ctx);
  record(ctx.society.persons, ctx.events, ctx.seed, ctx.replicate, ctx.tick);
}

void Composite::score(const SimContext& ctx) {
  throw_if_overflowed();  // a record past the 16-bit format this tick (record stage)
  if (!is_recompute_tick(ctx.tick)) return;
  score(ctx.society.persons, ctx.exchange);
}

void Composite::add_consequences(const SimContext&, std::size_t first, std::span<double> delta) const {
  for (std::size_t k = 0; k < delta.size(); ++k)
    delta[k] += privilege_weekly_value(spec_.privileges, privilege_table_[score_[first + k]]);
}

void Composite::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  measure_composite(ctx.tick, *this, ctx.society, ctx.scenario.measure, out, ctx.wealth_decile);
}

SystemOutputs Composite::outputs() const {
  SystemOutputs o;
  o.score = PublishedScore::widened(&score_);
  o.grade = PublishedBytes::looked_up(&score_, &band_table_);
  o.grade_names.assign(kCompositeBandNames.begin(), kCompositeBandNames.end());
  return o;
}

std::size_t Composite::memory_bytes() const {
  // 10 decayed 16-bit records and the score; band and privileges are derived from the score.
  return score_.size() * (CompositeRecords::kColumns * sizeof(std::uint16_t) + sizeof(std::uint16_t)) + band_table_.size() + privilege_table_.size() +
         posts_seen_.size();
}

void Composite::record(const Persons& p, const TickEvents& ev, std::uint64_t seed, std::uint64_t replicate,
                       Tick tick) {
  parallel_for(p.size(), [&](std::size_t i) { record_one(p, i, ev.at(i), seed, replicate, tick); });
}

void Composite::record_block(const Persons& p, std::size_t first, std::span<const PersonEvents> block, std::uint64_t seed,
                             std::uint64_t replicate, Tick tick) {
  // A chunk of persons at a time: their ten additions side by side per record (one person's
  // detection draws as record_one makes them), then each record's column updated over the chunk
  // at once (uf16::decay_add_run: the same codes as record_one's decay_add, without a branch).
  constexpr std::size_t kChunk = 256;
  const float lam = static_cast<float>(decay_);
  Uf16Column* const cols[CompositeRecords::kColumns] = {&rec_.on_time,     &rec_.missed,      &rec_.defaults,
                                                         &rec_.approved,    &rec_.games,       &rec_.purchases,
                                                         &rec_.on_platform, &rec_.gaming_hours, &rec_.unapproved,
                                                         &rec_.embarrassing};
  alignas(64) float add[CompositeRecords::kColumns][kChunk];
  alignas(64) std::uint8_t bad[kChunk];
  for (std::size_t s = 0; s < block.size(); s += kChunk) {
    const std::size_t len = std::min(kChunk, block.size() - s);
    for (std::size_t k = 0; k < len; ++k) {
      float r[CompositeRecords::kColumns];
      additions(p, first + s + k, block[s + k], seed, replicate, tick, r);
      for (std::size_t c = 0; c < CompositeRecords::kColumns; ++c) add[c][k] = r[c];
      bad[k] = 0;
    }
    for (std::size_t c = 0; c < CompositeRecords::kColumns; ++c)
      uf16::decay_add_run(cols[c]->code_data() + first + s, add[c], bad, len, lam);
    for (std::size_t k = 0; k < len; ++k)
      if (bad[k]) {
        note_overflow(first + s + k);  // the chunk's first: the smallest person is what is kept
        break;
      }
  }
}

void Composite::additions(const Persons& p, std::size_t i, const PersonEvents& ev, std::uint64_t seed,
                          std::uint64_t replicate, Tick tick, float (&r)[CompositeRecords::kColumns]) {
  const bool finance = sees(Domain::kFinance);
  Rng det(seed, replicate, tick, i, detect_stream_);
  // The operator's own credit line: always seen (if finance is in its row of the sharing matrix).
  const Repayment rp = finance ? ev.repayment : Repayment::kNone;
  r[0] = rp == Repayment::kOnTime;
  r[1] = rp == Repayment::kMissed;
  r[2] = rp == Repayment::kDefault;
  // Shopping: platform payments are the operator's own data; others seen with a probability.
  float approved = 0, games = 0, seen = 0, on_platform = 0;
  if (domain_open(p, i, kConsentShopping, Domain::kShopping)) {
    const std::uint32_t total = ev.baby + ev.games + ev.domestic + ev.luxury;
    if (total > 0) {
      // Which purchases were on the platform is not tracked per category: each category's
      // purchases are on the platform in proportion (expected values keep the records smooth).
      const double on = ev.on_platform;
      const double off = total - on;
      // One detection draw decides whether this week's off-platform purchases are seen, as a
      // block; platform purchases are always seen.
      double frac_seen = 1.0;
      if (off > 0 && !det.bernoulli(spec_.detect_offplatform_purchase)) frac_seen = on / total;
      approved = static_cast<float>((ev.baby + ev.domestic) * frac_seen);
      games = static_cast<float>(ev.games * frac_seen);
      seen = static_cast<float>(total * frac_seen);
      on_platform = static_cast<float>(on);
    }
  }
  r[3] = approved;
  r[4] = games;
  r[5] = seen;
  r[6] = on_platform;
  float hours = 0;
  if (domain_open(p, i, kConsentGaming, Domain::kGaming) && ev.gaming_hours > 0 && det.bernoulli(spec_.detect_gaming))
    hours = ev.gaming_hours;
  r[7] = hours;
  float unapproved = 0, embarrassing = 0;
  if (domain_open(p, i, kConsentSocial, Domain::kSocial)) {
    for (std::uint32_t k = 0; k < ev.unapproved; ++k) unapproved += det.bernoulli(spec_.detect_posts);
    for (std::uint32_t k = 0; k < ev.embarrassing; ++k) embarrassing += det.bernoulli(spec_.detect_posts);
  }
  r[8] = unapproved;
  if (!posts_seen_.empty()) posts_seen_[i] = static_cast<std::uint8_t>(std::min(255.0f, unapproved));
  r[9] = embarrassing;
}

// The reference, one person and one record at a time (the record stage when not fused).
void Composite::record_one(const Persons& p, std::size_t i, const PersonEvents& ev, std::uint64_t seed,
                           std::uint64_t replicate, Tick tick) {
  const float lam = static_cast<float>(decay_);
  float r[CompositeRecords::kColumns];
  additions(p, i, ev, seed, replicate, tick, r);
  bool ok = decay_add(rec_.on_time, i, lam, r[0]);
  ok &= decay_add(rec_.missed, i, lam, r[1]);
  ok &= decay_add(rec_.defaults, i, lam, r[2]);
  ok &= decay_add(rec_.approved, i, lam, r[3]);
  ok &= decay_add(rec_.games, i, lam, r[4]);
  ok &= decay_add(rec_.purchases, i, lam, r[5]);
  ok &= decay_add(rec_.on_platform, i, lam, r[6]);
  ok &= decay_add(rec_.gaming_hours, i, lam, r[7]);
  ok &= decay_add(rec_.unapproved, i, lam, r[8]);
  ok &= decay_add(rec_.embarrassing, i, lam, r[9]);
  if (!ok) note_overflow(i);
}

void Composite::initialise_history(const Persons& p, const BehaviourSpec& b) {
  if (!spec_.expected_history) return;
  const double scale = 1.0 / (1.0 - decay_);  // steady state of x ← λx + r is r / (1 − λ)
  parallel_for(p.size(), [&](std::size_t i) {
    const double due = p.has_loan(i) && sees(Domain::kFinance) ? 1.0 / b.repayment_period : 0.0;
    const double m = p.miss_prob[i];
    // Each record starts at its steady state, rounded once to its 16-bit format.
    bool ok = true;
    auto set = [&](Uf16Column& col, double v) {
      const auto c = uf16::encode(v);
      if (c) col.set_code(i, *c);
      ok &= c.has_value();
    };
    set(rec_.on_time, scale * due * (1 - m));
    set(rec_.missed, scale * due * m * (1 - b.default_given_miss));
    set(rec_.defaults, scale * due * m * b.default_given_miss);
    if (domain_open(p, i, kConsentShopping, Domain::kShopping)) {
      const double ps = p.platform_share[i];
      const double seen = ps + (1 - ps) * spec_.detect_offplatform_purchase;
      const double total = p.rate_baby[i] + p.rate_games[i] + p.rate_domestic[i] + p.rate_luxury[i];
      set(rec_.approved, scale * (p.rate_baby[i] + p.rate_domestic[i]) * seen);
      set(rec_.games, scale * p.rate_games[i] * seen);
      set(rec_.purchases, scale * total * seen);
      set(rec_.on_platform, scale * total * ps);
    }
    if (domain_open(p, i, kConsentGaming, Domain::kGaming))
      set(rec_.gaming_hours, scale * p.gaming_hours[i] * spec_.detect_gaming);
    if (domain_open(p, i, kConsentSocial, Domain::kSocial)) {
      set(rec_.unapproved, scale * p.dissent[i] * spec_.detect_posts);
      set(rec_.embarrassing, scale * p.embarrassing[i] * spec_.detect_posts);
    }
    if (!ok) note_overflow(i);
  });
  throw_if_overflowed();
}

BehaviourRates Composite::rates_of(std::size_t i) const {
  const double k = 1.0 - decay_;
  BehaviourRates r;
  r.approved = rec_.approved[i] * k;
  r.games = rec_.games[i] * k;
  r.platform_share = rec_.purchases[i] > 0 ? std::min(1.0, double(rec_.on_platform[i]) / rec_.purchases[i]) : 0.5;
  r.gaming_hours = rec_.gaming_hours[i] * k;
  r.unapproved = rec_.unapproved[i] * k;
  r.embarrassing = rec_.embarrassing[i] * k;
  return r;
}

namespace {

// Friends' mean score, share below the threshold and mean recorded unapproved posts, summed in
// the friends' order (the same doubles whichever way the two values are read).
template <class ScoreOf, class PostsOf>
RelationshipInputs gather_relationships(std::span<const NodeId> friends, double below_threshold, double keep,
                                        ScoreOf score_of, PostsOf posts_of) {
  RelationshipInputs in;
  if (friends.empty()) return in;
  double sum = 0, below = 0, posts = 0;
  for (NodeId f : friends) {
    const std::uint16_t s = score_of(f);
    sum += s;
    below += s < below_threshold;
    posts += posts_of(f);
  }
  const double d = static_cast<double>(friends.size());
  in.friends = static_cast<std::uint32_t>(friends.size());
  in.mean_friend_score = sum / d;
  in.share_below = below / d;
  in.mean_friend_unapproved = posts * keep / d;
  return in;
}

}  // namespace

RelationshipInputs Composite::relationship_inputs_of(std::size_t i, const Exchange& ex) const {
  const auto scores = ex.neighbour_view(score_);
  const auto unapproved = ex.neighbour_view(rec_.unapproved.view());
  return gather_relationships(
      ex.graph().neighbours(static_cast<NodeId>(i)), spec_.rel_below_threshold, 1.0 - decay_,
      [&](NodeId f) { return scores[f]; }, [&](NodeId f) { return unapproved[f]; });
}

Subscores Composite::subscores_of(const Persons& p, std::size_t i, const Exchange& ex, bool with_network) const {
  Subscores x;
  x.credit = credit_history_subscore(spec_, rec_.on_time[i], rec_.missed[i], rec_.defaults[i]);
  x.capacity = capacity_subscore(spec_, p.wealth[i], p.income[i]);
  x.identity = identity_subscore(spec_, p.education(i), p.stable_job(i), p.age_band(i));
  x.behaviour = behaviour_subscore(spec_, rates_of(i));
  // Skip the neighbour pass entirely when the dimension has no weight.
  x.relationships = with_network && spec_.weights[4] > 0 ? relationships_subscore(spec_, relationship_inputs_of(i, ex))
                                         : spec_.rel_no_friends;
  return x;
}

void Composite::score(const Persons& p, const Exchange& ex) {
  throw_if_overflowed();
  if (!scored_) {
    scored_ = true;
    parallel_for(p.size(), [&](std::size_t i) {
      Subscores x = subscores_of(p, i, ex, /*with_network=*/false);
      score_[i] = composite_score(spec_, x);
    });
  }
  // Jacobi update: everyone's relationships read friends' scores from before this update,
  // so the result does not depend on the order persons are processed in.
  // The new scores go to a column of their own for the update (freed after it: recomputation is
  // monthly, so no second column is held between updates).
  std::vector<std::uint16_t> next(p.size());
  if (spec_.weights[4] > 0) {
    // The gather reads two values of every friend, the score and the decayed unapproved-post
    // record: packed side by side in one 4-byte word per person for the update (freed after it),
    // so one prefetch covers a friend (the packing alone measured no faster: the gain is the
    // prefetch, docs/PERFORMANCE.md). The same values, summed in the same order, so the same bytes
    // as reading both columns (relationship_inputs_of).
    const auto scores = ex.neighbour_view(score_);
    const auto unapproved = ex.neighbour_view(rec_.unapproved.view());
    std::vector<std::uint32_t> word(scores.size());
    parallel_for(word.size(), [&](std::size_t i) {
      word[i] = scores[i] | static_cast<std::uint32_t>(unapproved.code(i)) << 16;
    });
    const double keep = 1.0 - decay_;
    const graph::Csr& g = ex.graph();
    parallel_for(p.size(), [&](std::size_t i) {
      graph::prefetch_ahead(g, i, word.data());  // graph/prefetch.hpp: the same bytes, half the time
      Subscores x = subscores_of(p, i, ex, /*with_network=*/false);
      x.relationships = relationships_subscore(
          spec_, gather_relationships(
                     ex.graph().neighbours(static_cast<NodeId>(i)), spec_.rel_below_threshold, keep,
                     [&](NodeId f) { return static_cast<std::uint16_t>(word[f]); },
                     [&](NodeId f) { return uf16::decode(static_cast<std::uint16_t>(word[f] >> 16)); }));
      next[i] = composite_score(spec_, x);
    });
  } else {
    parallel_for(p.size(), [&](std::size_t i) { next[i] = composite_score(spec_, subscores_of(p, i, ex)); });
  }
  if (tracer_) tracer_->composite_scored(*this, p, ex, next);  // explain: before the swap
  score_.swap(next);
}

// Everything but the name and the spec (which the scenario gives again on resume).
void Composite::checkpoint(ckpt::Archive& a) {
  a(decay_, rec_, score_, scored_);
  if (!a.loading()) return;
  // The published band and privileges are looked up by score: every score must be in the tables.
  const bool ok = std::all_of(score_.begin(), score_.end(), [](std::uint16_t s) { return s <= kCompositeMax; });
  if (!ok) a.corrupt("a composite score is above " + std::to_string(static_cast<int>(kCompositeMax)));
}

}  // namespace credsim
