// Draws from given bits (core/rng.hpp, namespace draw): the fields of a block by hand, the midpoint
// uniform's ends, Poisson and binomial inversion against exact CDF boundaries and against their pmfs
// over a fine grid of uniforms, and Rng::block against the stream's own words.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "credsim/core/rng.hpp"

namespace credsim {
namespace {

TEST(RngDraw, FieldsReadTheBlockAsOne256BitNumber) {
  Rng::Block b{{0, 0, 0, 0}};
  b.v[0] = 0x1FFFFFFull;  // bits 0..24: field 0 all ones, field 1 none
  EXPECT_EQ(draw::field<25>(b, 0), 0x1FFFFFFu);
  EXPECT_EQ(draw::field<25>(b, 1), 0u);
  b.v[0] = 0xFFFC000000000000ull;  // bits 50..63: the low 14 bits of field 2 (bits 50..74)
  EXPECT_EQ(draw::field<25>(b, 1), 0u);
  EXPECT_EQ(draw::field<25>(b, 2), 0x3FFFu);
  b.v[0] = 0;
  b.v[1] = 0x7FF;  // bits 64..74: the high 11 bits of field 2
  EXPECT_EQ(draw::field<25>(b, 2), 0x7FFu << 14);
  EXPECT_EQ(draw::field<25>(b, 3), 0u);  // field 3 = bits 75..99
  b.v[1] = 0;
  b.v[3] = 0x1FFFFFFull << 33;  // bits 225..249 = field 9
  EXPECT_EQ(draw::field<25>(b, 9), 0x1FFFFFFu);
  EXPECT_EQ(draw::field<25>(b, 8), 0u);
  b.v[3] = 0x5ull << 33;
  EXPECT_EQ(draw::field<25>(b, 9), 5u);
  // Field 5 = bits 125..149: 3 bits from word 1 (125..127), 22 from word 2 (128..149).
  b = Rng::Block{{0, 0xE000000000000000ull, 0x1, 0}};
  EXPECT_EQ(draw::field<25>(b, 5), 0x7u | (1u << 3));
}

TEST(RngDraw, MidpointUniformStaysInsideTheUnitInterval) {
  EXPECT_EQ(draw::uniform_mid<25>(0), 0x1.0p-26);
  EXPECT_EQ(draw::uniform_mid<25>((1u << 25) - 1), 1.0 - 0x1.0p-26);
  EXPECT_EQ(draw::uniform_mid<25>(1u << 24), 0.5 + 0x1.0p-26);
}

TEST(RngDraw, BlockIsTheStreamsWords) {
  Rng r(7, 2, 5, 123, Stream::kBehaviour);
  for (std::uint64_t blk = 0; blk < 3; ++blk) {
    const Rng::Block b = Rng::block(7, 2, 5, 123, Stream::kBehaviour, blk);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(r.next_u64(), b.v[w]) << blk << " " << w;
  }
  EXPECT_NE(Rng::block(7, 2, 5, 124, Stream::kBehaviour).v[0], Rng::block(7, 2, 5, 123, Stream::kBehaviour).v[0]);
}

TEST(RngDraw, PoissonInversionAtExactBoundaries) {
  const double e1 = std::exp(-1.0);
  EXPECT_EQ(draw::poisson_inv(e1 - 1e-12, 1.0), 0u);
  EXPECT_EQ(draw::poisson_inv(e1 + 1e-12, 1.0), 1u);
  EXPECT_EQ(draw::poisson_inv(2 * e1 - 1e-12, 1.0), 1u);
  EXPECT_EQ(draw::poisson_inv(2 * e1 + 1e-12, 1.0), 2u);
  EXPECT_EQ(draw::poisson_inv(2.5 * e1 + 1e-12, 1.0), 3u);  // F(2) = 2.5/e
  EXPECT_EQ(draw::poisson_inv(0.9, 0.1), 0u);              // the shortcut: u <= 1 - mean
  EXPECT_EQ(draw::poisson_inv(std::exp(-0.1) + 1e-12, 0.1), 1u);
  EXPECT_EQ(draw::poisson_inv(0.999, 0.0), 0u);
  EXPECT_EQ(draw::poisson_inv(0.999, -1.0), 0u);
}

// Over 2^16 midpoints the share of each k is the pmf within one grid step.
TEST(RngDraw, PoissonInversionFollowsThePmf) {
  for (double mean : {0.05, 0.7, 3.0, 12.5, 30.0}) {
    std::vector<double> count(200, 0);
    const int g = 1 << 16;
    for (int j = 0; j < g; ++j) count[draw::poisson_inv((j + 0.5) / g, mean)] += 1.0 / g;
    double pmf = std::exp(-mean);
    for (int k = 0; k < 120; ++k) {
      EXPECT_NEAR(count[k], pmf, 1.01 / g) << mean << " k=" << k;
      pmf *= mean / (k + 1);
    }
  }
}

TEST(RngDraw, BinomialInversionAtExactBoundaries) {
  EXPECT_EQ(draw::pow_int(0.5, 10), 1.0 / 1024);
  EXPECT_EQ(draw::pow_int(3.0, 0), 1.0);
  // n = 3, p = 1/2: F = 1/8, 1/2, 7/8, 1.
  EXPECT_EQ(draw::binomial_inv(0.12, 3, 0.5), 0u);
  EXPECT_EQ(draw::binomial_inv(0.13, 3, 0.5), 1u);
  EXPECT_EQ(draw::binomial_inv(0.49, 3, 0.5), 1u);
  EXPECT_EQ(draw::binomial_inv(0.51, 3, 0.5), 2u);
  EXPECT_EQ(draw::binomial_inv(0.88, 3, 0.5), 3u);
  // p = 3/4 counts failures (probability 1/4): P(0 failures) = 27/64, so u < 27/64 gives 3.
  EXPECT_EQ(draw::binomial_inv(27.0 / 64 - 1e-9, 3, 0.75), 3u);
  EXPECT_EQ(draw::binomial_inv(27.0 / 64 + 1e-9, 3, 0.75), 2u);
  EXPECT_EQ(draw::binomial_inv(0.5, 0, 0.3), 0u);
  EXPECT_EQ(draw::binomial_inv(0.5, 9, 0.0), 0u);
  EXPECT_EQ(draw::binomial_inv(0.5, 9, 1.0), 9u);
}

TEST(RngDraw, BinomialInversionFollowsThePmf) {
  for (const auto& [n, p] : std::vector<std::pair<unsigned, double>>{{1, 0.3}, {7, 0.3}, {7, 0.8}, {40, 0.5}, {200, 0.1}}) {
    const int g = 1 << 16;
    std::vector<double> count(n + 1, 0);
    for (int j = 0; j < g; ++j) {
      const unsigned k = draw::binomial_inv((j + 0.5) / g, n, p);
      ASSERT_LE(k, n);
      count[k] += 1.0 / g;
    }
    for (unsigned k = 0; k <= n; ++k) {
      const double pmf = std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                                  k * std::log(p) + (n - k) * std::log1p(-p));
      EXPECT_NEAR(count[k], pmf, 1.01 / g) << n << " " << p << " k=" << k;
    }
  }
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {
// geometric_skip_log(log1p(-p)) is geometric_skip(p), draw for draw (the rare-event sampler
// computes the logarithm once per block and type).
TEST(RngDraw, GeometricSkipWithTheLogGivenIsTheSame) {
  for (const double p : {1e-9, 3.7e-5, 0.01, 0.25, 0.5, 0.999999}) {
    Rng a(11, 2, 5, 77, Stream::kRareEvents), b(11, 2, 5, 77, Stream::kRareEvents);
    const double lq = std::log1p(-p);
    for (int k = 0; k < 2000; ++k) ASSERT_EQ(a.geometric_skip(p), b.geometric_skip_log(lq)) << p << " " << k;
    EXPECT_EQ(a.position(), b.position());
  }
}
}  // namespace
}  // namespace credsim

namespace credsim {
namespace {
// The inversion as it was before the L5 shortcut (only u <= 1 - mean skips e^-mean): poisson_inv
// must give the same count for every u and mean.
std::uint32_t poisson_inv_reference(double u, double mean) {
  if (!(mean > 0.0) || u <= 1.0 - mean) return 0;
  double term = std::exp(-mean), cdf = term;
  std::uint32_t k = 0;
  while (u > cdf && k < 1000) {
    ++k;
    term *= mean / k;
    cdf += term;
  }
  return k;
}

TEST(RngDraw, PoissonShortcutGivesTheReferenceCounts) {
  std::size_t zeros = 0;
  // Means across and beyond the shortcut's range (0, 2], each with a grid of 25-bit midpoint
  // uniforms and the uniforms right around e^-mean (the boundary between 0 and 1).
  for (int j = 1; j <= 3000; ++j) {
    const double mean = j * (2.5 / 3000);
    for (std::uint64_t x = 0; x < (std::uint64_t{1} << 25); x += 4099) {
      const double u = draw::uniform_mid<25>(x);
      const std::uint32_t k = draw::poisson_inv(u, mean);
      ASSERT_EQ(k, poisson_inv_reference(u, mean)) << mean << " " << u;
      zeros += k == 0;
    }
    const double e = std::exp(-mean);
    for (double d : {-1e-9, -1e-12, -1e-15, 0.0, 1e-16, 1e-12}) {
      const double u = e + d;
      ASSERT_EQ(draw::poisson_inv(u, mean), poisson_inv_reference(u, mean)) << mean << " " << d;
    }
  }
  EXPECT_GT(zeros, 1000u);
}
}  // namespace
}  // namespace credsim
