// Template definitions for stats.hpp (included at its end): the counting and streaming kernels
// that read a column through an accessor instead of a gathered copy.
#pragma once
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
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


// Maps a double to an unsigned integer with the same order (−0.0 read as +0.0; NaN excluded):
// flip all bits of negatives, set the sign bit of non-negatives.
inline std::uint64_t order_bits(double v) {
  const auto u = std::bit_cast<std::uint64_t>(v + 0.0);
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  return (u & kSign) != 0 ? ~u : (u | kSign);
}

inline double from_order_bits(std::uint64_t k) {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  return std::bit_cast<double>((k & kSign) != 0 ? (k & ~kSign) : ~k);
}

// Radix select: the elements of the given ranks (0-based, each < n) in the strict order by
// (key(i), i), without sorting or copying. Six passes over the keys, 11 bits each, narrow each
// target's key from the top: a pass histograms the next digit of the elements whose higher
// bits equal some target's (at most one histogram per distinct target prefix); a last pass
// over fixed blocks finds, for a key shared by several elements, the index of the wanted one.
// O(n) with a few streaming passes; integer counts only, so the same for any thread count.
struct Selected {
  std::uint64_t key;
  std::uint64_t idx;
};
template <class KeyFn>
inline std::vector<Selected> select_ranks(std::size_t n, KeyFn key, const std::vector<std::uint64_t>& ranks, bool with_index) {
  const std::size_t T = ranks.size();
  std::vector<std::uint64_t> prefix(T, 0), rest(ranks);
  constexpr unsigned kDigit = 11;  // 6 passes; a histogram per prefix (2048 counters) stays in cache
  const int nt = omp_get_max_threads();
  for (unsigned consumed = 0; consumed < 64;) {
    const unsigned width = std::min(kDigit, 64 - consumed), shift = 64 - consumed - width;
    const std::size_t kBins = std::size_t{1} << width;
    std::vector<std::uint64_t> P(prefix);  // distinct prefixes: the top `consumed` bits
    std::sort(P.begin(), P.end());
    P.erase(std::unique(P.begin(), P.end()), P.end());
    const std::size_t np = P.size();
    std::vector<std::vector<std::uint64_t>> local(static_cast<std::size_t>(nt));
#pragma omp parallel num_threads(nt)
    {
      std::vector<std::uint64_t>& h = local[static_cast<std::size_t>(omp_get_thread_num())];
      h.assign(np * kBins, 0);
#pragma omp for schedule(static)
      for (std::int64_t ii = 0; ii < static_cast<std::int64_t>(n); ++ii) {
        const std::uint64_t k = key(static_cast<std::size_t>(ii));
        std::size_t slot = 0;
        if (consumed > 0) {
          const std::uint64_t pre = k >> (shift + width);
          while (slot < np && P[slot] != pre) ++slot;
        }
        if (slot < np) ++h[slot * kBins + ((k >> shift) & (kBins - 1))];
      }
    }
    std::vector<std::uint64_t> hist(np * kBins, 0);
    for (const auto& h : local)
      for (std::size_t k = 0; k < hist.size(); ++k) hist[k] += h[k];
    bool all_unique = true;  // every target's prefix now shared by no other element
    for (std::size_t t = 0; t < T; ++t) {
      const std::size_t slot = static_cast<std::size_t>(std::lower_bound(P.begin(), P.end(), prefix[t]) - P.begin());
      const std::uint64_t* c = &hist[slot * kBins];
      std::size_t d = 0;
      while (rest[t] >= c[d]) rest[t] -= c[d], ++d;  // rest[t] < the prefix's count: stops in range
      prefix[t] = (prefix[t] << width) | d;
      all_unique &= c[d] == 1;
    }
    consumed += width;
    if (all_unique && consumed < 64) {
      // Distinct values (wealth, mostly) settle after two or three digits: one pass reads each
      // target's only element, key and index, instead of the remaining digits.
      std::vector<Selected> out(T);
      const unsigned drop = 64 - consumed;
      parallel_for(n, [&](std::size_t i) {
        const std::uint64_t k = key(i), pre = k >> drop;
        for (std::size_t t = 0; t < T; ++t)
          if (prefix[t] == pre) out[t] = {k, i};  // one element has this prefix: one writer
      });
      return out;
    }
  }
  std::vector<Selected> out(T);
  for (std::size_t t = 0; t < T; ++t) out[t] = {prefix[t], 0};
  if (!with_index) return out;
  // The rest[t]-th element (in index order) among those whose key is prefix[t].
  std::vector<std::uint64_t> K(prefix);
  std::sort(K.begin(), K.end());
  K.erase(std::unique(K.begin(), K.end()), K.end());
  const std::size_t nk = K.size(), nb = (n + kReduceBlock - 1) / kReduceBlock;
  std::vector<std::uint64_t> cnt(nb * nk, 0);
  parallel_for(nb, [&](std::size_t b) {
    const std::size_t hi = std::min(n, (b + 1) * kReduceBlock);
    for (std::size_t i = b * kReduceBlock; i < hi; ++i) {
      const std::uint64_t k = key(i);
      for (std::size_t s = 0; s < nk; ++s)
        if (K[s] == k) ++cnt[b * nk + s];
    }
  });
  for (std::size_t t = 0; t < T; ++t) {
    const std::size_t s = static_cast<std::size_t>(std::lower_bound(K.begin(), K.end(), prefix[t]) - K.begin());
    std::uint64_t r = rest[t];
    std::size_t b = 0;
    while (r >= cnt[b * nk + s]) r -= cnt[b * nk + s], ++b;
    for (std::size_t i = b * kReduceBlock;; ++i)
      if (key(i) == prefix[t] && r-- == 0) {
        out[t].idx = i;
        break;
      }
  }
  return out;
}

