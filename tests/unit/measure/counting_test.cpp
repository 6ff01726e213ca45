// The counting, selection and streaming kernels of stats.hpp against sort-based naive references
// sharing no code with them: the same bytes on random integer and non-integer columns, with
// ties, NaN gaps, empty, one value and all-equal inputs, and for 1 and 2 threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <utility>
#include <numeric>
#include <random>
#include <vector>

#include "credsim/core/parallel.hpp"
#include "credsim/measure/stats.hpp"

namespace credsim::measure {
namespace {

__extension__ using I128 = __int128;
const double kNaN = std::nan("");

// Same bytes (NaN equal to NaN).
void expect_same(double got, double want, const std::string& what) {
  if (std::isnan(want)) EXPECT_TRUE(std::isnan(got)) << what << ": " << got;
  else EXPECT_EQ(std::bit_cast<std::uint64_t>(got), std::bit_cast<std::uint64_t>(want)) << what << ": " << got << " vs " << want;
}

std::vector<double> sorted_naive(std::vector<double> x) {
  for (double& v : x) v += 0.0;
  std::sort(x.begin(), x.end());
  return x;
}

std::vector<double> random_ints(std::size_t n, int lo, int hi, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<double> x(n);
  for (double& v : x) v = d(g);
  return x;
}

// Doubles with many ties: a lognormal value rounded to a few digits, some exact zeros.
std::vector<double> random_tied(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::lognormal_distribution<double> d(8, 2);
  std::vector<double> x(n);
  for (double& v : x) v = g() % 10 == 0 ? 0.0 : std::round(d(g) * 10) / 10;
  return x;
}

const std::vector<double> kProbs{0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1};

TEST(Counting, CountIntegersHandWorked) {
  ValueCounts c;
  const std::vector<double> x{3, 5, kNaN, 3, -1, 5, 5};
  ASSERT_TRUE(count_integers(x.size(), [&](std::size_t i) { return x[i]; }, c));
  EXPECT_EQ(c.lo, -1);
  EXPECT_EQ(c.n, 6u);
  EXPECT_EQ(c.counts, (std::vector<std::uint64_t>{1, 0, 0, 0, 2, 0, 3}));
  const std::vector<double> frac{1, 2.5};
  EXPECT_FALSE(count_integers(frac.size(), [&](std::size_t i) { return frac[i]; }, c));
  const std::vector<double> inf{1, INFINITY};
  EXPECT_FALSE(count_integers(inf.size(), [&](std::size_t i) { return inf[i]; }, c));
  const std::vector<double> wide{0, 1e5};
  EXPECT_FALSE(count_integers(wide.size(), [&](std::size_t i) { return wide[i]; }, c, 100000));
  EXPECT_TRUE(count_integers(wide.size(), [&](std::size_t i) { return wide[i]; }, c, 100001));
  const std::vector<double> none{kNaN, kNaN};
  ASSERT_TRUE(count_integers(none.size(), [&](std::size_t i) { return none[i]; }, c));
  EXPECT_EQ(c.n, 0u);
  EXPECT_TRUE(c.counts.empty());
  // Hand-worked statistics of {1, 2, 2, 5}: Gini = Σ(2i−n−1)x_(i) / (nΣx) = (−3·1 − 1·2 + 1·2 + 3·5) / (4·10).
  const std::vector<double> y{2, 5, 1, 2};
  ASSERT_TRUE(count_integers(y.size(), [&](std::size_t i) { return y[i]; }, c));
  EXPECT_DOUBLE_EQ(gini_of_counts(c), 12.0 / 40);
  const auto q = quantiles_of_counts(c, std::vector<double>{0, 0.5, 0.9, 1});
  EXPECT_EQ(q, (std::vector<double>{1, 2, 2 + (3 * 0.9 - 2) * (5 - 2), 5}));  // h = 2.7 at p = 0.9: 2 + 0.7·3
}

TEST(Counting, CountedStatisticsEqualTheSortedOnes) {
  for (std::size_t n : {0u, 1u, 2u, 3u, 10u, 997u, 50000u}) {
    for (auto [lo, hi] : {std::pair{350, 950}, std::pair{0, 0}, std::pair{7, 7}, std::pair{0, 3}, std::pair{-20, 20}}) {
      const auto x = random_ints(n, lo, hi, n * 31 + static_cast<std::uint64_t>(hi));
      const std::string what = "n=" + std::to_string(n) + " range " + std::to_string(lo) + ".." + std::to_string(hi);
      ValueCounts c;
      ASSERT_TRUE(count_integers(n, [&](std::size_t i) { return x[i]; }, c)) << what;
      const auto s = sorted_naive(x);
      const auto qc = quantiles_of_counts(c, kProbs), qs = quantiles_of_sorted(s, kProbs);
      for (std::size_t k = 0; k < kProbs.size(); ++k) expect_same(qc[k], qs[k], what + " quantile");
      if (lo >= 0) expect_same(gini_of_counts(c), gini_of_sorted(s), what + " gini");
      if (n > 0 && lo < hi) {
        EXPECT_EQ(histogram_of_counts(c, lo, hi + 5, 7), histogram(x, lo, hi + 5, 7)) << what;
        EXPECT_EQ(histogram_of_counts(c, lo + 1, hi, 3), histogram(x, lo + 1, hi, 3)) << what;
      }
      // The sorted column by counting (n ≥ 4096) or radix sort: the same array.
      const auto srt = sorted(x);
      ASSERT_EQ(srt.size(), s.size());
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(std::bit_cast<std::uint64_t>(srt[i]), std::bit_cast<std::uint64_t>(s[i])) << what;
      // Mean and sd streamed through an accessor: the bytes of mean() and stdev().
      expect_same(mean_of(n, [&](std::size_t i) { return x[i]; }), mean(x), what + " mean");
      expect_same(stdev_of(n, [&](std::size_t i) { return x[i]; }), stdev(x), what + " sd");
    }
  }
}

TEST(Counting, GiniIsExactWhereTheFloatingSumRounds) {
  // 4·10⁶ scores 350…950: Σ(2i−n−1)·x reaches ~10¹⁶, past 2⁵³, so a double running sum may
  // round; the counting Gini is the exact integer quotient's rounding, checked in long double.
  const std::size_t n = 4000000;
  const auto x = random_ints(n, 350, 950, 5);
  ValueCounts c;
  ASSERT_TRUE(count_integers(n, [&](std::size_t i) { return x[i]; }, c));
  auto s = x;
  std::sort(s.begin(), s.end());
  I128 num = 0, sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    num += (2 * static_cast<I128>(i) + 1 - static_cast<I128>(n)) * static_cast<I128>(s[i]);
    sum += static_cast<I128>(s[i]);
  }
  expect_same(gini_of_counts(c), static_cast<double>(num) / (static_cast<double>(n) * static_cast<double>(sum)), "exact gini");
}

TEST(Counting, MeanWhereIsMeanOfTheGatheredValues) {
  for (std::size_t n : {0u, 1u, 5u, 16384u, 16385u, 100000u}) {
    for (int gap : {1, 2, 3, 7, 1000000}) {  // keep every gap-th value (1: all; 1000000: one or none)
      std::mt19937_64 g(n + static_cast<std::uint64_t>(gap));
      std::normal_distribution<double> d(600, 150);
      std::vector<double> x(n);
      for (double& v : x) v = d(g);
      auto keep = [&](std::size_t i) { return i % static_cast<std::size_t>(gap) == 0; };
      std::vector<double> kept;
      for (std::size_t i = 0; i < n; ++i)
        if (keep(i)) kept.push_back(x[i]);
      expect_same(mean_where(n, keep, [&](std::size_t i) { return x[i]; }), mean(kept),
                  "n=" + std::to_string(n) + " gap=" + std::to_string(gap));
    }
  }
}

// Deciles by a stable sort on (key, index), as MODEL.md §8 defines them.
std::vector<std::uint8_t> naive_deciles(const std::vector<double>& key) {
  const std::size_t n = key.size();
  std::vector<std::size_t> o(n);
  std::iota(o.begin(), o.end(), 0);
  std::stable_sort(o.begin(), o.end(), [&](auto a, auto b) { return key[a] < key[b]; });
  std::vector<std::uint8_t> d(n);
  for (std::size_t r = 0; r < n; ++r) d[o[r]] = static_cast<std::uint8_t>(10 * r / n);
  return d;
}

TEST(Counting, DecilesAndQuantilesBySelectionEqualTheSortedOnes) {
  std::vector<std::vector<double>> cases;
  for (std::size_t n : {1u, 2u, 5u, 9u, 10u, 11u, 19u, 101u, 4096u, 70001u}) {
    cases.push_back(random_tied(n, n));
    cases.push_back(random_ints(n, 0, 3, n + 1));
    cases.push_back(std::vector<double>(n, 2.5));
    std::mt19937_64 g(n + 2);
    std::normal_distribution<double> d(0, 1e6);
    std::vector<double> x(n);
    for (double& v : x) v = g() % 5 == 0 ? (g() % 2 ? -0.0 : 0.0) : d(g);  // negatives, ±0
    cases.push_back(x);
  }
  for (const auto& x : cases) {
    const std::string what = "n=" + std::to_string(x.size());
    EXPECT_EQ(deciles(x), naive_deciles(x)) << what;
    const auto q = quantiles(x, kProbs);
    const auto s = sorted_naive(x);
    const auto qs = quantiles_of_sorted(s, kProbs);
    for (std::size_t k = 0; k < kProbs.size(); ++k) expect_same(q[k], qs[k], what + " p=" + std::to_string(kProbs[k]));
  }
  EXPECT_TRUE(deciles(std::vector<double>{}).empty());
  EXPECT_TRUE(std::isnan(quantiles(std::vector<double>{}, kProbs)[3]));
}

// Spearman from the definition: average ranks by a sort, centred, products summed exactly
// (the doubled ranks are integers), then the same final formula.
double naive_spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = a.size();
  if (n < 2) return kNaN;
  auto ranks2 = [&](const std::vector<double>& x) {
    std::vector<std::size_t> o(n);
    std::iota(o.begin(), o.end(), 0);
    std::sort(o.begin(), o.end(), [&](auto i, auto j) { return x[i] < x[j]; });
    std::vector<I128> r(n);
    for (std::size_t g = 0; g < n;) {
      std::size_t e = g + 1;
      while (e < n && x[o[e]] == x[o[g]]) ++e;
      for (std::size_t k = g; k < e; ++k) r[o[k]] = static_cast<I128>(g + 1 + e) - static_cast<I128>(n + 1);
      g = e;
    }
    return r;
  };
  const auto ra = ranks2(a), rb = ranks2(b);
  I128 ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) ab += ra[i] * rb[i], aa += ra[i] * ra[i], bb += rb[i] * rb[i];
  const double sab = static_cast<double>(ab) / 4, saa = static_cast<double>(aa) / 4, sbb = static_cast<double>(bb) / 4;
  if (saa == 0 || sbb == 0) return kNaN;
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

