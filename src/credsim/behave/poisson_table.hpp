// Poisson counts by inversion for means that are a 16-bit float's value, from a table of the
// inversion's first steps per code.
//
// behave draws six Poisson counts per person and tick by inverting one uniform
// (draw::poisson_inv): quick tests for a zero, then e^-m and the cumulative sums F(0), F(1), ...
// until u <= F(k). Most means are a person's stored propensity (society: Uf16Column), one of
// 2^16 codes, and unchanged from tick to tick, so everything but u can be computed once per code:
// the threshold below which the count is 0 (the largest of poisson_inv's three tests for it) and
// F(1) .. F(7). A draw is then a comparison, or a count of the thresholds below u, and only counts
// above 7 continue the search (draw::poisson_inv_from) from the stored term. The thresholds are
// the same operations in the same order as poisson_inv's, so the counts are the same, bit for bit
// (tests/unit/behave: every code against poisson_inv at the uniforms around each threshold).
#pragma once

#include <cstdint>
#include <vector>

#include "credsim/behave/behaviour.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/core/uf16.hpp"

namespace credsim {

class PoissonTable {
 public:
  static constexpr unsigned kSteps = 8;  // F(0) .. F(7) per code (one 64-byte line)

  // The table for every code whose value is at most behave_layout::kInversionMax (built once,
  // on first use, ≈ 2.7 MB; codes are ordered by value, so these are the codes below a bound).
  static const PoissonTable& instance();

  // Whether draw() takes this code (its value is a mean poisson_inv inverts).
  bool covers(std::uint16_t code) const { return code < rows_.size(); }

  // draw::poisson_inv(u, uf16::decode(code)) for a covered code, the same count.
  std::uint32_t draw(double u, std::uint16_t code) const {
    const Row& r = rows_[code];
    if (u <= r.f[0]) return 0;  // f[0]: the zero threshold
    if (u <= r.f[kSteps - 1]) {
      std::uint32_t k = 1;  // the least k >= 1 with u <= F(k): F is non-decreasing
      for (unsigned j = 1; j + 1 < kSteps; ++j) k += u > r.f[j] ? 1u : 0u;
      return k;
    }
    return draw::poisson_inv_from(u, static_cast<double>(uf16::decode(code)), kSteps - 1, tail_term_[code],
                                  r.f[kSteps - 1]);
  }

  std::size_t memory_bytes() const { return rows_.size() * sizeof(Row) + tail_term_.size() * sizeof(double); }

 private:
  PoissonTable();
  struct alignas(64) Row {
    double f[kSteps];  // f[0]: largest u with count 0; f[k]: F(k), k = 1 .. 7
  };
  std::vector<Row> rows_;
  std::vector<double> tail_term_;  // P(7) as the search computed it
};

}  // namespace credsim
