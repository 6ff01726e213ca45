// The Poisson inversion table against draw::poisson_inv: the same count for every code it covers,
// at the uniforms on and next to each of its thresholds (where a wrong comparison or a threshold
// computed another way would show), at behave's own 25-bit uniforms, and past its eighth step.
#include "credsim/behave/poisson_table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "credsim/core/rng.hpp"
#include "credsim/core/uf16.hpp"

namespace credsim {
namespace {

TEST(PoissonTable, CoversExactlyTheCodesInvertedByPoissonInv) {
  const PoissonTable& t = PoissonTable::instance();
  std::uint32_t covered = 0;
  while (covered <= uf16::kMaxCode && t.covers(static_cast<std::uint16_t>(covered))) ++covered;
  ASSERT_GT(covered, 0u);
  ASSERT_LE(covered, uf16::kMaxCode);
  EXPECT_LE(uf16::decode(static_cast<std::uint16_t>(covered - 1)), behave_layout::kInversionMax);
  EXPECT_GT(uf16::decode(static_cast<std::uint16_t>(covered)), behave_layout::kInversionMax);
  for (std::uint32_t c = covered; c <= uf16::kMaxCode; c += 97) EXPECT_FALSE(t.covers(static_cast<std::uint16_t>(c)));
}

TEST(PoissonTable, SameCountsAsPoissonInvAroundEveryThreshold) {
  const PoissonTable& t = PoissonTable::instance();
  std::uint64_t checked = 0, positive = 0;
  for (std::uint32_t c = 0; c <= uf16::kMaxCode && t.covers(static_cast<std::uint16_t>(c)); ++c) {
    const auto code = static_cast<std::uint16_t>(c);
    const double m = static_cast<double>(uf16::decode(code));
    // poisson_inv's own thresholds: 1 − m, L5(m) − 1e-12, then F(0), F(1), ... as it sums them.
    std::vector<double> edges = {1.0 - m, draw::poisson_taylor_zero(m)};
    double term = std::exp(-m), cdf = term;
    edges.push_back(cdf);
    for (unsigned k = 1; k < 12; ++k) {
      term *= m / k;
      cdf += term;
      edges.push_back(cdf);
    }
    for (const double e : edges) {
      for (const double u : {std::nextafter(e, 0.0), e, std::nextafter(e, 1.0)}) {
        if (!(u > 0.0 && u < 1.0)) continue;
        const std::uint32_t want = draw::poisson_inv(u, m), got = t.draw(u, code);
        ASSERT_EQ(got, want) << "code " << c << " mean " << m << " u " << u;
        ++checked;
        positive += want > 0;
      }
    }
  }
  EXPECT_GT(checked, 500000u);
  EXPECT_GT(positive, checked / 3);  // the comparisons reach the counts above 0, not only zeros
}

TEST(PoissonTable, SameCountsAtBehavesUniformsAndInTheTail) {
  const PoissonTable& t = PoissonTable::instance();
  Rng rng(7, 0, 1, 0, Stream::kBehaviour);
  std::uint64_t beyond = 0;
  for (int i = 0; i < 400000; ++i) {
    const std::uint64_t bits = rng.next_u64();
    const double u = draw::uniform_mid<behave_layout::kBits>(bits & ((std::uint64_t{1} << behave_layout::kBits) - 1));
    // Means from 2^-20 to 30, codes spread over the covered range.
    const auto code = static_cast<std::uint16_t>((bits >> 32) % 40000);
    if (!t.covers(code)) continue;
    const std::uint32_t want = draw::poisson_inv(u, static_cast<double>(uf16::decode(code)));
    ASSERT_EQ(t.draw(u, code), want) << "code " << code << " u " << u;
    beyond += want > PoissonTable::kSteps - 1;
  }
  EXPECT_GT(beyond, 1000u);  // counts past the stored steps continue the search
}

}  // namespace
}  // namespace credsim
