// Generation of the synthetic society (SPEC §2). Each person's traits come from their own
// Philox stream, drawn in a fixed order, so generation is parallel and thread-count independent.
#include "credsim/society/society.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

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
float spread(double mean, double sigma, double z) {
  return static_cast<float>(mean * std::exp(sigma * z - 0.5 * sigma * sigma));
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double p) { return std::log(p / (1.0 - p)); }

}  // namespace

std::size_t Persons::memory_bytes() const {
  const std::size_t n = size();
  return n * (sizeof(std::uint16_t) + 8 * sizeof(std::uint8_t) + 15 * sizeof(float) + sizeof(double));
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
  resize(p.region, p.education, p.age_band, p.stable_job, p.parent, p.consent, p.has_loan, p.income,
         p.initial_wealth, p.miss_prob, p.rate_baby, p.rate_games, p.rate_domestic, p.rate_luxury,
         p.platform_share, p.gaming_hours, p.dissent, p.embarrassing, p.wealth, p.misconduct, p.civic,
         p.wealth_z, p.scrutinised);

  const double rho = s.wealth_income_corr;
  const double h = b.heterogeneity;
  parallel_for(soc.region_start.size() - 1, [&](std::size_t r) {
    for (NodeId i = soc.region_start[r]; i < soc.region_start[r + 1]; ++i) p.region[i] = static_cast<std::uint16_t>(r);
  });
  parallel_for(n, [&](std::size_t i) {
    Rng rng(seed, replicate, Rng::kNoTick, i, Stream::kSocietyTraits);
    // The draw order below is part of the model's definition: append, never reorder.
    const double zw = rng.normal();
    const double zi = rho * zw + std::sqrt(1.0 - rho * rho) * rng.normal();
    p.initial_wealth[i] = static_cast<float>(s.wealth_median * std::exp(s.wealth_sigma * zw));
    p.wealth[i] = p.initial_wealth[i];
    p.income[i] = static_cast<float>(s.income_median * std::exp(s.income_sigma * zi));
    p.education[i] = draw_category(rng, s.education_shares);
    p.age_band[i] = draw_category(rng, s.age_shares);
    p.stable_job[i] = rng.bernoulli(s.stable_job_share);
    p.parent[i] = rng.bernoulli(s.parent_share);
    std::uint8_t c = 0;
    if (rng.bernoulli(s.consent_shopping)) c |= kConsentShopping;
    if (rng.bernoulli(s.consent_gaming)) c |= kConsentGaming;
    if (rng.bernoulli(s.consent_social)) c |= kConsentSocial;
    p.consent[i] = c;
    p.has_loan[i] = rng.bernoulli(b.loan_share);
    // Repayment reliability correlates with wealth (SPEC §2: "wealth with repayment").
    // exp(−e·z − e²/2) has mean 1, so miss_prob stays the population mean (before the cap).
    const double e = b.miss_wealth_elasticity;
    const double miss = spread(b.miss_prob, h, rng.normal()) * std::exp(-e * zw - 0.5 * e * e);
    p.miss_prob[i] = static_cast<float>(std::min(0.95, miss));
    p.rate_baby[i] = spread(p.parent[i] ? b.rate_baby_parent : b.rate_baby_other, h, rng.normal());
    p.rate_games[i] = spread(b.rate_games, h, rng.normal());
    p.rate_domestic[i] = spread(b.rate_domestic, h, rng.normal());
    const double el = b.luxury_wealth_elasticity;  // the rich buy more luxury; mean-preserving
    p.rate_luxury[i] = spread(b.rate_luxury * std::exp(el * zw - 0.5 * el * el), h, rng.normal());
    const double ps = std::clamp(b.platform_share, 1e-6, 1.0 - 1e-6);
    p.platform_share[i] = static_cast<float>(logistic(logit(ps) + h * rng.normal()));
    const bool gamer = rng.bernoulli(b.gamer_share);
    const double zg = rng.normal();
    p.gaming_hours[i] = gamer ? spread(b.gaming_hours, h, zg) : 0.0f;
    p.dissent[i] = spread(b.unapproved_post_rate, b.dissent_sigma, rng.normal());
    p.embarrassing[i] = spread(b.embarrassing_post_rate, b.dissent_sigma, rng.normal());
    // Propensities for the event catalog (appended to the draw order).
    const double zm = rng.normal();
    const double rc = b.civic_misconduct_corr;
    const double zc = rc * zm + std::sqrt(1.0 - rc * rc) * rng.normal();
    p.misconduct[i] = spread(1.0, b.misconduct_sigma, zm);
    p.civic[i] = spread(1.0, b.civic_sigma, zc);
    p.wealth_z[i] = static_cast<float>(zw);
    p.scrutinised[i] = rng.bernoulli(s.scrutinised_share);
  });

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
  p.legal_rep.assign(n, 0);
  for (NodeId rep : biz.legal_representative)
    if (rep != kNoNode) p.legal_rep[rep] = 1;
  return soc;
}

}  // namespace credsim
