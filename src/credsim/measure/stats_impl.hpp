// Template definitions for stats.hpp (included at its end): the counting and streaming kernels
// that read a column through an accessor instead of a gathered copy.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "credsim/core/parallel.hpp"

namespace credsim::measure {
namespace detail {

// Σ fn(i) over the i < n with keep(i), with exactly the additions of deterministic_sum over the
// kept values gathered in index order: the same fixed blocks of kReduceBlock kept values, each
// summed in order, the block sums added in block order. Found without the gathered copy: a
// count of kept values per chunk of indices locates where each block starts.
template <class T, class Keep, class Fn>
T filtered_sum(std::size_t n, Keep keep, Fn fn) {
  const std::size_t nc = (n + kReduceBlock - 1) / kReduceBlock;
  std::vector<std::uint64_t> before(nc + 1, 0);  // kept values before chunk c
  parallel_for(nc, [&](std::size_t c) {
    const std::size_t hi = std::min(n, (c + 1) * kReduceBlock);
    std::uint64_t k = 0;
    for (std::size_t i = c * kReduceBlock; i < hi; ++i) k += keep(i) ? 1 : 0;
    before[c + 1] = k;
  });
  for (std::size_t c = 0; c < nc; ++c) before[c + 1] += before[c];
  const std::uint64_t total = before[nc];
  const std::size_t nb = static_cast<std::size_t>((total + kReduceBlock - 1) / kReduceBlock);
  std::vector<T> partial(nb, T{});
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t bi = 0; bi < static_cast<std::int64_t>(nb); ++bi) {
    const auto b = static_cast<std::uint64_t>(bi);
    const std::uint64_t first = b * kReduceBlock;  // the block's kept values: ranks [first, first + size)
    const std::uint64_t size = std::min<std::uint64_t>(kReduceBlock, total - first);
    // The chunk holding kept value number `first`, then that value's index.
    const std::size_t c = static_cast<std::size_t>(std::upper_bound(before.begin(), before.end(), first) - before.begin()) - 1;
    std::uint64_t skip = first - before[c];
    std::size_t i = c * kReduceBlock;
    for (; skip > 0 || !keep(i); ++i)
      if (keep(i)) --skip;
    T s{};
    for (std::uint64_t taken = 0; taken < size; ++i)
      if (keep(i)) s += fn(i), ++taken;
    partial[static_cast<std::size_t>(b)] = s;
  }
  T sum{};
  for (const T& p : partial) sum += p;
  return sum;
}

template <class Sum>
double mean_from(std::size_t n, Sum sum) {
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double dn = static_cast<double>(n);
  const double m0 = sum([](double v) { return v; }) / dn;
  if (!std::isfinite(m0)) return m0;
  const double r = sum([m0](double v) { return v - m0; });
  return m0 + r / dn;
}

}  // namespace detail

template <class Keep, class Get>
double mean_where(std::size_t n, Keep keep, Get get) {
  std::uint64_t kept = 0;
#pragma omp parallel for schedule(static) reduction(+ : kept)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) kept += keep(static_cast<std::size_t>(i)) ? 1 : 0;
  return detail::mean_from(static_cast<std::size_t>(kept), [&](auto f) {
    return detail::filtered_sum<double>(n, keep, [&](std::size_t i) { return f(static_cast<double>(get(i))); });
  });
}

template <class Get>
double mean_of(std::size_t n, Get get) {
  return detail::mean_from(n, [&](auto f) {
    return deterministic_sum<double>(n, [&](std::size_t i) { return f(static_cast<double>(get(i))); });
  });
}

template <class Get>
double stdev_of(std::size_t n, Get get) {
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double m = mean_of(n, get);
  const double s1 = deterministic_sum<double>(n, [&](std::size_t i) { return static_cast<double>(get(i)) - m; });
  const double s2 = deterministic_sum<double>(n, [&](std::size_t i) {
    const double d = static_cast<double>(get(i)) - m;
    return d * d;
  });
  const double var = (s2 - s1 * s1 / static_cast<double>(n)) / static_cast<double>(n);
  return std::sqrt(std::max(var, 0.0));
}

