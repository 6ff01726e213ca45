// Platform ratings: providers drawn once, each tick a Poisson number of rated services per active
// provider (counter-based draws per provider and tick, so any thread count gives the same ratings),
// ring buffers of the last K ratings, deactivation, defect tiers, lost income, and the
// quality/standards split of inflation. docs/MODEL.md, "Platform ratings".
#include "credsim/systems/platform_rating.hpp"

#include <algorithm>
#include <limits>

#include "credsim/core/parallel.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/scenario/reader.hpp"

namespace credsim {

namespace {
constexpr std::array<double, 7> kProbs{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
constexpr std::array<const char*, 7> kProbKeys{"p1", "p5", "p25", "p50", "p75", "p95", "p99"};
constexpr std::array<const char*, 4> kTierNames{"top_rated", "above_standard", "below_standard", "not_provider"};
// Tick slot of the initial ratings' draws (distinct from the traits' Rng::kNoTick).
constexpr std::uint64_t kInitialRatingsTick = Rng::kNoTick - 1;
}  // namespace

PlatformRatingSpec read_platform_rating_spec(const scenario::Reader& r, const EventCatalog& /*catalog*/) {
  PlatformRatingSpec s;
  s.provider_share = r.get_double("provider_share", s.provider_share, 0, 1);
  s.counterparties = r.get_double("counterparties", s.counterparties, 0, 10000);
  s.window = static_cast<std::uint32_t>(r.get_int("window", s.window, 1, 100000));
  s.cutoff = r.get_double("cutoff", s.cutoff, 0, 5);
  s.min_ratings = static_cast<std::uint32_t>(r.get_int("min_ratings", s.min_ratings, 1, 1000000000));
  s.quality_mean = r.get_double("quality_mean", s.quality_mean, 0, 6);
  s.quality_sd = r.get_double("quality_sd", s.quality_sd, 0, 10);
  s.quality_drift_per_year = r.get_double("quality_drift_per_year", s.quality_drift_per_year, -5, 5);
  s.rater_noise = r.get_double("rater_noise", s.rater_noise, 0, 10);
  s.rater_bias_sd = r.get_double("rater_bias_sd", s.rater_bias_sd, 0, 10);
  s.reluctance_start = r.get_double("reluctance_start", s.reluctance_start, 0, 1);
  s.reluctance_end = r.get_double("reluctance_end", s.reluctance_end, 0, 1);
  s.reluctance_ramp_ticks = static_cast<Tick>(r.get_int("reluctance_ramp_ticks", s.reluctance_ramp_ticks, 1, 1000000));
  s.initial_ratings = static_cast<std::uint32_t>(r.get_int("initial_ratings", std::min(s.initial_ratings, s.window), 1, 1000000));
  if (s.initial_ratings > s.window)
    throw r.error("initial_ratings", "more initial ratings than the window holds", "initial_ratings <= window",
                  "lower initial_ratings or raise window");
  s.defect_max_rating = static_cast<std::uint32_t>(r.get_int("defect_max_rating", s.defect_max_rating, 1, 4));
  s.top_rated_max = r.get_double("top_rated_max", s.top_rated_max, 0, 1);
  s.below_standard_min = r.get_double("below_standard_min", s.below_standard_min, 0, 1);
  if (s.top_rated_max > s.below_standard_min)
    throw r.error("top_rated_max", "the top-rated defect ceiling lies above the below-standard floor",
                  "top_rated_max <= below_standard_min", "e.g. top_rated_max = 0.005, below_standard_min = 0.02");
  s.income_share = r.get_double("income_share", s.income_share, 0, 1);
  return s;
}

// ---- ring buffers -----------------------------------------------------------------------------

RatingRings::RatingRings(std::size_t providers, std::uint32_t window, std::uint32_t defect_max_rating)
    : k_(window), defect_max_(defect_max_rating), data_(providers * window, 0), head_(providers, 0),
      filled_(providers, 0), count_(providers, 0), sum_(providers, 0), sum_cf_(providers, 0), defects_(providers, 0) {}

void RatingRings::push(std::size_t p, std::uint8_t rating, std::uint8_t cf) {
  std::uint8_t& slot = data_[p * k_ + head_[p]];
  if (filled_[p] == k_) {  // the oldest rating leaves the window
    const std::uint8_t old = slot & 0x0F, old_cf = slot >> 4;
    sum_[p] -= old;
    sum_cf_[p] -= old_cf;
    defects_[p] -= old <= defect_max_;
  } else {
    ++filled_[p];
  }
  slot = static_cast<std::uint8_t>(rating | (cf << 4));
  sum_[p] += rating;
  sum_cf_[p] += cf;
  defects_[p] += rating <= defect_max_;
  head_[p] = head_[p] + 1 == k_ ? 0 : head_[p] + 1;
  ++count_[p];
}

double RatingRings::mean(std::size_t p) const {
  return filled_[p] ? static_cast<double>(sum_[p]) / filled_[p] : std::numeric_limits<double>::quiet_NaN();
}
double RatingRings::mean_cf(std::size_t p) const {
  return filled_[p] ? static_cast<double>(sum_cf_[p]) / filled_[p] : std::numeric_limits<double>::quiet_NaN();
}
double RatingRings::defect_rate(std::size_t p) const {
  return filled_[p] ? static_cast<double>(defects_[p]) / filled_[p] : 0.0;
}

// ---- rules ------------------------------------------------------------------------------------

double platform_reluctance(const PlatformRatingSpec& s, Tick t) {
  const double f = std::min(1.0, static_cast<double>(t) / s.reluctance_ramp_ticks);
  return s.reluctance_start + (s.reluctance_end - s.reluctance_start) * f;
}

std::uint8_t platform_tier(const PlatformRatingSpec& s, std::uint32_t filled, double defect_rate) {
  if (filled < s.min_ratings) return kAboveStandard;
  if (defect_rate <= s.top_rated_max) return kTopRated;
  if (defect_rate > s.below_standard_min) return kBelowStandard;
  return kAboveStandard;
}

bool platform_deactivates(const PlatformRatingSpec& s, std::uint32_t count, double mean) {
  return count >= s.min_ratings && mean < s.cutoff;
}

double platform_expected_rating(const PlatformRatingSpec& s, double q, double r) {
  const double sd = std::sqrt(s.rater_noise * s.rater_noise + s.rater_bias_sd * s.rater_bias_sd);
  // P(honest <= k) = P(perceived < k + 0.5) (std::lround rounds halves away from zero; ties have
  // probability 0 for sd > 0).
  auto cdf = [&](double x) {
    if (sd == 0) return q < x ? 1.0 : 0.0;
    return 0.5 * std::erfc(-(x - q) / (sd * std::sqrt(2.0)));
  };
  double e = 0, below = 0;
  for (int k = 1; k <= 4; ++k) {
    const double pk = cdf(k + 0.5) - below;
    below += pk;
    e += pk * ((1 - r) * k + 5 * r);
  }
  return e + (1 - below) * 5;
}

RatingDraw platform_rate(double quality, double bias, double noise, double reluctance, double reluctance0, Rng& rng) {
  const double perceived = quality + bias + noise * rng.normal();
  const auto honest = static_cast<std::uint8_t>(std::clamp(std::lround(perceived), 1L, 5L));
  const double u = rng.uniform();
  return {honest < 5 && u < reluctance ? std::uint8_t{5} : honest, honest < 5 && u < reluctance0 ? std::uint8_t{5} : honest};
}

// ---- the system -------------------------------------------------------------------------------

PlatformRating::PlatformRating(std::string name, const PlatformRatingSpec& spec, std::size_t n)
    : stream_(named_stream(Stream::kPlatformRating, name)), name_(std::move(name)), spec_(spec),
      score_(n, std::numeric_limits<float>::quiet_NaN()), grade_(n, kNotProvider), listed_(n, 0) {}

void PlatformRating::rate(const SimContext& ctx, std::size_t p, std::uint32_t m, double reluctance, Tick tick,
                          Rng& rng) {
  const std::size_t n = score_.size();
  const NodeId self = providers_[p];
  const double q = quality_[p] + spec_.quality_drift_per_year * tick / 52.0;
  (void)ctx;
  for (std::uint32_t k = 0; k < m; ++k) {
    // The counterparty: any person but the provider.
    std::uint64_t j = n > 1 ? rng.below(n - 1) : 0;
    if (j >= self) ++j;
    const double bias = bias_.empty() || j >= n ? 0.0 : bias_[j];
    const RatingDraw d = platform_rate(q, bias, spec_.rater_noise, reluctance, spec_.reluctance_start, rng);
    rings_.push(p, d.rating, d.counterfactual);
    p_sum_[p] += d.rating;
    p_sum_cf_[p] += d.counterfactual;
    ++p_n_[p];
  }
}

void PlatformRating::initialise(const SimContext& ctx) {
  const Persons& persons = ctx.society.persons;
  const std::size_t n = persons.size();
  // Traits: three draws per person, always (provider?, quality, rater lenience).
  std::vector<std::uint8_t> is_provider(n, 0);
  std::vector<float> q(n, 0.0f);
  if (spec_.rater_bias_sd > 0) bias_.assign(n, 0.0f);
  parallel_for(n, [&](std::size_t i) {
    Rng rng(ctx.seed, ctx.replicate, Rng::kNoTick, i, stream_);
    is_provider[i] = rng.bernoulli(spec_.provider_share);
    q[i] = static_cast<float>(spec_.quality_mean + spec_.quality_sd * rng.normal());
    const double b = spec_.rater_bias_sd * rng.normal();
    if (!bias_.empty()) bias_[i] = static_cast<float>(b);
  });
  providers_.clear();
  quality_.clear();
  for (std::size_t i = 0; i < n; ++i)
    if (is_provider[i]) providers_.push_back(static_cast<NodeId>(i)), quality_.push_back(q[i]);
  const std::size_t np = providers_.size();
  active_.assign(np, 1);
  by_noise_.assign(np, 0);
  rings_ = RatingRings(np, spec_.window, spec_.defect_max_rating);
  p_sum_.assign(np, 0);
  p_sum_cf_.assign(np, 0);
  p_n_.assign(np, 0);
  // The ratings already on file at tick 0, given at the tick-0 reluctance.
  parallel_for(np, [&](std::size_t p) {
    Rng rng(ctx.seed, ctx.replicate, kInitialRatingsTick, providers_[p], stream_);
    rate(ctx, p, spec_.initial_ratings, spec_.reluctance_start, 0, rng);
  });
  tick_sum_ = deterministic_sum<std::uint64_t>(np, [&](std::size_t p) { return std::uint64_t{p_sum_[p]}; });
  tick_sum_cf_ = deterministic_sum<std::uint64_t>(np, [&](std::size_t p) { return std::uint64_t{p_sum_cf_[p]}; });
  tick_n_ = deterministic_sum<std::uint64_t>(np, [&](std::size_t p) { return std::uint64_t{p_n_[p]}; });
  given0_ = given_mean();
  publish(false, 0);
  const double total = deterministic_sum<double>(np, [&](std::size_t p) { return rings_.mean(p); });
  displayed0_ = np ? total / static_cast<double>(np) : std::numeric_limits<double>::quiet_NaN();
}

void PlatformRating::record(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const double rel = platform_reluctance(spec_, t);
  parallel_for(providers_.size(), [&](std::size_t p) {
    p_sum_[p] = p_sum_cf_[p] = p_n_[p] = 0;
    if (!active_[p]) return;
    Rng rng(ctx.seed, ctx.replicate, t, providers_[p], stream_);
    rate(ctx, p, rng.poisson(spec_.counterparties), rel, t, rng);
  });
  const std::size_t np = providers_.size();
  tick_sum_ = deterministic_sum<std::uint64_t>(np, [&](std::size_t p) { return std::uint64_t{p_sum_[p]}; });
  tick_sum_cf_ = deterministic_sum<std::uint64_t>(np, [&](std::size_t p) { return std::uint64_t{p_sum_cf_[p]}; });
  tick_n_ = deterministic_sum<std::uint64_t>(np, [&](std::size_t p) { return std::uint64_t{p_n_[p]}; });
}

void PlatformRating::publish(bool allow_deactivation, Tick tick) {
  const double rel = platform_reluctance(spec_, tick);
  parallel_for(providers_.size(), [&](std::size_t p) {
    if (!active_[p]) return;  // a deactivated provider's rating and tier stay as they were
    const NodeId i = providers_[p];
    const double m = rings_.mean(p);
    if (allow_deactivation && platform_deactivates(spec_, rings_.count(p), m)) {
      active_[p] = 0;
      listed_[i] = 1;
      const double q = quality_[p] + spec_.quality_drift_per_year * tick / 52.0;
      by_noise_[p] = platform_expected_rating(spec_, q, rel) >= spec_.cutoff;
    }
    score_[i] = static_cast<float>(m);
    grade_[i] = platform_tier(spec_, rings_.filled(p), rings_.defect_rate(p));
  });
}

void PlatformRating::score(const SimContext& ctx) { publish(true, ctx.tick); }

void PlatformRating::prepare_consequences(const SimContext& ctx) {
  const Persons& persons = ctx.society.persons;
  income_lost_ = deterministic_sum<double>(providers_.size(), [&](std::size_t p) {
    return active_[p] ? 0.0 : spec_.income_share * persons.income[providers_[p]];
  });
}

void PlatformRating::add_consequences(const SimContext& ctx, std::size_t first, std::span<double> delta) const {
  // A deactivated provider no longer earns the platform share of their weekly income. Providers
  // are listed in increasing person order: the block's are one run of the list.
  const Persons& persons = ctx.society.persons;
  const auto lo = std::lower_bound(providers_.begin(), providers_.end(), static_cast<NodeId>(first));
  const auto hi = std::lower_bound(lo, providers_.end(), static_cast<NodeId>(first + delta.size()));
  for (auto it = lo; it != hi; ++it) {
    const std::size_t p = static_cast<std::size_t>(it - providers_.begin());
    if (!active_[p]) delta[*it - first] -= spec_.income_share * persons.income[*it];
  }
}

void PlatformRating::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  const Tick t = ctx.tick;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t np = providers_.size();
  std::vector<double> mean, mean_cf;
  std::array<std::uint64_t, 3> tier{};
  std::uint64_t deactivated = 0, latent_above = 0, noise = 0;
  for (std::size_t p = 0; p < np; ++p) {
    if (!active_[p]) {
      ++deactivated;
      latent_above += quality_[p] >= spec_.cutoff;
      noise += by_noise_[p];
      continue;
    }
    tier[grade_[providers_[p]]]++;
    if (rings_.filled(p)) mean.push_back(rings_.mean(p)), mean_cf.push_back(rings_.mean_cf(p));
  }
  const std::uint64_t active = np - deactivated;
  const auto share = [nan](std::uint64_t a, std::uint64_t b) { return b ? static_cast<double>(a) / b : nan; };
  out.row(t, name_, "providers", "", static_cast<double>(np));
  out.row(t, name_, "active_providers", "", static_cast<double>(active));
  out.row(t, name_, "deactivated_share", "", share(deactivated, np));
  out.row(t, name_, "deactivated_latent_above_share", "", share(latent_above, deactivated));
  out.row(t, name_, "deactivated_noise_share", "", share(noise, deactivated));
  for (int k = 0; k < 3; ++k) out.row(t, name_, "tier_share", kTierNames[k], share(tier[k], active));
  out.row(t, name_, "reluctance", "", platform_reluctance(spec_, t));
  // Displayed ratings of active providers.
  const double m = mean.empty() ? nan : measure::mean(mean), mcf = mean.empty() ? nan : measure::mean(mean_cf);
  out.row(t, name_, "rating_mean", "", m);
  out.row(t, name_, "rating_sd", "", mean.empty() ? nan : measure::stdev(mean));
  const auto q = measure::quantiles(mean, kProbs);
  for (std::size_t k = 0; k < q.size(); ++k) out.row(t, name_, "rating_quantile", kProbKeys[k], q[k]);
  out.row(t, name_, "rating_mean_cf", "", mcf);
  out.row(t, name_, "rating_drift", "", m - displayed0_);
  // Ratings given this tick: the market's mean rating, its drift and the split (SPEC §1.12).
  const double g = given_mean(), gcf = given_mean_cf(), drift = g - given0_;
  const double per_year = t > 0 ? drift / (t / 52.0) : nan;
  const double standards = g - gcf, standards_share = drift != 0 ? standards / drift : nan;
  out.row(t, name_, "given_mean", "", g);
  out.row(t, name_, "given_mean_cf", "", gcf);
  out.row(t, name_, "given_drift", "", drift);
  out.row(t, name_, "drift_per_year", "", per_year);
  out.row(t, name_, "drift_standards_part", "", standards);
  out.row(t, name_, "drift_quality_part", "", gcf - given0_);
  out.row(t, name_, "drift_standards_share", "", standards_share);
  out.row(t, name_, "ratings_given", "", static_cast<double>(tick_n_));
  out.row(t, name_, "income_lost", "", income_lost_);
}

SystemOutputs PlatformRating::outputs() const {
  SystemOutputs o;
  o.score = &score_;
  o.grade = &grade_;
  o.grade_names = {kTierNames.begin(), kTierNames.end()};
  o.listed = &listed_;
  return o;
}

std::size_t PlatformRating::memory_bytes() const {
  return score_.size() * (sizeof(float) + 2) + bias_.size() * sizeof(float) + rings_.memory_bytes() +
         providers_.size() * (sizeof(NodeId) + sizeof(float) + 2 + 3 * sizeof(std::uint32_t));
}

// Everything but the name and the spec (which the scenario gives again on resume).
void PlatformRating::checkpoint(ckpt::Archive& a) {
  a(stream_, providers_, quality_, active_, by_noise_, bias_, rings_, p_sum_, p_sum_cf_, p_n_, score_, grade_, listed_,
    tick_sum_, tick_sum_cf_, tick_n_, given0_, displayed0_, income_lost_);
  if (!a.loading()) return;
  // The consequences stage finds a block's providers by binary search.
  if (std::adjacent_find(providers_.begin(), providers_.end(), std::greater_equal<NodeId>()) != providers_.end())
    a.corrupt("the platform's providers are not in increasing person order");
}

}  // namespace credsim