TEST(Counting, SpearmanIsExactAgainstTheDefinition) {
  // Hand-worked: a = (1, 2, 3), b = (1, 3, 2): ranks differ in two places, ρ = 1 − 6·2/(3·8) = 0.5.
  EXPECT_DOUBLE_EQ(spearman(std::vector<double>{1, 2, 3}, std::vector<double>{1, 3, 2}), 0.5);
  EXPECT_DOUBLE_EQ(spearman(std::vector<double>{1.5, 2.5, 3.5}, std::vector<double>{1, 3, 2}), 0.5);  // non-integer a
  EXPECT_TRUE(std::isnan(spearman(std::vector<double>{1}, std::vector<double>{2})));
  EXPECT_TRUE(std::isnan(spearman(std::vector<double>{4, 4, 4}, std::vector<double>{1, 2, 3})));
  EXPECT_TRUE(std::isnan(spearman(std::vector<double>{1, 2, 3}, std::vector<double>{0.5, 0.5, 0.5})));
  for (std::size_t n : {2u, 3u, 50u, 5000u, 40000u}) {
    const auto ai = random_ints(n, 300, 850, n), af = random_tied(n, n + 7), b = random_tied(n, n + 9);
    const auto b_int = random_ints(n, 0, 5, n + 11);
    const std::string what = "n=" + std::to_string(n);
    expect_same(spearman(ai, b), naive_spearman(ai, b), what + " integer a");
    expect_same(spearman(af, b), naive_spearman(af, b), what + " non-integer a");
    expect_same(spearman(ai, b_int), naive_spearman(ai, b_int), what + " both integer");
    expect_same(spearman(af, af), naive_spearman(af, af), what + " identical");
  }
}