// The order statistics the quantiles of `probs` read among n values (quantiles_of_sorted's rule:
// position floor((n − 1)·p) and the one after it), sorted and without repeats. Probabilities
// outside [0, 1] are asserted against and read nothing.
inline std::vector<std::uint64_t> quantile_ranks(std::size_t n, std::span<const double> probs) {
  std::vector<std::uint64_t> ranks;
  for (const double p : probs) {
    assert(p >= 0.0 && p <= 1.0);
    if (!(p >= 0.0 && p <= 1.0)) continue;
    const std::size_t lo = std::min(static_cast<std::size_t>(std::floor(static_cast<double>(n - 1) * p)), n - 1);
    ranks.push_back(lo);
    if (lo + 1 < n) ranks.push_back(lo + 1);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  return ranks;
}

// The quantiles of `probs` among n values from their order statistics: `at(r)` is the value of
// rank r (for every rank quantile_ranks gives); linear interpolation between neighbours, NaN for
// a probability outside [0, 1].
template <class At>
std::vector<double> interpolate_quantiles(std::size_t n, std::span<const double> probs, At at) {
  std::vector<double> out(probs.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < probs.size(); ++k) {
    const double p = probs[k];
    if (!(p >= 0.0 && p <= 1.0)) continue;
    const double h = static_cast<double>(n - 1) * p;
    const std::size_t lo = std::min(static_cast<std::size_t>(std::floor(h)), n - 1);
    const double frac = h - static_cast<double>(lo);
    out[k] = lo + 1 < n ? at(lo) + frac * (at(lo + 1) - at(lo)) : at(lo);
  }
  return out;
}

}  // namespace detail

template <class Keep>
std::vector<double> quantiles_where(std::span<const float> x, Keep keep, std::span<const double> probs) {
  using detail::from_order_bits;
  using detail::order_bits;
  const std::size_t N = x.size();
  std::uint64_t kept = 0;
#pragma omp parallel for schedule(static) reduction(+ : kept)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(N); ++i) kept += keep(static_cast<std::size_t>(i)) ? 1 : 0;
  if (kept == 0) return std::vector<double>(probs.size(), std::numeric_limits<double>::quiet_NaN());
  const std::size_t n = static_cast<std::size_t>(kept);
  // As quantiles(): the two order statistics each probability needs, among the kept values
  // (the others get the largest key, so ranks below `kept` are kept values).
  const std::vector<std::uint64_t> ranks = detail::quantile_ranks(n, probs);
  const auto sel = detail::select_ranks(
      N, [&](std::size_t i) { return keep(i) ? order_bits(static_cast<double>(x[i])) : ~std::uint64_t{0}; }, ranks, false);
  return detail::interpolate_quantiles(n, probs, [&](std::size_t r) {
    return from_order_bits(sel[static_cast<std::size_t>(std::lower_bound(ranks.begin(), ranks.end(), r) - ranks.begin())].key);
  });
}


