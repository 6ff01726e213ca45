// The Poisson inversion table (see poisson_table.hpp).
#include "credsim/behave/poisson_table.hpp"

#include <algorithm>
#include <cmath>

namespace credsim {

const PoissonTable& PoissonTable::instance() {
  static const PoissonTable table;  // thread-safe initialisation (C++11)
  return table;
}

PoissonTable::PoissonTable() {
  // Codes in value order: the covered ones are a prefix.
  std::uint32_t rows = 0;
  while (rows <= uf16::kMaxCode && static_cast<double>(uf16::decode(static_cast<std::uint16_t>(rows))) <= behave_layout::kInversionMax)
    ++rows;
  rows_.resize(rows);
  tail_term_.resize(rows);
  for (std::uint32_t c = 0; c < rows; ++c) {
    Row& r = rows_[c];
    const double m = static_cast<double>(uf16::decode(static_cast<std::uint16_t>(c)));
    if (!(m > 0.0)) {  // poisson_inv returns 0 for a zero mean, whatever u (< 1)
      std::fill(std::begin(r.f), std::end(r.f), 2.0);
      tail_term_[c] = 0.0;
      continue;
    }
    // poisson_inv's steps, in its order: 0 when u <= 1 − m, or (m <= 2) u <= L5(m) − 1e-12, or
    // u <= F(0) = e^-m; so 0 exactly when u <= the largest of the three.
    double term = std::exp(-m), cdf = term;
    double zero = std::max(1.0 - m, cdf);
    if (m <= 2.0) zero = std::max(zero, draw::poisson_taylor_zero(m));
    r.f[0] = zero;
    for (unsigned k = 1; k < kSteps; ++k) {
      term *= m / k;
      cdf += term;
      r.f[k] = cdf;
    }
    tail_term_[c] = term;
  }
}

}  // namespace credsim
