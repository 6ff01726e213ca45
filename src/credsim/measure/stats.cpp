// Statistics kernels (see stats.hpp). Floating-point sums go through deterministic_sum and sorting is a
// block-parallel stable radix sort whose output is fixed by the input alone: same bytes for any thread count.
#include "credsim/measure/stats.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <type_traits>

#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"

namespace credsim::measure {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kDeciles = 10;

using detail::from_order_bits;
using detail::interpolate_quantiles;
using detail::order_bits;
using detail::quantile_ranks;
using detail::Selected;
using detail::select_ranks;

// The bin of v among `bins` bins of width w from lo (histogram()'s rule).
inline std::size_t bin_index(double v, double lo, double w, std::size_t bins) {
  const std::size_t last = bins - 1;
  if (!(v >= lo)) return 0;  // below lo (and NaN, which is a precondition violation)
  // The division guesses the bin; the two loops then settle it against the edges lo + i·w
  // themselves, so membership follows the documented half-open intervals even where the
  // quotient rounds across an edge. They run at most a step or two.
  const double t = (v - lo) / w;
  std::size_t i = t >= static_cast<double>(last) ? last : static_cast<std::size_t>(t);
  while (i > 0 && v < lo + static_cast<double>(i) * w) --i;
  while (i < last && v >= lo + static_cast<double>(i + 1) * w) ++i;
  return i;
}

// Stable LSD radix sort by key(elem) (a uint64), 11 bits a pass: O(n), against O(n log n) for a
// comparison sort that takes tens of seconds at 1e8. Parallel over fixed blocks of the input;
// each block's destination for each digit is a prefix sum taken in (digit, block) order, so
// every element's place is fixed by n alone, never by the thread count. Stability makes the
// result the order by (key, input position). Passes whose digit is the same for every element
// (e.g. the high exponent bytes) are skipped.
// `scratch`: the second buffer (resized to n; its storage may end up in v and v's in it), for
// callers that sort several arrays in turn and keep one buffer for all of them.
// KeyBits: how many low bits of the key can differ (32 for the order bits of floats: three
// passes instead of six).
template <unsigned KeyBits = 64, class T, class KeyFn>
void radix_sort(std::vector<T>& v, KeyFn key, std::vector<T>& tmp) {
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
  tmp.resize(n);
  std::vector<std::size_t> pos(nb * kRadix);
  // A few blocks (the slices of quantiles_and_gini at a million values) run on one thread: the
  // same places (fixed by the blocks), without two parallel regions a pass.
  auto blocks = [&](auto&& fn) {
    if (nb < 4) {
      for (std::size_t b = 0; b < nb; ++b) fn(b);
    } else {
      parallel_for(nb, fn);
    }
  };
  for (unsigned shift = 0; shift < KeyBits; shift += kBits) {
    blocks([&](std::size_t b) {
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
    blocks([&](std::size_t b) {
      std::size_t* p = &pos[b * kRadix];
      const std::size_t hi = std::min(n, (b + 1) * kBlock);
      for (std::size_t i = b * kBlock; i < hi; ++i) tmp[p[(key(v[i]) >> shift) & kMask]++] = v[i];
    });
    v.swap(tmp);
  }
}

template <unsigned KeyBits = 64, class T, class KeyFn>
void radix_sort(std::vector<T>& v, KeyFn key) {
  std::vector<T> tmp;
  radix_sort<KeyBits>(v, key, tmp);
}

// The order of a float as a 32-bit unsigned integer (order_bits' rule for floats: −0.0 read as
// +0.0, NaN excluded). Two floats compare as their doubles do, so a stable sort by this key is
// the same permutation as by order_bits of the doubles.
inline std::uint32_t order_bits32(float v) {
  const auto u = std::bit_cast<std::uint32_t>(v + 0.0f);
  constexpr std::uint32_t kSign = std::uint32_t{1} << 31;
  return (u & kSign) != 0 ? ~u : (u | kSign);
}
// The radix key of a column's values: 32 bits for floats, 64 for doubles.
inline std::uint32_t sort_key(float v) { return order_bits32(v); }
inline std::uint64_t sort_key(double v) { return order_bits(v); }
template <class V>
inline constexpr unsigned kSortKeyBits = sizeof(V) == 4 ? 32 : 64;

// Sorted copy of the values. −0.0 becomes +0.0 (x + 0.0 does that in round-to-nearest) so that
// equal-comparing values are also equal bytes and the sorted array does not depend on the sort.
std::vector<double> sorted_copy(std::span<const double> x) {
  std::vector<double> v(x.size());
  parallel_for(x.size(), [&](std::size_t i) { v[i] = x[i] + 0.0; });
  radix_sort(v, [](double d) { return order_bits(d); });
  return v;
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

MeanSd mean_and_stdev(std::span<const double> x) {
  if (x.empty()) return {kNaN, kNaN};
  const std::size_t n = x.size();
  const double m = mean(x);
  // stdev's two sums about m (the same terms, each summed as its own deterministic_sum).
  const auto [s1, s2] = deterministic_sum2<double, double>(n, [&](std::size_t i, double& a, double& b) {
    const double d = x[i] - m;
    a += d;
    b += d * d;
  });
  const double var = (s2 - s1 * s1 / static_cast<double>(n)) / static_cast<double>(n);
  return {m, std::sqrt(std::max(var, 0.0))};
}

std::vector<double> sorted(std::span<const double> x) {
  // Integer values in a range no wider than the column (scores, points): a counting sort, O(n)
  // with no second buffer; the values come out as the same doubles.
  ValueCounts c;
  const std::size_t n = x.size();
  if (n >= 4096 && count_integers(n, [&](std::size_t i) { return x[i]; }, c, std::min<std::size_t>(n, std::size_t{1} << 20)) &&
      c.n == n) {
    std::vector<double> v(n);
    std::vector<std::uint64_t> start(c.counts.size() + 1, 0);
    for (std::size_t k = 0; k < c.counts.size(); ++k) start[k + 1] = start[k] + c.counts[k];
    // Fill in fixed blocks of positions: each block finds its first value, then runs on.
    const std::size_t nb = (n + kReduceBlock - 1) / kReduceBlock;
    parallel_for(nb, [&](std::size_t b) {
      const std::size_t lo = b * kReduceBlock, hi = std::min(n, lo + kReduceBlock);
      std::size_t k = static_cast<std::size_t>(std::upper_bound(start.begin(), start.end(), lo) - start.begin()) - 1;
      for (std::size_t j = lo; j < hi; ++j) {
        while (j >= start[k + 1]) ++k;
        v[j] = static_cast<double>(c.lo + static_cast<std::int64_t>(k)) + 0.0;
      }
    });
    return v;
  }
  return sorted_copy(x);
}

std::vector<double> quantiles(std::span<const double> x, std::span<const double> probs) {
  if (x.empty()) return std::vector<double>(probs.size(), kNaN);
  // The two order statistics each probability needs, found by radix select: no sorted copy.
  const std::size_t n = x.size();
  const std::vector<std::uint64_t> ranks = quantile_ranks(n, probs);
  const auto sel = select_ranks(n, [&](std::size_t i) { return order_bits(x[i]); }, ranks, false);
  return interpolate_quantiles(n, probs, [&](std::size_t r) {
    return from_order_bits(sel[static_cast<std::size_t>(std::lower_bound(ranks.begin(), ranks.end(), r) - ranks.begin())].key);
  });
}

std::vector<double> quantiles_of_counts(const ValueCounts& c, std::span<const double> probs) {
  std::vector<double> out(probs.size(), kNaN);
  if (c.n == 0) return out;
  const std::uint64_t n = c.n;
  auto at = [&](std::uint64_t r) {  // the value of rank r (0-based)
    std::size_t k = 0;
    for (std::uint64_t seen = c.counts[0]; seen <= r; seen += c.counts[++k]) {}
    return static_cast<double>(c.lo + static_cast<std::int64_t>(k));
  };
  for (std::size_t k = 0; k < probs.size(); ++k) {
    const double p = probs[k];
    CREDSIM_ASSERT(p >= 0.0 && p <= 1.0);
    if (!(p >= 0.0 && p <= 1.0)) continue;
    const double h = static_cast<double>(n - 1) * p;
    const std::uint64_t lo = std::min(static_cast<std::uint64_t>(std::floor(h)), n - 1);
    const double frac = h - static_cast<double>(lo);
    out[k] = lo + 1 < n ? at(lo) + frac * (at(lo + 1) - at(lo)) : at(lo);
  }
  return out;
}

double gini_of_counts(const ValueCounts& c) {
  __extension__ using I128 = __int128;  // GCC/Clang builtin; avoids a -Wpedantic warning
  if (c.n == 0) return 0.0;
  CREDSIM_ASSERT(c.lo >= 0);
  // Σ v·count and Σ_i (2i − n − 1)·x_(i) exactly: the positions of a value v are a run
  // [a, a + cnt) (0-based), whose weights 2i + 1 − n sum to cnt·(2a + cnt − n).
  const auto n = static_cast<I128>(c.n);
  I128 sum = 0, num = 0, a = 0;
  for (std::size_t k = 0; k < c.counts.size(); ++k) {
    const I128 cnt = static_cast<I128>(c.counts[k]), v = c.lo + static_cast<std::int64_t>(k);
    sum += v * cnt;
    num += v * cnt * (2 * a + cnt - n);
    a += cnt;
  }
  if (sum == 0) return 0.0;
  return static_cast<double>(num) / (static_cast<double>(c.n) * static_cast<double>(sum));
}

std::vector<std::uint64_t> histogram_of_counts(const ValueCounts& c, double lo, double hi, std::size_t bins) {
  CREDSIM_ASSERT(bins > 0 && lo < hi);
  std::vector<std::uint64_t> out(bins, 0);
  if (bins == 0) return out;
  const double w = (hi - lo) / static_cast<double>(bins);
  for (std::size_t k = 0; k < c.counts.size(); ++k)
    if (c.counts[k]) out[bin_index(static_cast<double>(c.lo + static_cast<std::int64_t>(k)), lo, w, bins)] += c.counts[k];
  return out;
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

namespace {
template <class V>
std::vector<std::uint64_t> histogram_of(std::span<const V> x, double lo, double hi, std::size_t bins) {
  CREDSIM_ASSERT(bins > 0 && lo < hi);
  std::vector<std::uint64_t> out(bins, 0);
  if (bins == 0) return out;
  const double w = (hi - lo) / static_cast<double>(bins);
  auto bin_of = [&](double v) { return bin_index(v, lo, w, bins); };
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
    for (std::int64_t i = 0; i < n; ++i) ++h[bin_of(static_cast<double>(x[static_cast<std::size_t>(i)]))];
  }
  for (const auto& h : local)
    for (std::size_t i = 0; i < h.size(); ++i) out[i] += h[i];
  return out;
}
}  // namespace

std::vector<std::uint64_t> histogram(std::span<const double> x, double lo, double hi, std::size_t bins) {
  return histogram_of(x, lo, hi, bins);
}
std::vector<std::uint64_t> histogram(std::span<const float> x, double lo, double hi, std::size_t bins) {
  return histogram_of(x, lo, hi, bins);
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

namespace {
template <class V>
QuantilesGini quantiles_and_gini_of(std::span<const V> x, std::span<const double> probs, std::size_t parts) {
  QuantilesGini out;
  out.quantiles.assign(probs.size(), kNaN);
  const std::size_t n = x.size();
  if (n == 0) return out;
  const double dn = static_cast<double>(n);
  // Slices [P_c, P_{c+1}) of sorted positions, whole reduce blocks each (deterministic_sum's
  // blocks, so each block's partial sums are those gini_of_sorted takes).
  const std::size_t nb = (n + kReduceBlock - 1) / kReduceBlock;
  const std::size_t per = (nb + std::max<std::size_t>(parts, 1) - 1) / std::max<std::size_t>(parts, 1);
  std::vector<std::size_t> P;
  for (std::size_t b = 0; b < nb; b += per) P.push_back(b * kReduceBlock);
  P.push_back(n);
  const std::size_t C = P.size() - 1;
  auto key = [&](std::size_t i) { return order_bits(static_cast<double>(x[i])); };
  std::vector<std::uint64_t> ranks(P.begin() + 1, P.end() - 1);  // the key at each inner bound
  const std::vector<Selected> bound = ranks.empty() ? std::vector<Selected>{} : select_ranks(n, key, ranks, false);
  // The positions the quantiles read (quantiles_of_sorted's rule).
  const std::vector<std::uint64_t> qpos = quantile_ranks(n, probs);
  std::vector<double> qval(qpos.size(), kNaN);
  std::vector<double> part_sum(nb, 0.0), part_num(nb, 0.0);
  double first = 0;
  std::vector<double> buf;
  const std::size_t nblk = nb;  // fixed blocks of x for the counting and gathering passes
  // One counting pass for all slices (instead of one per slice): per block, the keys below and
  // equal to each inner bound, and the keys strictly inside each slice. With the bounds
  // B_0 ≤ … ≤ B_{C−2} (bound[j].key), a key k lies inside slice s = #{j : B_j < k} when s is the
  // last slice or k < B_s, and inside no other slice.
  const std::size_t J = C - 1;  // inner bounds
  std::vector<std::uint64_t> B(J);
  for (std::size_t j = 0; j < J; ++j) B[j] = bound[j].key;
  std::vector<std::uint64_t> less_b(nblk * J), eq_b(nblk * J), in_b(nblk * C);
  parallel_for(nblk, [&](std::size_t b) {
    // data() + offset, not &v[offset]: with one slice there are no inner bounds (J = 0) and the
    // bound arrays are empty.
    std::uint64_t* lb = less_b.data() + b * J;
    std::uint64_t* eb = eq_b.data() + b * J;
    std::uint64_t* ib = in_b.data() + b * C;
    const std::size_t hi = std::min(n, (b + 1) * kReduceBlock);
    for (std::size_t i = b * kReduceBlock; i < hi; ++i) {
      const std::uint64_t k = key(i);
      std::size_t sl = 0;
      for (std::size_t j = 0; j < J; ++j) {
        lb[j] += k < B[j];
        eb[j] += k == B[j];
        sl += B[j] < k;
      }
      ib[sl] += sl == J || k < B[sl];
    }
  });
  std::vector<std::uint64_t> in(nblk);
  // The slice buffer and the sort's second buffer, allocated once at the largest slice's size
  // (the same peak as a pair per slice, without allocating and zeroing them for every slice).
  std::uint64_t largest = 0;
  for (std::size_t c = 0; c < C; ++c) {
    std::uint64_t m = 0;
    for (std::size_t b = 0; b < nblk; ++b) m += in_b[b * C + c];
    largest = std::max(largest, m);
  }
  std::vector<double> tmp;
  buf.reserve(largest);
  tmp.reserve(largest);
  for (std::size_t c = 0; c < C; ++c) {
    // Every position in the slice has a key in [L, U] (L: the key at P_c, U: at P_{c+1}); the
    // keys strictly between are gathered and sorted, the runs of L before and U after them
    // are known from counts.
    const bool hasL = c > 0, hasU = c + 1 < C;
    const std::uint64_t L = hasL ? bound[c - 1].key : 0, U = hasU ? bound[c].key : 0;
    auto inside = [&](std::uint64_t k) { return (!hasL || k > L) && (!hasU || k < U); };
    std::uint64_t nless = 0, neq = 0, m = 0;
    for (std::size_t b = 0; b < nblk; ++b) {
      if (hasL) nless += less_b[b * J + c - 1], neq += eq_b[b * J + c - 1];
      in[b] = m;  // where block b's inside elements start
      m += in_b[b * C + c];
    }
    buf.resize(m);
    parallel_for(nblk, [&](std::size_t b) {
      // Without a branch: every value is written at the next free place of the block's range
      // and the place advances when it is inside; the loop ends when the range is full (all
      // of the block's inside values are in), so no write leaves the range.
      std::size_t w = in[b];
      const std::size_t end = w + in_b[b * C + c];
      const std::size_t hi = std::min(n, (b + 1) * kReduceBlock);
      for (std::size_t i = b * kReduceBlock; i < hi && w < end; ++i) {
        const double v = static_cast<double>(x[i]);
        buf[w] = v + 0.0;
        w += inside(order_bits(v)) ? 1 : 0;
      }
    });
    radix_sort(buf, [](double d) { return order_bits(d); }, tmp);
    const std::size_t p0 = P[c], p1 = P[c + 1];
    const std::size_t start = hasL ? static_cast<std::size_t>(nless + neq) : 0;  // first inside position
    const double lv = hasL ? from_order_bits(L) : 0.0, uv = hasU ? from_order_bits(U) : 0.0;
    auto value = [&](std::size_t pos) { return pos < start ? lv : pos - start < m ? buf[pos - start] : uv; };
    parallel_for((p1 - p0 + kReduceBlock - 1) / kReduceBlock, [&](std::size_t j) {
      const std::size_t lo = p0 + j * kReduceBlock, hi = std::min(p1, lo + kReduceBlock);
      double s = 0, num = 0;
      for (std::size_t i = lo; i < hi; ++i) {
        const double v = value(i);
        s += v;
        num += (static_cast<double>(2 * i + 1) - dn) * v;
      }
      part_sum[lo / kReduceBlock] = s, part_num[lo / kReduceBlock] = num;
    });
    for (std::size_t q = 0; q < qpos.size(); ++q)
      if (qpos[q] >= p0 && qpos[q] < p1) qval[q] = value(qpos[q]);
    if (c == 0) first = value(0);
  }
  buf = {};
  CREDSIM_ASSERT(first >= 0.0);  // gini_of_sorted's precondition: no negative value
  (void)first;
  double sum = 0, num = 0;
  for (std::size_t b = 0; b < nb; ++b) sum += part_sum[b];
  for (std::size_t b = 0; b < nb; ++b) num += part_num[b];
  out.gini = sum == 0.0 ? 0.0 : num / (dn * sum);
  out.quantiles = interpolate_quantiles(n, probs, [&](std::size_t pos) {
    return qval[static_cast<std::size_t>(std::lower_bound(qpos.begin(), qpos.end(), pos) - qpos.begin())];
  });
  return out;
}
}  // namespace

QuantilesGini quantiles_and_gini(std::span<const double> x, std::span<const double> probs, std::size_t parts) {
  return quantiles_and_gini_of(x, probs, parts);
}
QuantilesGini quantiles_and_gini(std::span<const float> x, std::span<const double> probs, std::size_t parts) {
  return quantiles_and_gini_of(x, probs, parts);
}

namespace {
template <class Span>
std::vector<std::uint8_t> deciles_of(Span key) {
  const std::size_t n = key.size();
  std::vector<std::uint8_t> out(n);
  if (n == 0) return out;
  // ⌊10ρ/n⌋ counts the d in 1…9 with ρ ≥ ⌈dn/10⌉: find the elements of those ranks (radix
  // select, no sort, no copy), then each element's decile is how many of them it is not below.
  std::vector<std::uint64_t> ranks;
  for (std::uint64_t d = 1; d < kDeciles; ++d)
    if (const std::uint64_t r = (d * n + kDeciles - 1) / kDeciles; r < n) ranks.push_back(r);
  auto k = [&](std::size_t i) { return order_bits(static_cast<double>(key[i])); };
  const std::vector<Selected> b = select_ranks(n, k, ranks, true);
  parallel_for(n, [&](std::size_t i) {
    const std::uint64_t ki = k(i);
    std::uint8_t d = 0;
    for (const Selected& s : b) d += ki > s.key || (ki == s.key && i >= s.idx);
    out[i] = d;
  });
  return out;
}

}  // namespace

std::vector<std::uint8_t> deciles(std::span<const double> key) { return deciles_of(key); }
std::vector<std::uint8_t> deciles(std::span<const float> key) { return deciles_of(key); }
std::vector<std::uint8_t> deciles(Uf16Span key) { return deciles_of(key); }

namespace {
template <class Span>
RankOrder rank_order_of(Span b) {
  const std::size_t n = b.size();
  RankOrder r;
  r.order.resize(n);
  parallel_for(n, [&](std::size_t i) { r.order[i] = static_cast<std::uint32_t>(i); });
  // Indices sorted by (b, index): the stable radix sort from index order, reading each key
  // where it lies (4 + 4 bytes a value instead of a 16-byte key/index pair and its buffer).
  using V = std::remove_cvref_t<decltype(b[0])>;  // double or float (a 16-bit column reads as floats)
  radix_sort<kSortKeyBits<V>>(r.order, [&](std::uint32_t i) { return std::uint64_t{sort_key(static_cast<V>(b[i]))}; });
  r.tie_with_prev.assign((n + 63) / 64, 0);
  parallel_for(r.tie_with_prev.size(), [&](std::size_t w) {
    std::uint64_t bits = 0;
    for (std::size_t j = std::max<std::size_t>(w * 64, 1); j < std::min(n, (w + 1) * 64); ++j)
      if (b[r.order[j]] == b[r.order[j - 1]]) bits |= std::uint64_t{1} << (j & 63);
    r.tie_with_prev[w] = bits;
  });
  return r;
}
}  // namespace

RankOrder rank_order(std::span<const double> b) { return rank_order_of(b); }
RankOrder rank_order(std::span<const float> b) { return rank_order_of(b); }
RankOrder rank_order(Uf16Span b) { return rank_order_of(b); }

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

std::uint64_t DecileTally::flagged_total(std::size_t f) const {
  std::uint64_t all = 0;
  for (const auto c : flagged[f]) all += c;
  return all;
}

std::vector<double> DecileTally::share(std::size_t f) const {  // as share_by_decile
  const std::uint64_t all = flagged_total(f);
  std::vector<double> out(kDeciles, 0.0);
  if (all == 0) return out;
  for (std::size_t d = 0; d < kDeciles; ++d) out[d] = static_cast<double>(flagged[f][d]) / static_cast<double>(all);
  return out;
}

std::vector<double> DecileTally::rate(std::size_t f) const {  // as rate_by_decile
  std::vector<double> out(kDeciles, 0.0);
  for (std::size_t d = 0; d < kDeciles; ++d)
    if (total[d] > 0) out[d] = static_cast<double>(flagged[f][d]) / static_cast<double>(total[d]);
  return out;
}

namespace {
template <class SpanA, class SpanB>
double spearman_of(SpanA a, SpanB b) {
  CREDSIM_ASSERT(a.size() == b.size());
  const std::size_t n = std::min(a.size(), b.size());
  if (n < 2) return kNaN;
  // a integer-valued (a score): ranks by counting, b's order by a sort; otherwise both sorted.
  // Either way the sums of products of centred ranks are exact 128-bit integers.
  ValueCounts ca;
  auto all = [](std::size_t) { return true; };
  if (count_integers(n, [&](std::size_t i) { return static_cast<double>(a[i]); }, ca, std::max<std::size_t>(n, 1024)) && ca.n == n)
    return spearman_counted(rank_order(b.first(n)), ca, all, [&](std::size_t i) { return static_cast<double>(a[i]); });
  // Otherwise a's doubled average ranks 2r (1-based; integers ≤ 2n, 4 bytes each while they fit)
  // from its sorted order, then the same walk along b's order.
  auto with = [&](auto zero) {
    using R = decltype(zero);
    std::vector<R> ra2(n);
    {
      const RankOrder oa = rank_order(a.first(n));
      const std::size_t nb = (n + kReduceBlock - 1) / kReduceBlock;
      parallel_for(nb, [&](std::size_t blk) {
        const std::size_t lo = blk * kReduceBlock, hi = std::min(n, lo + kReduceBlock);
        std::size_t g = lo;
        while (g < hi && g > 0 && oa.tie(g)) ++g;  // the tail of a group begun in an earlier block
        while (g < hi) {
          std::size_t e = g + 1;
          while (e < n && oa.tie(e)) ++e;
          for (std::size_t k = g; k < e; ++k) ra2[oa.order[k]] = static_cast<R>(g + 1 + e);
          g = e;
        }
      });
    }
    return spearman_ranked(rank_order(b.first(n)), n, all, [&](std::size_t i) { return ra2[i]; });
  };
  return 2 * n + 1 <= std::numeric_limits<std::uint32_t>::max() ? with(std::uint32_t{0}) : with(std::uint64_t{0});
}
}  // namespace

double spearman(std::span<const double> a, std::span<const double> b) { return spearman_of(a, b); }
double spearman(std::span<const float> a, std::span<const float> b) { return spearman_of(a, b); }
double spearman(std::span<const float> a, Uf16Span b) { return spearman_of(a, b); }

double spearman_finite(const RankOrder& b, std::span<const float> a) {
  const std::size_t n = a.size();
  CREDSIM_ASSERT(b.order.size() == n);
  auto keep = [&](std::size_t i) { return std::isfinite(a[i]); };
  auto with = [&](auto zero) {
    using R = decltype(zero);
    std::vector<R> ra2(n, 0);  // doubled average rank among the kept values (0: not kept)
    std::uint64_t m = 0;
    {
      std::vector<std::uint32_t> idx;  // the kept indices, in index order, then sorted by (a, index)
      for (std::size_t i = 0; i < n; ++i)
        if (keep(i)) idx.push_back(static_cast<std::uint32_t>(i));
      m = idx.size();
      radix_sort<32>(idx, [&](std::uint32_t i) { return std::uint64_t{order_bits32(a[i])}; });
      const std::size_t nb = (m + kReduceBlock - 1) / kReduceBlock;
      parallel_for(nb, [&](std::size_t blk) {
        const std::size_t lo = blk * kReduceBlock, hi = std::min<std::size_t>(m, lo + kReduceBlock);
        std::size_t g = lo;
        while (g < hi && g > 0 && a[idx[g]] == a[idx[g - 1]]) ++g;  // a group begun in an earlier block
        while (g < hi) {
          std::size_t e = g + 1;
          while (e < m && a[idx[e]] == a[idx[g]]) ++e;
          for (std::size_t k = g; k < e; ++k) ra2[idx[k]] = static_cast<R>(g + 1 + e);
          g = e;
        }
      });
    }
    return spearman_ranked(b, m, keep, [&](std::size_t i) { return ra2[i]; });
  };
  return 2 * n + 1 <= std::numeric_limits<std::uint32_t>::max() ? with(std::uint32_t{0}) : with(std::uint64_t{0});
}

}  // namespace credsim::measure