// rank_order of floats (radix sort on 32-bit keys) and of doubles (64-bit) against a comparison
// sort of (value, index) pairs: the same permutation and tie bits, with negatives, both zeros
// (equal: ties), infinities, long runs of ties, below and above the radix threshold and on
// more than four radix blocks (the parallel passes).
TEST(Counting, RankOrderIsTheSortedValueIndexOrder) {
  std::mt19937_64 g(17);
  for (std::size_t n : {1u, 7u, 4095u, 4096u, 70000u, 300000u}) {
    std::vector<float> f(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = g() % 20;
      f[i] = r == 0 ? 0.0f : r == 1 ? -0.0f : r == 2 ? -std::numeric_limits<float>::infinity() : r == 3 ? 1.5f
           : r < 8 ? static_cast<float>(static_cast<std::int64_t>(g() % 2001) - 1000) / 8.0f
                   : std::ldexp(static_cast<float>(g() % 100000) - 50000.0f, static_cast<int>(g() % 60) - 30);
    }
    const std::vector<double> d(f.begin(), f.end());
    std::vector<std::pair<double, std::uint32_t>> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = {d[i] + 0.0, static_cast<std::uint32_t>(i)};
    std::sort(want.begin(), want.end());
    for (const RankOrder& o : {rank_order(f), rank_order(d)}) {
      ASSERT_EQ(o.order.size(), n);
      for (std::size_t j = 0; j < n; ++j) {
        ASSERT_EQ(o.order[j], want[j].second) << "n=" << n << " j=" << j;
        ASSERT_EQ(o.tie(j), j > 0 && want[j].first == want[j - 1].first) << "n=" << n << " j=" << j;
      }
    }
  }
}

