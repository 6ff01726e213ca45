// Generation of the synthetic society (SPEC §2). Each person's traits come from their own
// Philox stream, drawn in a fixed order, so generation is parallel and thread-count independent.
#include "credsim/society/society.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/core/rng.hpp"

namespace credsim {
namespace {

template <std::size_t K>
std::uint8_t draw_category(Rng& rng, const std::array<double, K>& shares) {
  const double total = std::accumulate(shares.begin(), shares.end(), 0.0);
  double u = rng.uniform() * total;
  for (std::size_t k = 0; k + 1 < K; ++k) {
    if (u < shares[k]) return static_cast<std::uint8_t>(k);
    u -= shares[k];
  }
  return static_cast<std::uint8_t>(K - 1);
}

// A personal rate with population mean `mean`: lognormal spread sigma, mean-preserving.
double spread_exact(double mean, double sigma, double z) { return mean * std::exp(sigma * z - 0.5 * sigma * sigma); }

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double p) { return std::log(p / (1.0 - p)); }

// The normals behind the event-catalog propensities, out of line (as they were when derived).
[[gnu::noinline]] double draw_wealth_normal(Rng& rng) { return rng.normal(); }

// The misconduct and civic multipliers (as drawn, in double; rounded when stored).
struct EventDraw {
  double misconduct, civic;
};
[[gnu::noinline]] EventDraw draw_event_traits(Rng& rng, const TraitSource& src) {
  const double zm = rng.normal();
  const double rc = src.civic_misconduct_corr;
  const double zc = rc * zm + std::sqrt(1.0 - rc * rc) * rng.normal();
  return {spread_exact(1.0, src.misconduct_sigma, zm), spread_exact(1.0, src.civic_sigma, zc)};
}

Rng trait_stream(const TraitSource& src, std::size_t i) {
  return Rng(src.seed, src.replicate, Rng::kNoTick, i, Stream::kSocietyTraits);
}

// The persons' 16-bit columns (core/uf16.hpp), in the order of PersonDraw::value.
constexpr std::size_t kStoredColumns = 13;

void stored_columns(Persons& p, Uf16Column* (&cols)[kStoredColumns]) {
  Uf16Column* c[kStoredColumns] = {&p.initial_wealth, &p.income,        &p.miss_prob,    &p.rate_baby,
                                   &p.rate_games,     &p.rate_domestic, &p.rate_luxury,  &p.platform_share,
                                   &p.gaming_hours,   &p.dissent,       &p.embarrassing, &p.misconduct_mult,
                                   &p.civic_mult};
  std::copy(std::begin(c), std::end(c), std::begin(cols));
}

// Per stored column: its name, unit, and the scenario keys its draw comes from (error messages).
struct ColumnSource {
  const char *name, *unit, *keys;
};
constexpr ColumnSource kColumnSources[kStoredColumns] = {
    {"initial wealth", " yuan", "society.wealth_median / society.wealth_sigma"},
    {"income", " yuan per week", "society.income_median / society.income_sigma"},
    {"miss probability", "", "behaviour.miss_prob / behaviour.miss_wealth_elasticity / behaviour.heterogeneity"},
    {"baby-product purchase rate", " per week", "behaviour.rate_baby_parent / behaviour.rate_baby_other / behaviour.heterogeneity"},
    {"game purchase rate", " per week", "behaviour.rate_games / behaviour.heterogeneity"},
    {"domestic purchase rate", " per week", "behaviour.rate_domestic / behaviour.heterogeneity"},
    {"luxury purchase rate", " per week", "behaviour.rate_luxury / behaviour.luxury_wealth_elasticity / behaviour.heterogeneity"},
    {"platform share", "", "behaviour.platform_share / behaviour.heterogeneity"},
    {"gaming hours", " per week", "behaviour.gaming_hours / behaviour.heterogeneity"},
    {"unapproved post rate (dissent)", " per week", "behaviour.unapproved_post_rate / behaviour.dissent_sigma"},
    {"embarrassing post rate", " per week", "behaviour.embarrassing_post_rate / behaviour.dissent_sigma"},
    {"misconduct multiplier", "", "behaviour.misconduct_sigma"},
    {"civic multiplier", "", "behaviour.civic_sigma / behaviour.civic_misconduct_corr"},
};

// One person's drawn values before they are stored: the 16-bit columns' values (as drawn, in
// double; rounded when stored), the packed traits word and wealth_z's fixed-point code.
struct PersonDraw {
  double value[kStoredColumns];
  std::uint16_t traits = 0;
  std::int16_t wealth_z = 0;
};

PersonDraw draw_person(const Persons& p, const SocietySpec& s, const BehaviourSpec& b, std::size_t i) {
  using namespace trait_bits;
  PersonDraw d;
  std::uint16_t& w = d.traits;
  const double rho = s.wealth_income_corr;
  const double h = b.heterogeneity;
  Rng rng = trait_stream(p.source, i);
  // The draw order below is part of the model's definition: append, never reorder.
  const double zw = draw_wealth_normal(rng);  // word kWealthDraw: wealth_z
  d.wealth_z = wealth_z_code(zw);
  const double zi = rho * zw + std::sqrt(1.0 - rho * rho) * rng.normal();
  d.value[0] = s.wealth_median * std::exp(s.wealth_sigma * zw);
  d.value[1] = s.income_median * std::exp(s.income_sigma * zi);
  w = with(w, kEducation, kEducationWidth, draw_category(rng, s.education_shares));
  w = with(w, kAgeBand, kAgeBandWidth, draw_category(rng, s.age_shares));
  w = with(w, kStableJob, 1, rng.bernoulli(s.stable_job_share));
  const bool parent = rng.bernoulli(s.parent_share);
  w = with(w, kParent, 1, parent);
  unsigned c = 0;
  if (rng.bernoulli(s.consent_shopping)) c |= kConsentShopping;
  if (rng.bernoulli(s.consent_gaming)) c |= kConsentGaming;
  if (rng.bernoulli(s.consent_social)) c |= kConsentSocial;
  w = with(w, kConsent, kConsentWidth, c);
  w = with(w, kHasLoan, 1, rng.bernoulli(b.loan_share));
  // Repayment reliability correlates with wealth (SPEC §2: "wealth with repayment").
  // exp(−e·z − e²/2) has mean 1, so miss_prob stays the population mean (before the cap).
  const double e = b.miss_wealth_elasticity;
  const double miss = spread_exact(b.miss_prob, h, rng.normal()) * std::exp(-e * zw - 0.5 * e * e);
  d.value[2] = std::min(0.95, miss);
  d.value[3] = spread_exact(parent ? b.rate_baby_parent : b.rate_baby_other, h, rng.normal());
  d.value[4] = spread_exact(b.rate_games, h, rng.normal());
  d.value[5] = spread_exact(b.rate_domestic, h, rng.normal());
  const double el = b.luxury_wealth_elasticity;  // the rich buy more luxury; mean-preserving
  d.value[6] = spread_exact(b.rate_luxury * std::exp(el * zw - 0.5 * el * el), h, rng.normal());
  const double ps = std::clamp(b.platform_share, 1e-6, 1.0 - 1e-6);
  d.value[7] = logistic(logit(ps) + h * rng.normal());
  const bool gamer = rng.bernoulli(b.gamer_share);
  const double zg = rng.normal();
  d.value[8] = gamer ? spread_exact(b.gaming_hours, h, zg) : 0.0;
  d.value[9] = spread_exact(b.unapproved_post_rate, b.dissent_sigma, rng.normal());
  d.value[10] = spread_exact(b.embarrassing_post_rate, b.dissent_sigma, rng.normal());
  // Propensities for the event catalog (appended to the draw order).
  CREDSIM_ASSERT(rng.position() == kEventDraws);
  const EventDraw ev = draw_event_traits(rng, p.source);
  d.value[11] = ev.misconduct;
  d.value[12] = ev.civic;
  w = with(w, kScrutinised, 1, rng.bernoulli(s.scrutinised_share));
  return d;
}

// The error for person i's first value that the 16-bit columns cannot hold.
[[noreturn]] void unrepresentable(const PersonDraw& d, std::size_t i) {
  for (std::size_t k = 0; k < kStoredColumns; ++k) {
    if (uf16::representable(d.value[k])) continue;
    const ColumnSource& c = kColumnSources[k];
    throw InputError({}, c.keys,
                     fmt::format("person {}'s {} is drawn as {:.6g}{}, more than the persons' 16-bit columns can "
                                 "store (the largest storable value is {:.6g})",
                                 i, c.name, d.value[k], c.unit, static_cast<double>(uf16::kMax)),
                     fmt::format("parameters whose draws stay at most {:.6g} (the tail of the lognormal spread "
                                 "reaches several standard deviations at large populations)",
                                 static_cast<double>(uf16::kMax)),
                     fmt::format("lower the median/mean or the spread (sigma) among {}", c.keys));
  }
  CREDSIM_ASSERT(false);  // called only when some value is not representable
  std::abort();
}

}  // namespace

