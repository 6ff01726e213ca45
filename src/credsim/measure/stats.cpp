// Statistics kernels (see stats.hpp). Floating-point sums go through deterministic_sum and sorting is a
// block-parallel stable radix sort whose output is fixed by the input alone: same bytes for any thread count.
#include "credsim/measure/stats.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>

#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"

namespace credsim::measure {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kDeciles = 10;

// Maps a double to an unsigned integer with the same order (−0.0 read as +0.0; NaN excluded):
// flip all bits of negatives, set the sign bit of non-negatives.
inline std::uint64_t order_bits(double v) {
  const auto u = std::bit_cast<std::uint64_t>(v + 0.0);
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  return (u & kSign) != 0 ? ~u : (u | kSign);
}

// Stable LSD radix sort by key(elem) (a uint64), 11 bits a pass: O(n), against O(n log n) for a
// comparison sort that takes tens of seconds at 1e8. Parallel over fixed blocks of the input;
// each block's destination for each digit is a prefix sum taken in (digit, block) order, so
// every element's place is fixed by n alone, never by the thread count. Stability makes the
// result the order by (key, input position). Passes whose digit is the same for every element
// (e.g. the high exponent bytes) are skipped.
template <class T, class KeyFn>
void radix_sort(std::vector<T>& v, KeyFn key) {
  const std::size_t n = v.size();
  if (n < 4096) {  // small: same permutation (stable by key), without the pass overhead
    std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
    return;
  }
  constexpr std::size_t kBlock = 1 << 16;
  constexpr unsigned kBits = 11;  // 6 passes; 2048 counters per block still sit in L1/L2
  constexpr std::size_t kRadix = std::size_t{1} << kBits;
  constexpr std::uint64_t kMask = kRadix - 1;
  const std::size_t nb = (n + kBlock - 1) / kBlock;
  std::vector<T> tmp(n);
  std::vector<std::size_t> pos(nb * kRadix);
  for (unsigned shift = 0; shift < 64; shift += kBits) {
    parallel_for(nb, [&](std::size_t b) {
      std::size_t* c = &pos[b * kRadix];
      std::fill(c, c + kRadix, std::size_t{0});
      const std::size_t hi = std::min(n, (b + 1) * kBlock);
      for (std::size_t i = b * kBlock; i < hi; ++i) ++c[(key(v[i]) >> shift) & kMask];
    });
    std::size_t run = 0;
    bool trivial = false;
    for (std::size_t d = 0; d < kRadix; ++d) {
      const std::size_t start = run;
      for (std::size_t b = 0; b < nb; ++b) {
        const std::size_t c = pos[b * kRadix + d];
        pos[b * kRadix + d] = run;
        run += c;
      }
      if (run - start == n) trivial = true;
    }
    if (trivial) continue;
    parallel_for(nb, [&](std::size_t b) {
      std::size_t* p = &pos[b * kRadix];
      const std::size_t hi = std::min(n, (b + 1) * kBlock);
      for (std::size_t i = b * kBlock; i < hi; ++i) tmp[p[(key(v[i]) >> shift) & kMask]++] = v[i];
    });
    v.swap(tmp);
  }
}

// Sorted copy of the values. −0.0 becomes +0.0 (x + 0.0 does that in round-to-nearest) so that
// equal-comparing values are also equal bytes and the sorted array does not depend on the sort.
std::vector<double> sorted_copy(std::span<const double> x) {
  std::vector<double> v(x.size());
  parallel_for(x.size(), [&](std::size_t i) { v[i] = x[i] + 0.0; });
  radix_sort(v, [](double d) { return order_bits(d); });
  return v;
}

// A value with its position, ordered by value then position: a strict total order, so the
// sorted result is unique whatever algorithm or thread count produced it.
struct Keyed {
  double key;
  std::uint64_t idx;
};

std::vector<Keyed> sorted_by_key(std::span<const double> key) {
  std::vector<Keyed> v(key.size());
  parallel_for(key.size(), [&](std::size_t i) { v[i] = Keyed{key[i], i}; });
  // Built in index order, so the stable radix sort yields (key, index) order.
  radix_sort(v, [](const Keyed& k) { return order_bits(k.key); });
  return v;
}

// 1-based ranks, tied values sharing the average of their positions. Work is split in fixed
// blocks of sorted positions; a tie group belongs to the block where it starts (that block
// may run past its end), so each rank is written exactly once with the same value.
std::vector<double> average_ranks(std::span<const double> x) {
  const std::size_t n = x.size();
  const std::vector<Keyed> s = sorted_by_key(x);
  std::vector<double> rank(n);
  const std::size_t nblocks = (n + kReduceBlock - 1) / kReduceBlock;
  parallel_for(nblocks, [&](std::size_t b) {
    const std::size_t lo = b * kReduceBlock;
    const std::size_t hi = std::min(n, lo + kReduceBlock);
    std::size_t g = lo;
    if (lo > 0)  // skip the tail of a group that began in an earlier block
      while (g < hi && s[g].key == s[lo - 1].key) ++g;
    while (g < hi) {
      std::size_t e = g + 1;
      while (e < n && s[e].key == s[g].key) ++e;
      // positions g..e-1 hold ranks g+1..e; their average is (g+1+e)/2, exact in double.
      const double r = static_cast<double>(g + 1 + e) * 0.5;
      for (std::size_t k = g; k < e; ++k) rank[s[k].idx] = r;
      g = e;
    }
  });
  return rank;
}

// Flagged and total counts per decile. Integer sums, so the parallel reduction is exact and
// independent of the thread count.
void count_by_decile(std::span<const std::uint8_t> decile, std::span<const std::uint8_t> flag,
                     std::array<std::uint64_t, kDeciles>& flagged,
                     std::array<std::uint64_t, kDeciles>& total) {
  CREDSIM_ASSERT(decile.size() == flag.size());
  std::uint64_t f[kDeciles] = {};
  std::uint64_t t[kDeciles] = {};
  const auto n = static_cast<std::int64_t>(decile.size());
#pragma omp parallel for schedule(static) reduction(+ : f[:kDeciles], t[:kDeciles])
  for (std::int64_t i = 0; i < n; ++i) {
    const std::size_t d = decile[static_cast<std::size_t>(i)];
    CREDSIM_ASSERT(d < kDeciles);
    t[d] += 1;
    f[d] += flag[static_cast<std::size_t>(i)] != 0 ? 1 : 0;
  }
  std::copy(std::begin(f), std::end(f), flagged.begin());
  std::copy(std::begin(t), std::end(t), total.begin());
}

}  // namespace

