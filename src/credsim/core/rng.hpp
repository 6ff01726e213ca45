// Counter-based random numbers (Random123 Philox4x64-10). A draw is a pure function of
// (seed, replicate, tick, entity, stream, draw index): no shared sequential state, so results
// do not depend on thread count, scheduling or partitioning across ranks.
#pragma once
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace credsim {

// Streams: one per purpose, so adding draws to one mechanic never shifts another's numbers.
// Append new streams at the end; never renumber (that would change every existing result).
enum class Stream : std::uint32_t {
  kSocietyTraits = 1,
  kGraph = 2,
  kBusinessTraits = 3,
  kRepayment = 10,
  kPurchases = 11,
  kPlatform = 12,
  kGaming = 13,
  kPosts = 14,
  kDetection = 20,
  kEconomy = 30,
  kRareEvents = 40,     // entity = (event type << 40) | block
  kLedger = 41,         // detection, misattribution, notification, appeals of ledger records
  kFalseRecords = 42,   // entity = (event type << 40) | block
  kAppeals = 43,
  kReports = 44,        // rewarded reporting: entity = block of reporters
  kAgencyLists = 120,   // agency lists (reserved; the lists draw nothing yet)
  kCorporate = 121,     // corporate credit: entity = business, | 1<<40 political, | 2<<40 replacement, 3<<40 code key
  kCourtList = 100,         // court list: a judgment given a record (entity = ledger index)
  kCourtListTick = 101,     // court list: per judgment per tick (payment, listing, appeal)
  kCourtListPerson = 102,   // court list: restriction breaches; travel tries (entity | 1<<40)
  kCourtListBusiness = 103, // court list: business judgments
  kFico = 110,              // FICO-style: initial file (tick = kNoTick), hard inquiries per tick
  kPlatformRating = 111,    // platform ratings: base of named_stream(kPlatformRating, system name)
  kTrace = 130,             // explain: which persons --trace N follows (tick = kNoTick, entity 0)
  kExperimentDesign = 131,  // credsim sweep --lhs: entity = dimension (key = lhs seed, replicate 0)
  kAdaptTraits = 140,       // adaptation: responsiveness (tick = kNoTick, entity = person)
  kAdaptUnfriend = 141,     // adaptation: dropping friends (entity = block of kRareBlock persons)
  kAdaptNewTies = 142,      // adaptation: homophilous new ties (entity = block of kRareBlock persons)
  kAdaptLists = 143,        // adaptation: late appeals (base of named_stream(kAdaptLists, list name))
  // behave: every per-person draw of a tick from one Philox block (entity = person, block 0: ten
  // 25-bit uniforms at fixed positions; block 1 + slot: a slot's rare normal fallback). Replaces
  // kRepayment .. kPosts in behave (those values stay reserved).
  kBehaviour = 150,
};

// A stream of its own for one named system instance (e.g. each system's detection luck), from a
// fixed hash of the name (FNV-1a: stable across compilers and platforms, unlike std::hash).
inline Stream named_stream(Stream base, std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return static_cast<Stream>(static_cast<std::uint32_t>(base) | ((h & 0xFFFFFFu) << 8));
}

class Rng {
 public:
  using Philox = r123::Philox4x64;
  using Block = Philox::ctr_type;  // four 64-bit words

  // Block `index` of a stream alone (what next_u64 returns as words 4·index .. 4·index + 3).
  static Block block(std::uint64_t seed, std::uint64_t replicate, std::uint64_t tick, std::uint64_t entity,
                     Stream stream, std::uint64_t index = 0) {
    return Philox()(Philox::ctr_type{{entity, tick, static_cast<std::uint64_t>(stream) << 32, index}},
                    Philox::key_type{{seed, replicate}});
  }

  // tick may be kNoTick for draws outside the tick loop (society generation, graphs).
  static constexpr std::uint64_t kNoTick = ~std::uint64_t{0};

  Rng(std::uint64_t seed, std::uint64_t replicate, std::uint64_t tick, std::uint64_t entity,
      Stream stream)
      : key_{{seed, replicate}},
        ctr_{{entity, tick, static_cast<std::uint64_t>(stream) << 32, 0}} {}

  // Continues the stream at word k, as if k words had been drawn since construction (whatever
  // was drawn before): counter-based, so word k is word k % 4 of block k / 4. Lets a value drawn
  // at a fixed position of a stream be recomputed alone (derived traits, society/society.hpp).
  void seek(std::uint64_t k) {
    ctr_.v[3] = k / 4;
    used_ = 4;
    if (k % 4 != 0) {
      refill();
      used_ = static_cast<unsigned>(k % 4);
    }
  }
  // The number of words drawn so far (the position seek() goes to).
  std::uint64_t position() const { return ctr_.v[3] * 4 - (4 - used_); }

  // A uniformly distributed 64-bit word.
  std::uint64_t next_u64() {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }
  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for log().
  double uniform_pos() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  bool bernoulli(double p) { return uniform() < p; }
  // Uniform integer in [0, n) by Lemire's multiply-shift (bias < n / 2^64, negligible).
  std::uint64_t below(std::uint64_t n) {
    __extension__ using U128 = unsigned __int128;  // GCC/Clang builtin; avoids a -Wpedantic warning
    return static_cast<std::uint64_t>((static_cast<U128>(next_u64()) * n) >> 64);
  }
  double normal() {  // Box-Muller; one value per call keeps draw counts simple and fixed
    const double u1 = uniform_pos(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double exponential(double rate) { return -std::log(uniform_pos()) / rate; }
  // Poisson by inversion (small means, as in per-tick event counts) or normal approximation.
  std::uint32_t poisson(double mean) {
    if (mean <= 0.0) return 0;
    if (mean > 30.0) {
      const double x = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
      return x < 0.0 ? 0u : static_cast<std::uint32_t>(x);
    }
    const double l = std::exp(-mean);
    double p = uniform(), cdf = l, term = l;
    std::uint32_t k = 0;
    while (p > cdf && k < 1000) {
      ++k;
      term *= mean / k;
      cdf += term;
    }
    return k;
  }
  // Geometric number of failures before the first success, for skipping through rare events.
  std::uint64_t geometric_skip(double p) {
    if (p >= 1.0) return 0;
    return geometric_skip_log(std::log1p(-p));
  }
  // The same skip with log1p(-p) given (0 < p < 1): a loop skipping at one p computes it once.
  std::uint64_t geometric_skip_log(double log1p_minus_p) {
    const double g = std::floor(std::log(uniform_pos()) / log1p_minus_p);
    return g >= 1.8e19 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(g);
  }
  // The same for a probability used for many skips: log1p(-p) computed once (SkipRate), the
  // same draws and the same results as geometric_skip(p).
  struct SkipRate {
    explicit SkipRate(double p_) : p(p_), log1m(std::log1p(-p_)) {}
    double p, log1m;
  };
  std::uint64_t geometric_skip(const SkipRate& r) { return r.p >= 1.0 ? 0 : geometric_skip_log(r.log1m); }

 private:
  void refill() {
    block_ = Philox()(ctr_, key_);
    ctr_.v[3]++;
    used_ = 0;
  }
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type block_{};
  unsigned used_ = 4;
};

// Small primitives for drawing from given bits (one Philox block split into fixed fields).
namespace draw {

// Field k of width W bits of a block read as one 256-bit little-endian number: bit b is bit b % 64
// of word b / 64, field k is bits [W·k, W·k + W) (a field may straddle two words).
template <unsigned W>
inline std::uint64_t field(const Rng::Block& b, unsigned k) {
  static_assert(W >= 1 && W <= 32);
  const unsigned off = W * k, w = off / 64, s = off % 64;
  std::uint64_t v = b.v[w] >> s;
  if (s + W > 64) v |= b.v[w + 1] << (64 - s);
  return v & ((std::uint64_t{1} << W) - 1);
}

// The midpoint uniform of W given bits: (bits + 1/2) / 2^W, in (0, 1) (never 0: safe for log).
template <unsigned W>
inline double uniform_mid(std::uint64_t bits) {
  return (static_cast<double>(bits) + 0.5) * (1.0 / static_cast<double>(std::uint64_t{1} << W));
}

// Poisson(mean) by inversion of u (0 <= mean <= 30): the least k with u <= F(k), F summed from
// e^-mean upward. k = 0 without computing e^-mean when u <= 1 - mean (e^-mean >= 1 - mean), or,
// for mean <= 2, when u <= L5(mean) - 1e-12, L5 the Taylor sum of e^-mean to the fifth power (a
// sum of the alternating series stopped after a negative term: a lower bound for every mean >= 0);
// the margin exceeds L5's rounding error (< 1e-14 for mean <= 2) and exp's (< 1 ulp), so u is then
// below the computed e^-mean too and the result is the same k = 0.
inline std::uint32_t poisson_inv(double u, double mean) {
  if (!(mean > 0.0) || u <= 1.0 - mean) return 0;
  if (mean <= 2.0) {
    const double m = mean;
    const double l5 = 1.0 - m * (1.0 - m * (0.5 - m * (1.0 / 6.0 - m * (1.0 / 24.0 - m * (1.0 / 120.0)))));
    if (u <= l5 - 1e-12) return 0;
  }
  double term = std::exp(-mean), cdf = term;
  std::uint32_t k = 0;
  while (u > cdf && k < 1000) {
    ++k;
    term *= mean / k;
    cdf += term;
  }
  return k;
}

// q^n by squaring (exact same bits for the same inputs; no pow()).
inline double pow_int(double q, std::uint32_t n) {
  double r = 1.0;
  while (n) {
    if (n & 1u) r *= q;
    q *= q;
    n >>= 1;
  }
  return r;
}

// Binomial(n, p) by inversion of u (for n·min(p, 1-p) <= 30): counts the successes of probability
// r = min(p, 1 - p) from P(0) = (1 - r)^n upward; with p > 1/2, n minus that count.
inline std::uint32_t binomial_inv(double u, std::uint32_t n, double p) {
  if (n == 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return n;
  const bool flip = p > 0.5;
  const double r = flip ? 1.0 - p : p, q = 1.0 - r, odds = r / q;
  double term = pow_int(q, n), cdf = term;
  std::uint32_t k = 0;
  while (u > cdf && k < n) {
    term *= odds * static_cast<double>(n - k) / static_cast<double>(k + 1);
    ++k;
    cdf += term;
  }
  return flip ? n - k : k;
}

}  // namespace draw

}  // namespace credsim