std::size_t Persons::memory_bytes() const {
  const std::size_t n = size();
  return n * (2 * sizeof(std::uint16_t) + kStoredColumns * sizeof(std::uint16_t) + sizeof(std::int16_t) + sizeof(double));
}

std::vector<NodeId> region_sizes(NodeId n, const std::vector<double>& weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<NodeId> sizes(weights.size());
  std::vector<std::pair<double, std::size_t>> frac;
  NodeId assigned = 0;
  for (std::size_t r = 0; r < weights.size(); ++r) {
    const double exact = static_cast<double>(n) * weights[r] / total;
    sizes[r] = static_cast<NodeId>(std::floor(exact));
    assigned += sizes[r];
    frac.emplace_back(exact - std::floor(exact), r);
  }
  std::stable_sort(frac.begin(), frac.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; assigned < n; ++i, ++assigned) sizes[frac[i % frac.size()].second]++;
  return sizes;
}

Society generate_society(NodeId n, const SocietySpec& s, const BehaviourSpec& b, std::uint64_t seed,
                         std::uint64_t replicate) {
  Society soc;
  Persons& p = soc.persons;
  const auto sizes = region_sizes(n, s.region_weights);
  soc.region_start.assign(sizes.size() + 1, 0);
  for (std::size_t r = 0; r < sizes.size(); ++r) soc.region_start[r + 1] = soc.region_start[r] + sizes[r];

  auto resize = [n](auto&... cols) { (cols.resize(n), ...); };
  resize(p.region, p.traits, p.income, p.initial_wealth, p.miss_prob, p.rate_baby, p.rate_games, p.rate_domestic, p.rate_luxury,
         p.platform_share, p.gaming_hours, p.dissent, p.embarrassing, p.wealth, p.misconduct_mult, p.civic_mult,
         p.wealth_z_codes);
  p.source = {true, seed, replicate, b.misconduct_sigma, b.civic_sigma, b.civic_misconduct_corr};

  parallel_for(soc.region_start.size() - 1, [&](std::size_t r) {
    for (NodeId i = soc.region_start[r]; i < soc.region_start[r + 1]; ++i) p.region[i] = static_cast<std::uint16_t>(r);
  });
  // Each drawn value is rounded once to its 16-bit column (core/uf16.hpp); wealth starts at the
  // stored initial wealth. A value the format cannot hold (scenario parameters with an extreme
  // tail) is reported for the lowest such person, whatever the thread count.
  std::atomic<std::uint64_t> first_bad{std::numeric_limits<std::uint64_t>::max()};
  parallel_for(n, [&](std::size_t i) {
    const PersonDraw d = draw_person(p, s, b, i);
    p.traits[i] = d.traits;
    p.wealth_z_codes[i] = d.wealth_z;
    Uf16Column* cols[kStoredColumns];
    stored_columns(p, cols);
    for (std::size_t k = 0; k < kStoredColumns; ++k) {
      const auto c = uf16::encode(d.value[k]);
      if (!c) {
        std::uint64_t cur = first_bad.load(std::memory_order_relaxed);
        while (i < cur && !first_bad.compare_exchange_weak(cur, i, std::memory_order_relaxed)) {
        }
        return;
      }
      cols[k]->set_code(i, *c);
    }
    p.wealth[i] = p.initial_wealth[i];
  });
  if (const std::uint64_t i = first_bad.load(); i != std::numeric_limits<std::uint64_t>::max())
    unrepresentable(draw_person(p, s, b, i), i);

  Businesses& biz = soc.businesses;
  biz.region.resize(s.businesses);
  biz.sector.resize(s.businesses);
  biz.size.resize(s.businesses);
  biz.legal_representative.resize(s.businesses);
  parallel_for(s.businesses, [&](std::size_t j) {
    Rng rng(seed, replicate, Rng::kNoTick, j, Stream::kBusinessTraits);
    const NodeId rep = n == 0 ? kNoNode : static_cast<NodeId>(rng.below(n));
    biz.legal_representative[j] = rep;
    biz.region[j] = rep == kNoNode ? 0 : p.region[rep];
    biz.sector[j] = static_cast<std::uint8_t>(rng.below(8));
    biz.size[j] = static_cast<float>(std::floor(std::exp(1.5 + 1.5 * rng.normal())) + 1);
  });
  for (NodeId rep : biz.legal_representative)
    if (rep != kNoNode) p.set_legal_rep(rep, 1);
  return soc;
}

}  // namespace credsim