double mean(std::span<const double> x) {
  if (x.empty()) return kNaN;
  const double n = static_cast<double>(x.size());
  const double m0 = deterministic_sum<double>(x.size(), [&](std::size_t i) { return x[i]; }) / n;
  if (!std::isfinite(m0)) return m0;  // an infinity stays one (the residuals would be NaN)
  // A second pass adds back the mean of the residuals: these are small, so their sum is nearly
  // exact and the result lands within an ulp or two even for 1e8 values far from zero.
  const double r = deterministic_sum<double>(x.size(), [&](std::size_t i) { return x[i] - m0; });
  return m0 + r / n;
}

double stdev(std::span<const double> x) {
  if (x.empty()) return kNaN;
  const std::size_t n = x.size();
  const double m = mean(x);
  // Corrected two-pass: Σd² less the rounding left in m, measured by (Σd)²/n (Chan, Golub & LeVeque).
  const double s1 = deterministic_sum<double>(n, [&](std::size_t i) { return x[i] - m; });
  const double s2 = deterministic_sum<double>(n, [&](std::size_t i) {
    const double d = x[i] - m;
    return d * d;
  });
  const double var = (s2 - s1 * s1 / static_cast<double>(n)) / static_cast<double>(n);
  return std::sqrt(std::max(var, 0.0));
}

std::vector<double> sorted(std::span<const double> x) { return sorted_copy(x); }

std::vector<double> quantiles(std::span<const double> x, std::span<const double> probs) {
  if (x.empty()) return std::vector<double>(probs.size(), kNaN);
  return quantiles_of_sorted(sorted_copy(x), probs);
}

std::vector<double> quantiles_of_sorted(std::span<const double> v, std::span<const double> probs) {
  std::vector<double> out(probs.size(), kNaN);
  if (v.empty()) return out;
  const std::size_t n = v.size();
  for (std::size_t k = 0; k < probs.size(); ++k) {
    const double p = probs[k];
    CREDSIM_ASSERT(p >= 0.0 && p <= 1.0);
    if (!(p >= 0.0 && p <= 1.0)) continue;  // unchecked builds: NaN rather than a wild index
    const double h = static_cast<double>(n - 1) * p;
    const std::size_t lo = std::min(static_cast<std::size_t>(std::floor(h)), n - 1);
    const double frac = h - static_cast<double>(lo);
    // At p = 1 (or h landing on the last index) there is no upper neighbour to interpolate to.
    out[k] = lo + 1 < n ? v[lo] + frac * (v[lo + 1] - v[lo]) : v[lo];
  }
  return out;
}

