// Society generation: exact region sizes, per-person determinism, and the distributions asked for.
#include "credsim/society/society.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include "credsim/core/rng.hpp"
#include "credsim/measure/stats.hpp"

namespace credsim {
namespace {

TEST(RegionSizes, LargestRemainderSumsExactly) {
  EXPECT_EQ(region_sizes(10, {1, 1, 1}), (std::vector<NodeId>{4, 3, 3}));
  EXPECT_EQ(region_sizes(7, {2, 1}), (std::vector<NodeId>{5, 2}));  // 4.667, 2.333
  EXPECT_EQ(region_sizes(5, {0, 1}), (std::vector<NodeId>{0, 5}));
  const auto s = region_sizes(1000003, {3, 1, 4, 1, 5, 9, 2, 6});
  EXPECT_EQ(std::accumulate(s.begin(), s.end(), NodeId{0}), 1000003u);
}

// Rng::seek(k) continues the stream exactly where k draws would have left it, from any state.
TEST(Rng, SeekGoesToTheWordKDrawsReach) {
  for (std::uint64_t k = 0; k < 40; ++k) {
    Rng drawn(5, 1, Rng::kNoTick, 77, Stream::kSocietyTraits);
    for (std::uint64_t j = 0; j < k; ++j) drawn.next_u64();
    EXPECT_EQ(drawn.position(), k);
    Rng sought(5, 1, Rng::kNoTick, 77, Stream::kSocietyTraits);
    for (std::uint64_t j = 0; j < (k * 7) % 11; ++j) sought.next_u64();  // anywhere before
    sought.seek(k);
    EXPECT_EQ(sought.position(), k);
    for (int j = 0; j < 9; ++j) ASSERT_EQ(sought.next_u64(), drawn.next_u64()) << "k " << k << " j " << j;
  }
}

// The generation code written out again (the draw order of SPEC §2): a test-only reference the
// stored traits must equal. The values of the 16-bit columns (core/uf16.hpp) are drawn in double
// and stored rounded once; wealth_z is stored as round(z · 2048) / 2048.
struct ReferenceTraits {
  double initial_wealth, income, miss_prob, rate_baby, rate_games, rate_domestic, rate_luxury, platform_share,
      gaming_hours, dissent, embarrassing;
  double misconduct, civic, wealth_z;
  std::uint8_t education, age_band, stable_job, parent, consent, has_loan, scrutinised;
};
template <std::size_t K>
std::uint8_t reference_category(Rng& rng, const std::array<double, K>& shares) {
  const double total = std::accumulate(shares.begin(), shares.end(), 0.0);
  double u = rng.uniform() * total;
  for (std::size_t k = 0; k + 1 < K; ++k) {
    if (u < shares[k]) return static_cast<std::uint8_t>(k);
    u -= shares[k];
  }
  return static_cast<std::uint8_t>(K - 1);
}
double reference_spread_exact(double mean, double sigma, double z) {
  return mean * std::exp(sigma * z - 0.5 * sigma * sigma);
}
ReferenceTraits reference_traits(const SocietySpec& s, const BehaviourSpec& b, std::uint64_t seed,
                                 std::uint64_t rep, NodeId i) {
  ReferenceTraits t{};
  Rng rng(seed, rep, Rng::kNoTick, i, Stream::kSocietyTraits);
  const double rho = s.wealth_income_corr, h = b.heterogeneity;
  const double zw = rng.normal();
  const double zi = rho * zw + std::sqrt(1.0 - rho * rho) * rng.normal();
  t.initial_wealth = s.wealth_median * std::exp(s.wealth_sigma * zw);
  t.income = s.income_median * std::exp(s.income_sigma * zi);
  t.education = reference_category(rng, s.education_shares);
  t.age_band = reference_category(rng, s.age_shares);
  t.stable_job = rng.bernoulli(s.stable_job_share);
  t.parent = rng.bernoulli(s.parent_share);
  std::uint8_t c = 0;
  if (rng.bernoulli(s.consent_shopping)) c |= kConsentShopping;
  if (rng.bernoulli(s.consent_gaming)) c |= kConsentGaming;
  if (rng.bernoulli(s.consent_social)) c |= kConsentSocial;
  t.consent = c;
  t.has_loan = rng.bernoulli(b.loan_share);
  const double e = b.miss_wealth_elasticity;
  t.miss_prob = std::min(0.95, reference_spread_exact(b.miss_prob, h, rng.normal()) * std::exp(-e * zw - 0.5 * e * e));
  t.rate_baby = reference_spread_exact(t.parent ? b.rate_baby_parent : b.rate_baby_other, h, rng.normal());
  t.rate_games = reference_spread_exact(b.rate_games, h, rng.normal());
  t.rate_domestic = reference_spread_exact(b.rate_domestic, h, rng.normal());
  const double el = b.luxury_wealth_elasticity;
  t.rate_luxury = reference_spread_exact(b.rate_luxury * std::exp(el * zw - 0.5 * el * el), h, rng.normal());
  const double ps = std::clamp(b.platform_share, 1e-6, 1.0 - 1e-6);
  t.platform_share = 1.0 / (1.0 + std::exp(-(std::log(ps / (1.0 - ps)) + h * rng.normal())));
  const bool gamer = rng.bernoulli(b.gamer_share);
  const double zg = rng.normal();
  t.gaming_hours = gamer ? reference_spread_exact(b.gaming_hours, h, zg) : 0.0;
  t.dissent = reference_spread_exact(b.unapproved_post_rate, b.dissent_sigma, rng.normal());
  t.embarrassing = reference_spread_exact(b.embarrassing_post_rate, b.dissent_sigma, rng.normal());
  const double zm = rng.normal();
  const double rc = b.civic_misconduct_corr;
  const double zc = rc * zm + std::sqrt(1.0 - rc * rc) * rng.normal();
  t.misconduct = reference_spread_exact(1.0, b.misconduct_sigma, zm);
  t.civic = reference_spread_exact(1.0, b.civic_sigma, zc);
  t.wealth_z = zw;
  t.scrutinised = rng.bernoulli(s.scrutinised_share);
  return t;
}

template <class T>
std::uint32_t bits(T x) {
  if constexpr (sizeof(T) == 4) return std::bit_cast<std::uint32_t>(x);
  else return x;
}

// Every stored trait equals the reference generation, rounded once as documented, bit for bit
// (3000 persons, two parameter sets with correlation and spreads off their defaults).
TEST(Society, StoredTraitsEqualTheReferenceBitForBit) {
  SocietySpec s;
  s.region_weights = {1, 2, 1};
  BehaviourSpec b;
  for (int variant = 0; variant < 2; ++variant) {
    if (variant == 1) {
      b.civic_misconduct_corr = -0.35;
      b.misconduct_sigma = 1.3;
      b.civic_sigma = 0.45;
      s.consent_gaming = 0.5;
    }
    const NodeId n = 3000;
    const Society soc = generate_society(n, s, b, 21, 2);
    const Persons& p = soc.persons;
    for (NodeId i = 0; i < n; ++i) {
      const ReferenceTraits r = reference_traits(s, b, 21, 2, i);
      const EventTraits e = p.event_traits(i);
      ASSERT_EQ(bits(e.misconduct), bits(p.misconduct(i))) << i;
      ASSERT_EQ(bits(e.civic), bits(p.civic(i))) << i;
      ASSERT_EQ(bits(e.wealth_z), bits(p.wealth_z(i))) << i;
      // wealth_z: the nearest multiple of 1/2048 (|z| < 16, so no clamping), exactly.
      ASSERT_EQ(bits(p.wealth_z(i)), bits(static_cast<float>(std::nearbyint(r.wealth_z * 2048.0) / 2048.0))) << i;
      ASSERT_LE(std::abs(p.wealth_z(i) - r.wealth_z), 0x1p-12) << i;
      // Each 16-bit column holds its draw rounded once (to nearest, ties to even), within 2^-11.
      const std::pair<const Uf16Column*, double> stored[] = {
          {&p.initial_wealth, r.initial_wealth}, {&p.income, r.income},         {&p.miss_prob, r.miss_prob},
          {&p.rate_baby, r.rate_baby},           {&p.rate_games, r.rate_games}, {&p.rate_domestic, r.rate_domestic},
          {&p.rate_luxury, r.rate_luxury},       {&p.platform_share, r.platform_share},
          {&p.gaming_hours, r.gaming_hours},     {&p.dissent, r.dissent},       {&p.embarrassing, r.embarrassing},
          {&p.misconduct_mult, r.misconduct},    {&p.civic_mult, r.civic}};
      for (std::size_t k = 0; k < std::size(stored); ++k) {
        const auto& [col, drawn] = stored[k];
        ASSERT_EQ(bits((*col)[i]), bits(uf16::decode(uf16::encode(drawn).value()))) << i << " column " << k;
        ASSERT_LE(std::abs((*col)[i] - drawn), drawn >= 0x1p-32 ? 0x1p-11 * drawn : 0x1p-43) << i << " column " << k;
      }
      // Wealth starts at the stored (rounded) initial wealth, exactly.
      ASSERT_EQ(p.wealth[i], static_cast<double>(p.initial_wealth[i])) << i;
      ASSERT_EQ(p.education(i), r.education) << i;
      ASSERT_EQ(p.age_band(i), r.age_band) << i;
      ASSERT_EQ(p.stable_job(i), r.stable_job) << i;
      ASSERT_EQ(p.parent(i), r.parent) << i;
      ASSERT_EQ(p.consent(i), r.consent) << i;
      ASSERT_EQ(p.has_loan(i), r.has_loan) << i;
      ASSERT_EQ(p.scrutinised(i), r.scrutinised) << i;
    }
  }
  // Persons built by hand (not generated): neutral propensities.
  Persons hand;
  hand.region.assign(3, 0);
  EXPECT_EQ(hand.misconduct(1), 1.0f);
  EXPECT_EQ(hand.civic(1), 1.0f);
  EXPECT_EQ(hand.wealth_z(1), 0.0f);
}

// Every legal value of every packed trait reads back as written, whatever the other fields hold
// (all values of each field set on top of random words), and only its own bits change.
TEST(Persons, PackedTraitsRoundTripEveryLegalValue) {
  Persons p;
  const std::size_t n = 64;
  p.region.assign(n, 0);
  p.traits.assign(n, 0);
  struct Field {
    void (Persons::*set)(std::size_t, unsigned);
    std::uint8_t (Persons::*get)(std::size_t) const;
    unsigned max;
  };
  const Field fields[] = {{&Persons::set_education, &Persons::education, 3},
                          {&Persons::set_age_band, &Persons::age_band, 4},
                          {&Persons::set_stable_job, &Persons::stable_job, 1},
                          {&Persons::set_parent, &Persons::parent, 1},
                          {&Persons::set_consent, &Persons::consent, 7},
                          {&Persons::set_has_loan, &Persons::has_loan, 1},
                          {&Persons::set_scrutinised, &Persons::scrutinised, 1},
                          {&Persons::set_legal_rep, &Persons::legal_rep, 1}};
  Rng rng(1, 0, Rng::kNoTick, 0, Stream::kSocietyTraits);
  for (std::size_t i = 0; i < n; ++i) {
    // A random legal value in every field.
    std::uint8_t want[8];
    for (std::size_t f = 0; f < 8; ++f) {
      want[f] = static_cast<std::uint8_t>(rng.below(fields[f].max + 1));
      (p.*fields[f].set)(i, want[f]);
    }
    for (std::size_t f = 0; f < 8; ++f) {
      for (unsigned v = 0; v <= fields[f].max; ++v) {
        (p.*fields[f].set)(i, v);
        want[f] = static_cast<std::uint8_t>(v);
        for (std::size_t g = 0; g < 8; ++g) ASSERT_EQ((p.*fields[g].get)(i), want[g]) << "person " << i << " field " << f << " value " << v << " read " << g;
      }
    }
    EXPECT_LT(p.traits[i], 1u << 13);  // 13 bits used
  }
  // Neighbours untouched: person 0's word does not change when person 1's fields do.
  const std::uint16_t w0 = p.traits[0];
  for (std::size_t f = 0; f < 8; ++f) (p.*fields[f].set)(1, fields[f].max);
  EXPECT_EQ(p.traits[0], w0);
}

// A draw the 16-bit columns cannot hold (above ≈ 2.146e9) is an InputError naming the scenario
// keys it comes from and the lowest such person, the same for any thread count.
TEST(Society, UnrepresentableDrawIsAnInputErrorNamingItsKeys) {
  BehaviourSpec b;
  auto message = [&](const SocietySpec& s, int threads) {
    omp_set_num_threads(threads);
    try {
      generate_society(4000, s, b, 9, 0);
    } catch (const InputError& e) {
      omp_set_num_threads(2);
      return std::pair<std::string, std::string>(e.key(), e.what());
    }
    omp_set_num_threads(2);
    return std::pair<std::string, std::string>();
  };
  SocietySpec s;
  s.income_median = 1e9;  // half the persons draw more than 1e9 yuan a week; about a fifth more than 2.146e9
  s.income_sigma = 1.0;
  const auto [key, what] = message(s, 2);
  EXPECT_EQ(key, "society.income_median / society.income_sigma");
  EXPECT_NE(what.find("income"), std::string::npos) << what;
  EXPECT_NE(what.find("2.14644e+09"), std::string::npos) << what;  // the largest storable value
  EXPECT_NE(what.find("Fix: lower"), std::string::npos) << what;
  EXPECT_EQ(message(s, 1).second, what);  // the lowest person, whatever the threads
  SocietySpec w;
  w.wealth_median = 1e12;
  EXPECT_EQ(message(w, 2).first, "society.wealth_median / society.wealth_sigma");
  SocietySpec ok;
  ok.income_median = 1e6;  // large but storable
  EXPECT_EQ(message(ok, 2).first, "");
}

// Persons::memory_bytes is the columns' bytes exactly: 40 B a person (2 + 2 + 13 × 2 + 2 + 8).
TEST(Society, MemoryBytesAreTheColumnsBytes) {
  const Society soc = generate_society(1234, SocietySpec{}, BehaviourSpec{}, 9, 0);
  const Persons& p = soc.persons;
  std::size_t bytes = p.region.size() * sizeof(p.region[0]) + p.traits.size() * sizeof(p.traits[0]) +
                      p.wealth.size() * sizeof(p.wealth[0]) + p.wealth_z_codes.size() * sizeof(p.wealth_z_codes[0]);
  EXPECT_EQ(p.wealth_z_codes.size(), 1234u);
  for (const Uf16Column* c : {&p.income, &p.initial_wealth, &p.miss_prob, &p.rate_baby, &p.rate_games, &p.rate_domestic,
                              &p.rate_luxury, &p.platform_share, &p.gaming_hours, &p.dissent, &p.embarrassing,
                              &p.misconduct_mult, &p.civic_mult}) {
    EXPECT_EQ(c->size(), 1234u);
    bytes += c->memory_bytes();
  }
  EXPECT_EQ(p.memory_bytes(), bytes);
  EXPECT_EQ(p.memory_bytes(), 1234u * 40);
}

TEST(Society, SameForAnyThreadCountAndPrefixStable) {
  SocietySpec s;
  s.region_weights = {1, 2};
  BehaviourSpec b;
  omp_set_num_threads(1);
  const Society a = generate_society(5000, s, b, 9, 0);
  omp_set_num_threads(2);
  const Society c = generate_society(5000, s, b, 9, 0);
  EXPECT_EQ(a.persons.wealth, c.persons.wealth);
  EXPECT_EQ(a.persons.dissent, c.persons.dissent);
  EXPECT_EQ(a.persons.traits, c.persons.traits);
  // A person's traits depend on their id, not on the population size.
  const Society big = generate_society(8000, s, b, 9, 0);
  for (NodeId i = 0; i < 5000; i += 97) EXPECT_EQ(a.persons.income[i], big.persons.income[i]);
  const Society other = generate_society(5000, s, b, 10, 0);
  EXPECT_NE(a.persons.wealth, other.persons.wealth);
}

TEST(Society, DistributionsFollowTheSpec) {
  SocietySpec s;
  s.region_weights = {1, 1, 2};
  s.wealth_median = 50000;
  s.wealth_sigma = 1.0;
  BehaviourSpec b;
  const NodeId n = 200000;
  const Society soc = generate_society(n, s, b, 3, 0);
  const Persons& p = soc.persons;
  // Regions are contiguous blocks of the right sizes.
  EXPECT_EQ(soc.region_start, (std::vector<NodeId>{0, 50000, 100000, 200000}));
  EXPECT_EQ(p.region[49999], 0);
  EXPECT_EQ(p.region[50000], 1);
  EXPECT_EQ(p.region[199999], 2);
  // Lognormal wealth: the median is wealth_median (within sampling error).
  std::vector<double> w(p.initial_wealth.begin(), p.initial_wealth.end());
  const double half[] = {0.5};
  EXPECT_NEAR(measure::quantiles(w, half)[0] / 50000, 1.0, 0.02);
  // Mean-preserving spread of personal rates.
  std::vector<double> dom(p.rate_domestic.begin(), p.rate_domestic.end());
  EXPECT_NEAR(measure::mean(dom), b.rate_domestic, 0.02);
  // Shares.
  double parents = 0, loans = 0, shop = 0;
  for (NodeId i = 0; i < n; ++i) {
    parents += p.parent(i);
    loans += p.has_loan(i);
    shop += (p.consent(i) & kConsentShopping) != 0;
  }
  EXPECT_NEAR(parents / n, s.parent_share, 0.005);
  EXPECT_NEAR(loans / n, b.loan_share, 0.005);
  EXPECT_NEAR(shop / n, s.consent_shopping, 0.005);
  // Income correlates with wealth, and poorer persons miss more instalments (SPEC §2).
  std::vector<double> inc(p.income.begin(), p.income.end()), miss(p.miss_prob.begin(), p.miss_prob.end());
  EXPECT_GT(measure::spearman(w, inc), 0.4);
  EXPECT_LT(measure::spearman(w, miss), -0.2);
  // Wealth starts where initial wealth is.
  for (NodeId i = 0; i < n; i += 1013) EXPECT_EQ(p.wealth[i], p.initial_wealth[i]);
  // Non-parents rarely buy baby goods.
  double baby_parent = 0, baby_other = 0, np = 0;
  for (NodeId i = 0; i < n; ++i) (p.parent(i) ? baby_parent : baby_other) += p.rate_baby[i], np += p.parent(i);
  EXPECT_NEAR(baby_parent / np, b.rate_baby_parent, 0.02);
  EXPECT_NEAR(baby_other / (n - np), b.rate_baby_other, 0.002);
}

TEST(Society, BusinessesHaveRepresentativesInTheSociety) {
  SocietySpec s;
  s.businesses = 500;
  const Society soc = generate_society(1000, s, BehaviourSpec{}, 1, 0);
  ASSERT_EQ(soc.businesses.size_rows(), 500u);
  for (std::size_t j = 0; j < 500; ++j) {
    ASSERT_LT(soc.businesses.legal_representative[j], 1000u);
    EXPECT_EQ(soc.businesses.region[j], soc.persons.region[soc.businesses.legal_representative[j]]);
    EXPECT_GE(soc.businesses.size[j], 1.0f);
  }
}

}  // namespace
}  // namespace credsim