TEST(Counting, SpearmanOverAKeptSubsetAgainstTheGatheredValues) {
  const std::size_t n = 30000;
  std::mt19937_64 g(3);
  std::vector<float> w(n), s(n);
  for (std::size_t i = 0; i < n; ++i) {
    w[i] = g() % 7 == 0 ? 100.0f : static_cast<float>(g() % 100000) / 7.0f;  // ties in the fixed column
    s[i] = g() % 4 == 0 ? std::nanf("") : static_cast<float>(g() % 601 + 350);
  }
  const RankOrder o = rank_order(w);
  auto keep = [&](std::size_t i) { return std::isfinite(s[i]); };
  ValueCounts c;
  ASSERT_TRUE(count_integers(n, [&](std::size_t i) { return keep(i) ? static_cast<double>(s[i]) : kNaN; }, c));
  std::vector<double> x, y;
  for (std::size_t i = 0; i < n; ++i)
    if (keep(i)) x.push_back(s[i]), y.push_back(w[i]);
  const double got = spearman_counted(o, c, keep, [&](std::size_t i) { return s[i]; });
  expect_same(got, naive_spearman(x, y), "subset");
  expect_same(got, spearman(x, y), "subset vs spearman()");
  // Non-integer scores (ratings) with ties and NaN gaps, through spearman_finite.
  std::vector<float> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = g() % 5 == 0 ? std::nanf("") : static_cast<float>(g() % 900) / 200.0f + 1.0f;
  std::vector<double> xr, yr;
  for (std::size_t i = 0; i < n; ++i)
    if (std::isfinite(r[i])) xr.push_back(r[i]), yr.push_back(w[i]);
  expect_same(spearman_finite(o, r), naive_spearman(xr, yr), "ratings");
  const std::vector<float> one{std::nanf(""), 2.5f, std::nanf("")}, wide{1, 2, 3};
  EXPECT_TRUE(std::isnan(spearman_finite(rank_order(wide), one)));
  // Nobody kept, or one: NaN.
  ValueCounts none;
  EXPECT_TRUE(std::isnan(spearman_counted(o, none, [](std::size_t) { return false; }, [&](std::size_t i) { return s[i]; })));
}

TEST(Counting, SameBytesForOneAndTwoThreads) {
  const std::size_t n = 200000;
  const auto x = random_tied(n, 1), xi = random_ints(n, 350, 950, 2);
  std::vector<std::uint8_t> d[2];
  std::vector<double> q[2];
  double r[2], m[2];
  for (int th : {1, 2}) {
    omp_set_num_threads(th);
    d[th - 1] = deciles(x);
    q[th - 1] = quantiles(x, kProbs);
    r[th - 1] = spearman(xi, x);
    m[th - 1] = mean_where(n, [](std::size_t i) { return i % 3 != 0; }, [&](std::size_t i) { return x[i]; });
  }
  omp_set_num_threads(omp_get_num_procs());
  EXPECT_EQ(d[0], d[1]);
  EXPECT_EQ(q[0], q[1]);
  expect_same(r[0], r[1], "spearman");
  expect_same(m[0], m[1], "mean_where");
}

}  // namespace
}  // namespace credsim::measure