std::vector<std::uint64_t> histogram(std::span<const double> x, double lo, double hi,
                                     std::size_t bins) {
  CREDSIM_ASSERT(bins > 0 && lo < hi);
  std::vector<std::uint64_t> out(bins, 0);
  if (bins == 0) return out;
  const double w = (hi - lo) / static_cast<double>(bins);
  const std::size_t last = bins - 1;
  // The division guesses the bin; the two loops then settle it against the edges lo + i·w
  // themselves, so membership follows the documented half-open intervals even where the
  // quotient rounds across an edge. They run at most a step or two.
  auto bin_of = [&](double v) -> std::size_t {
    if (!(v >= lo)) return 0;  // below lo (and NaN, which is a precondition violation)
    const double t = (v - lo) / w;
    std::size_t i = t >= static_cast<double>(last) ? last : static_cast<std::size_t>(t);
    while (i > 0 && v < lo + static_cast<double>(i) * w) --i;
    while (i < last && v >= lo + static_cast<double>(i + 1) * w) ++i;
    return i;
  };
  // One private histogram per thread, added at the end: integer counts, so exact and
  // identical for any thread count.
  const int nt = omp_get_max_threads();
  std::vector<std::vector<std::uint64_t>> local(static_cast<std::size_t>(nt));
  const auto n = static_cast<std::int64_t>(x.size());
#pragma omp parallel num_threads(nt)
  {
    std::vector<std::uint64_t>& h = local[static_cast<std::size_t>(omp_get_thread_num())];
    h.assign(bins, 0);
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) ++h[bin_of(x[static_cast<std::size_t>(i)])];
  }
  for (const auto& h : local)
    for (std::size_t i = 0; i < h.size(); ++i) out[i] += h[i];
  return out;
}

double gini(std::span<const double> x) {
  if (x.empty()) return 0.0;
  return gini_of_sorted(sorted_copy(x));
}

double gini_of_sorted(std::span<const double> v) {
  const std::size_t n = v.size();
  if (n == 0) return 0.0;
  CREDSIM_ASSERT(v.front() >= 0.0);  // after sorting, one comparison checks every value
  const double sum = deterministic_sum<double>(n, [&](std::size_t i) { return v[i]; });
  if (sum == 0.0) return 0.0;
  // 2Σ i·x_(i)/(nΣx) − (n+1)/n, written as Σ (2i−n−1)·x_(i) / (nΣx) (i 1-based) so that two
  // nearly equal large terms are never subtracted: equal values give exactly 0.
  const double dn = static_cast<double>(n);
  const double num = deterministic_sum<double>(n, [&](std::size_t i) {
    return (static_cast<double>(2 * i + 1) - dn) * v[i];
  });
  return num / (dn * sum);
}

std::vector<std::uint8_t> deciles(std::span<const double> key) {
  const std::size_t n = key.size();
  std::vector<std::uint8_t> out(n);
  if (n == 0) return out;
  const std::vector<Keyed> s = sorted_by_key(key);
  // rank r (0-based) → ⌊10r/n⌋; 10r cannot overflow 64 bits for any n that fits in memory.
  parallel_for(n, [&](std::size_t r) {
    out[s[r].idx] = static_cast<std::uint8_t>(kDeciles * r / n);
  });
  return out;
}

std::vector<double> share_by_decile(std::span<const std::uint8_t> decile,
                                    std::span<const std::uint8_t> flag) {
  std::array<std::uint64_t, kDeciles> flagged{}, total{};
  count_by_decile(decile, flag, flagged, total);
  std::uint64_t all = 0;
  for (const auto f : flagged) all += f;
  std::vector<double> out(kDeciles, 0.0);
  if (all == 0) return out;
  for (std::size_t d = 0; d < kDeciles; ++d)
    out[d] = static_cast<double>(flagged[d]) / static_cast<double>(all);
  return out;
}

std::vector<double> rate_by_decile(std::span<const std::uint8_t> decile,
                                   std::span<const std::uint8_t> flag) {
  std::array<std::uint64_t, kDeciles> flagged{}, total{};
  count_by_decile(decile, flag, flagged, total);
  std::vector<double> out(kDeciles, 0.0);
  for (std::size_t d = 0; d < kDeciles; ++d)
    if (total[d] > 0) out[d] = static_cast<double>(flagged[d]) / static_cast<double>(total[d]);
  return out;
}

double spearman(std::span<const double> a, std::span<const double> b) {
  CREDSIM_ASSERT(a.size() == b.size());
  const std::size_t n = std::min(a.size(), b.size());
  if (n < 2) return kNaN;
  const std::vector<double> ra = average_ranks(a.first(n));
  const std::vector<double> rb = average_ranks(b.first(n));
  // Average ranks always sum to n(n+1)/2, so both means are exactly (n+1)/2.
  const double m = (static_cast<double>(n) + 1.0) * 0.5;
  const double sab = deterministic_sum<double>(n, [&](std::size_t i) { return (ra[i] - m) * (rb[i] - m); });
  const double saa = deterministic_sum<double>(n, [&](std::size_t i) { return (ra[i] - m) * (ra[i] - m); });
  const double sbb = deterministic_sum<double>(n, [&](std::size_t i) { return (rb[i] - m) * (rb[i] - m); });
  if (saa == 0.0 || sbb == 0.0) return kNaN;
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

}  // namespace credsim::measure