template <class Get>
bool count_integers(std::size_t n, Get get, ValueCounts& out, std::size_t max_range) {
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  int bad = 0;
  std::uint64_t cnt = 0;
#pragma omp parallel for schedule(static) reduction(min : lo) reduction(max : hi) reduction(| : bad) reduction(+ : cnt)
  for (std::int64_t ii = 0; ii < static_cast<std::int64_t>(n); ++ii) {
    const double v = static_cast<double>(get(static_cast<std::size_t>(ii)));
    if (std::isnan(v)) continue;
    if (!(std::fabs(v) < 0x1p62) || v != std::floor(v)) {
      bad = 1;
      continue;
    }
    const auto k = static_cast<std::int64_t>(v);
    lo = std::min(lo, k), hi = std::max(hi, k), ++cnt;
  }
  if (bad) return false;
  out.n = cnt;
  out.counts.clear();
  out.lo = 0;
  if (cnt == 0) return true;
  const auto range = static_cast<std::uint64_t>(hi - lo) + 1;
  if (range > max_range) return false;
  out.lo = lo;
  const auto R = static_cast<std::size_t>(range);
  out.counts.assign(R, 0);
  // One private count per thread, added at the end: integers, so exact for any thread count.
  const int nt = omp_get_max_threads();
  std::vector<std::vector<std::uint64_t>> local(static_cast<std::size_t>(nt));
#pragma omp parallel num_threads(nt)
  {
    std::vector<std::uint64_t>& h = local[static_cast<std::size_t>(omp_get_thread_num())];
    h.assign(R, 0);
#pragma omp for schedule(static)
    for (std::int64_t ii = 0; ii < static_cast<std::int64_t>(n); ++ii) {
      const double v = static_cast<double>(get(static_cast<std::size_t>(ii)));
      if (!std::isnan(v)) ++h[static_cast<std::size_t>(static_cast<std::int64_t>(v) - lo)];
    }
  }
  for (const auto& h : local)
    for (std::size_t k = 0; k < h.size(); ++k) out.counts[k] += h[k];
  return true;
}

// The walk behind spearman_counted: m kept elements, rank2(i) = the doubled average rank of a
// kept element i on the other side (an integer in [2, 2m]).
template <class Keep, class Rank2>
double spearman_ranked(const RankOrder& b, std::uint64_t m, Keep keep, Rank2 rank2) {
  __extension__ using I128 = __int128;  // GCC/Clang builtin; avoids a -Wpedantic warning
  const std::size_t N = b.order.size();
  if (m < 2) return std::numeric_limits<double>::quiet_NaN();
  const auto centre = static_cast<std::int64_t>(m + 1);
  // Kept elements before each block of positions of b's order.
  const std::size_t nb = (N + kReduceBlock - 1) / kReduceBlock;
  std::vector<std::uint64_t> before(nb + 1, 0);
  parallel_for(nb, [&](std::size_t blk) {
    const std::size_t hi = std::min(N, (blk + 1) * kReduceBlock);
    std::uint64_t k = 0;
    for (std::size_t j = blk * kReduceBlock; j < hi; ++j) k += keep(b.order[j]) ? 1 : 0;
    before[blk + 1] = k;
  });
  for (std::size_t k = 0; k < nb; ++k) before[k + 1] += before[k];
  // A tie group of b belongs to the block where it starts (and may run past its end). With x
  // and y the doubled centred ranks, Σxy = Σ_groups x·Σy since x is constant in a group.
  std::vector<I128> sxy(nb, 0), sxx(nb, 0), syy(nb, 0);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t bi = 0; bi < static_cast<std::int64_t>(nb); ++bi) {
    const auto blk = static_cast<std::size_t>(bi);
    const std::size_t lo = blk * kReduceBlock, hi = std::min(N, lo + kReduceBlock);
    std::uint64_t kept_before = before[blk];
    std::size_t j = lo;
    if (lo > 0)
      for (; j < hi && b.tie(j); ++j) kept_before += keep(b.order[j]) ? 1 : 0;
    I128 xy = 0, xx = 0, yy = 0;
    while (j < hi) {
      std::int64_t c = 0;
      I128 sy = 0;
      std::size_t e = j;
      do {
        const std::size_t i = b.order[e];
        if (keep(i)) {
          const std::int64_t y = static_cast<std::int64_t>(rank2(i)) - centre;
          ++c, sy += y, yy += static_cast<I128>(y) * y;
        }
        ++e;
      } while (e < N && b.tie(e));
      const std::int64_t x = 2 * static_cast<std::int64_t>(kept_before) + c + 1 - centre;
      xy += static_cast<I128>(x) * sy;
      xx += static_cast<I128>(x) * x * c;
      kept_before += static_cast<std::uint64_t>(c);
      j = e;
    }
    sxy[blk] = xy, sxx[blk] = xx, syy[blk] = yy;
  }
  I128 xy = 0, xx = 0, yy = 0;
  for (std::size_t k = 0; k < nb; ++k) xy += sxy[k], xx += sxx[k], yy += syy[k];
  // Doubled ranks: each sum is 4× the sum of products of centred ranks (exact division by 4).
  const double sab = static_cast<double>(xy) / 4, saa = static_cast<double>(yy) / 4, sbb = static_cast<double>(xx) / 4;
  if (saa == 0.0 || sbb == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

template <class Keep, class GetA>
double spearman_counted(const RankOrder& b, const ValueCounts& a, Keep keep, GetA get_a) {
  // Doubled average rank (1-based) of each value of a: 2·(values below) + count + 1.
  std::vector<std::uint64_t> rank2(a.counts.size());
  std::uint64_t below = 0;
  for (std::size_t v = 0; v < a.counts.size(); ++v) rank2[v] = 2 * below + a.counts[v] + 1, below += a.counts[v];
  return spearman_ranked(b, a.n, keep, [&](std::size_t i) {
    return rank2[static_cast<std::size_t>(static_cast<std::int64_t>(get_a(i)) - a.lo)];
  });
}

}  // namespace credsim::measure