template <class Mask>
DecileTally tally_by_decile(std::span<const std::uint8_t> decile, std::size_t flags, Mask mask) {
  assert(flags <= 64);
  constexpr std::size_t kD = 10;
  const std::size_t n = decile.size(), per = kD * (flags + 1);  // per thread: totals, then each flag's
  const std::vector<std::uint64_t> h = parallel_counts(n, per, [&](std::size_t i, std::uint64_t* c) {
    const std::size_t d = decile[i];
    assert(d < kD);
    ++c[d];
    for (std::uint64_t m = static_cast<std::uint64_t>(mask(i)); m; m &= m - 1)
      ++c[kD * (1 + static_cast<std::size_t>(std::countr_zero(m))) + d];
  });
  DecileTally out;
  out.flagged.assign(flags, {});
  for (std::size_t d = 0; d < kD; ++d) out.total[d] = h[d];
  for (std::size_t f = 0; f < flags; ++f)
    for (std::size_t d = 0; d < kD; ++d) out.flagged[f][d] = h[kD * (1 + f) + d];
  return out;
}

template <class Keep, class Get>
double mean_where(std::size_t n, Keep keep, Get get) {
  std::uint64_t kept = 0;
#pragma omp parallel for schedule(static) reduction(+ : kept)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) kept += keep(static_cast<std::size_t>(i)) ? 1 : 0;
  return detail::mean_from(static_cast<std::size_t>(kept), [&](auto f) {
    return detail::filtered_sum<double>(n, keep, [&](std::size_t i) { return f(static_cast<double>(get(i))); });
  });
}

template <class Keep, class Get>
double stdev_where(std::size_t n, Keep keep, Get get) {
  std::uint64_t kept = 0;
#pragma omp parallel for schedule(static) reduction(+ : kept)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) kept += keep(static_cast<std::size_t>(i)) ? 1 : 0;
  if (kept == 0) return std::numeric_limits<double>::quiet_NaN();
  const double dk = static_cast<double>(kept);
  const double m = mean_where(n, keep, get);
  const double s1 = detail::filtered_sum<double>(n, keep, [&](std::size_t i) { return static_cast<double>(get(i)) - m; });
  const double s2 = detail::filtered_sum<double>(n, keep, [&](std::size_t i) {
    const double d = static_cast<double>(get(i)) - m;
    return d * d;
  });
  const double var = (s2 - s1 * s1 / dk) / dk;
  return std::sqrt(std::max(var, 0.0));
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
MeanSd mean_and_stdev_of(std::size_t n, Get get) {
  if (n == 0) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  const double m = mean_of(n, get);
  const auto [s1, s2] = deterministic_sum2<double, double>(n, [&](std::size_t i, double& a, double& b) {
    const double d = static_cast<double>(get(i)) - m;
    a += d;
    b += d * d;
  });
  const double var = (s2 - s1 * s1 / static_cast<double>(n)) / static_cast<double>(n);
  return {m, std::sqrt(std::max(var, 0.0))};
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
  out.counts = parallel_counts(n, R, [&](std::size_t i, std::uint64_t* h) {
    const double v = static_cast<double>(get(i));
    if (!std::isnan(v)) ++h[static_cast<std::size_t>(static_cast<std::int64_t>(v) - lo)];
  });
  return true;
}

// The walk behind spearman_counted: m kept elements, rank2(i) = the doubled average rank of a
// kept element i on the other side (an integer in [2, 2m]).
template <class Keep, class Rank2, class Touch = NoTouch>
double spearman_ranked(const RankOrder& b, std::uint64_t m, Keep keep, Rank2 rank2, Touch touch = {}) {
  constexpr std::size_t kAhead = 16;  // elements of b's order ahead that touch() is called for
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
    for (std::size_t j = blk * kReduceBlock; j < hi; ++j) {
      if (j + kAhead < hi) touch(b.order[j + kAhead]);
      k += keep(b.order[j]) ? 1 : 0;
    }
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
        if (e + kAhead < N) touch(b.order[e + kAhead]);
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

template <class Keep, class GetA, class Touch>
double spearman_counted(const RankOrder& b, const ValueCounts& a, Keep keep, GetA get_a, Touch touch) {
  // Doubled average rank (1-based) of each value of a: 2·(values below) + count + 1.
  std::vector<std::uint64_t> rank2(a.counts.size());
  std::uint64_t below = 0;
  for (std::size_t v = 0; v < a.counts.size(); ++v) rank2[v] = 2 * below + a.counts[v] + 1, below += a.counts[v];
  return spearman_ranked(b, a.n, keep, [&](std::size_t i) {
    return rank2[static_cast<std::size_t>(static_cast<std::int64_t>(get_a(i)) - a.lo)];
  }, touch);
}

}  // namespace credsim::measure
