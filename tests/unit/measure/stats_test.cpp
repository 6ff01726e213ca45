// Tests of the statistics kernels: hand-worked cases, agreement with naive independent
// verifiers on random data (O(n²) or fully sorted), edge cases, and byte-identical results for 1 and 2 threads.
#include "credsim/measure/stats.hpp"

#include "credsim/core/parallel.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

namespace credsim::measure {
namespace {

// ---------- naive verifiers: deliberately the textbook definitions, sharing no code ----------

double naive_gini(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  long double diff = 0, sum = 0;
  for (double a : x) {
    sum += a;
    for (double b : x) diff += std::fabs(static_cast<long double>(a) - b);
  }
  if (x.empty() || sum == 0) return 0.0;
  const long double mean = sum / n;
  return static_cast<double>(diff / (2.0L * n * n * mean));
}

// Type 7 straight from the definition on a fully sorted copy.
std::vector<double> naive_quantiles(std::vector<double> x, const std::vector<double>& probs) {
  std::sort(x.begin(), x.end());
  std::vector<double> out;
  for (double p : probs) {
    const double h = (static_cast<double>(x.size()) - 1) * p;
    const auto f = static_cast<std::size_t>(std::floor(h));
    if (f + 1 >= x.size()) {
      out.push_back(x.back());
    } else {
      out.push_back(x[f] + (h - std::floor(h)) * (x[f + 1] - x[f]));
    }
  }
  return out;
}

// Each value tested against every bin's edges lo + i·w.
std::vector<std::uint64_t> naive_histogram(const std::vector<double>& x, double lo, double hi,
                                           std::size_t bins) {
  std::vector<std::uint64_t> h(bins, 0);
  const double w = (hi - lo) / static_cast<double>(bins);
  for (double v : x) {
    if (v < lo) { ++h[0]; continue; }
    bool placed = false;
    for (std::size_t i = 0; i + 1 < bins && !placed; ++i) {
      if (v >= lo + static_cast<double>(i) * w && v < lo + static_cast<double>(i + 1) * w) {
        ++h[i];
        placed = true;
      }
    }
    if (!placed) ++h[bins - 1];  // the last bin, closed at hi, plus everything above
  }
  return h;
}

std::vector<std::uint8_t> naive_deciles(const std::vector<double>& key) {
  std::vector<std::pair<double, std::size_t>> p;
  for (std::size_t i = 0; i < key.size(); ++i) p.emplace_back(key[i], i);
  std::sort(p.begin(), p.end());  // pair order = by key, then by index
  std::vector<std::uint8_t> d(key.size());
  for (std::size_t r = 0; r < p.size(); ++r) d[p[r].second] = static_cast<std::uint8_t>(10 * r / p.size());
  return d;
}

// Average rank by counting: 1 + #smaller + (#equal − 1)/2, O(n²).
std::vector<double> naive_ranks(const std::vector<double>& x) {
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    double less = 0, equal = 0;
    for (double v : x) {
      less += v < x[i];
      equal += v == x[i];
    }
    r[i] = 1 + less + (equal - 1) / 2;
  }
  return r;
}

// Same ranks in O(n log n) via a count per distinct value, for large samples with many ties.
std::vector<double> counted_ranks(const std::vector<double>& x) {
  std::map<double, double> count;
  for (double v : x) count[v] += 1;
  std::map<double, double> avg;
  double below = 0;
  for (auto& [v, c] : count) {
    avg[v] = below + (c + 1) / 2;
    below += c;
  }
  std::vector<double> r;
  for (double v : x) r.push_back(avg[v]);
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  long double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= n;
  mb /= n;
  long double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return static_cast<double>(sab / std::sqrt(saa * sbb));
}

std::vector<double> uniform(std::size_t n, std::uint64_t seed, double lo = 0, double hi = 1) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> x(n);
  for (double& v : x) v = u(g);
  return x;
}

// Lognormal, rounded to a grid so that ties are common (as for wealth bands or scores).
std::vector<double> lumpy(std::size_t n, std::uint64_t seed, double grid) {
  std::mt19937_64 g(seed);
  std::lognormal_distribution<double> d(0.0, 1.0);
  std::vector<double> x(n);
  for (double& v : x) v = std::round(d(g) / grid) * grid;
  return x;
}

template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}
bool same_bytes(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// ---------- hand-worked cases ----------

TEST(Stats, MeanAndStdevByHand) {
  // {2,4,4,4,5,5,7,9}: mean 40/8 = 5; squared deviations 9,1,1,1,0,0,4,16 sum 32; 32/8 = 4 → sd 2.
  const std::vector<double> x{2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(x), 5.0);
  EXPECT_DOUBLE_EQ(stdev(x), 2.0);
}

TEST(Stats, QuantilesByHand) {
  // 1..5 (given unsorted): h = 4p. p=0 → x[0]=1; p=.1 → h=.4 → 1+.4·1 = 1.4; p=.25 → h=1 → 2;
  // p=.5 → 3; p=.9 → h=3.6 → 4+.6 = 4.6; p=1 → 5 (numpy.quantile gives the same).
  const std::vector<double> x{3, 1, 5, 2, 4};
  const std::vector<double> p{0, 0.1, 0.25, 0.5, 0.9, 1};
  const std::vector<double> want{1, 1.4, 2, 3, 4.6, 5};
  const auto q = quantiles(x, p);
  ASSERT_EQ(q.size(), want.size());
  for (std::size_t i = 0; i < q.size(); ++i) EXPECT_DOUBLE_EQ(q[i], want[i]) << "p=" << p[i];
  // {10,20,30,40}: h = 3p. p=.5 → h=1.5 → 20+.5·10 = 25; p=.75 → h=2.25 → 30+.25·10 = 32.5.
  const std::vector<double> y{40, 10, 30, 20};
  const std::vector<double> p2{0.5, 0.75};
  const auto q2 = quantiles(y, p2);
  EXPECT_DOUBLE_EQ(q2[0], 25.0);
  EXPECT_DOUBLE_EQ(q2[1], 32.5);
}

TEST(Stats, HistogramByHand) {
  // [0,1) in 4 bins of .25: −.5 and 0 → bin 0 (below lo goes to 0); .25,.3 → 1; .5,.74 → 2;
  // .75, 1.0 (closed at hi), 2.0 (above hi) → 3.
  const std::vector<double> x{-0.5, 0, 0.25, 0.3, 0.5, 0.74, 0.75, 1.0, 2.0};
  EXPECT_EQ(histogram(x, 0.0, 1.0, 4), (std::vector<std::uint64_t>{2, 2, 2, 3}));
  EXPECT_EQ(histogram(x, 0.0, 1.0, 1), (std::vector<std::uint64_t>{9}));
}

TEST(Stats, GiniByHand) {
  // {0,0,0,1}: Σ|xi−xj| = 6 (3 pairs ×2), n²·mean·2 = 16·.25·2 = 8 → .75.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{0, 0, 0, 1}), 0.75);
  EXPECT_EQ(gini(std::vector<double>{1, 1, 1}), 0.0);
  // {1,2,3,4}: Σ|xi−xj| = 2·(1+2+3+1+2+1) = 20, 2·16·2.5 = 80 → .25.
  EXPECT_DOUBLE_EQ(gini(std::vector<double>{4, 2, 1, 3}), 0.25);
  EXPECT_EQ(gini(std::vector<double>{0, 0, 0}), 0.0);  // zero sum → 0 by definition
}

TEST(Stats, DecilesByHand) {
  // keys 3,1,2,2,0,9,8,7,6,5: ascending with ties by index gives ranks
  // idx4(0)=0, idx1(1)=1, idx2(2)=2, idx3(2)=3, idx0(3)=4, idx9=5, idx8=6, idx7=7, idx6=8, idx5=9;
  // n = 10 so decile = rank.
  const std::vector<double> k{3, 1, 2, 2, 0, 9, 8, 7, 6, 5};
  EXPECT_EQ(deciles(k), (std::vector<std::uint8_t>{4, 1, 2, 3, 0, 9, 8, 7, 6, 5}));
  // Three equal keys: ranks 0,1,2 by index → ⌊0⌋, ⌊10/3⌋, ⌊20/3⌋ = 0, 3, 6.
  EXPECT_EQ(deciles(std::vector<double>{7, 7, 7}), (std::vector<std::uint8_t>{0, 3, 6}));
}

TEST(Stats, DecileSharesAndRatesByHand) {
  // Flagged: one in decile 0 (of 2), two in decile 1 (of 2), none in decile 9 (of 1).
  const std::vector<std::uint8_t> d{0, 0, 1, 1, 9};
  const std::vector<std::uint8_t> f{1, 0, 1, 3, 0};  // any non-zero flag counts
  const auto share = share_by_decile(d, f);
  ASSERT_EQ(share.size(), 10u);
  EXPECT_DOUBLE_EQ(share[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(share[1], 2.0 / 3);
  for (int i = 2; i < 10; ++i) EXPECT_EQ(share[i], 0.0);
  const auto rate = rate_by_decile(d, f);
  ASSERT_EQ(rate.size(), 10u);
  EXPECT_EQ(rate[0], 0.5);
  EXPECT_EQ(rate[1], 1.0);
  for (int i = 2; i < 10; ++i) EXPECT_EQ(rate[i], 0.0);  // 2..8 empty, 9 has none flagged
  const std::vector<std::uint8_t> none(5, 0);
  EXPECT_EQ(share_by_decile(d, none), std::vector<double>(10, 0.0));
}

TEST(Stats, SpearmanByHand) {
  // a ranks 1..5; b = {5,6,7,8,7} ranks {1,2,3.5,5,3.5}. Deviations from 3: a {−2,−1,0,1,2},
  // b {−2,−1,.5,2,.5}: Σab = 4+1+0+2+1 = 8, Σa² = 10, Σb² = 9.5 → 8/√95.
  const std::vector<double> a{1, 2, 3, 4, 5}, b{5, 6, 7, 8, 7};
  EXPECT_DOUBLE_EQ(spearman(a, b), 8.0 / std::sqrt(95.0));
  const std::vector<double> up{1, 10, 100, 1000, 10000}, down{5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(spearman(a, up), 1.0);
  EXPECT_DOUBLE_EQ(spearman(a, down), -1.0);
}

// ---------- edge cases ----------

TEST(Stats, Empty) {
  const std::vector<double> e;
  EXPECT_TRUE(std::isnan(mean(e)));
  EXPECT_TRUE(std::isnan(stdev(e)));
  const std::vector<double> p{0, 0.5, 1};
  for (double q : quantiles(e, p)) EXPECT_TRUE(std::isnan(q));
  EXPECT_EQ(histogram(e, 0, 1, 3), (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(gini(e), 0.0);
  EXPECT_TRUE(deciles(e).empty());
  const std::vector<std::uint8_t> none;
  EXPECT_EQ(share_by_decile(none, none), std::vector<double>(10, 0.0));
  EXPECT_EQ(rate_by_decile(none, none), std::vector<double>(10, 0.0));
  EXPECT_TRUE(std::isnan(spearman(e, e)));
  EXPECT_TRUE(quantiles(std::vector<double>{1, 2}, std::vector<double>{}).empty());
}

TEST(Stats, Single) {
  const std::vector<double> x{3.5};
  EXPECT_EQ(mean(x), 3.5);
  EXPECT_EQ(stdev(x), 0.0);
  EXPECT_EQ(quantiles(x, std::vector<double>{0, 0.3, 1}), (std::vector<double>{3.5, 3.5, 3.5}));
  EXPECT_EQ(histogram(x, 0, 10, 2), (std::vector<std::uint64_t>{1, 0}));
  EXPECT_EQ(gini(x), 0.0);
  EXPECT_EQ(deciles(x), (std::vector<std::uint8_t>{0}));
  EXPECT_TRUE(std::isnan(spearman(x, x)));
}

TEST(Stats, AllEqual) {
  const std::vector<double> x(1000, 0.1);
  EXPECT_NEAR(mean(x), 0.1, 1e-16);
  EXPECT_LE(stdev(x), 1e-16);
  for (double q : quantiles(x, std::vector<double>{0, 0.37, 1})) EXPECT_EQ(q, 0.1);
  EXPECT_EQ(histogram(x, 0, 1, 10)[1], 1000u);
  EXPECT_NEAR(gini(x), 0.0, 1e-14);
  EXPECT_EQ(gini(std::vector<double>(1000, 2.0)), 0.0);  // integers: exact cancellation
  const auto d = deciles(x);
  for (std::size_t i = 0; i < d.size(); ++i) EXPECT_EQ(d[i], i / 100);  // by index
  const std::vector<double> up = uniform(1000, 5);
  EXPECT_TRUE(std::isnan(spearman(x, up)));  // no variation: undefined
}

TEST(Stats, NegativeZeroIsZero) {
  // −0.0 and +0.0 sort as ties in any order; results must not show which came first.
  const std::vector<double> x{0.0, -0.0, -0.0, 0.0, 1.0};
  const auto q = quantiles(x, std::vector<double>{0, 0.5});
  EXPECT_FALSE(std::signbit(q[0]));
  EXPECT_FALSE(std::signbit(q[1]));
}

#if !defined(NDEBUG) || defined(CREDSIM_CHECKED)
TEST(StatsDeathTest, GiniRejectsNegative) {
  EXPECT_DEATH(gini(std::vector<double>{1, -1}), "assertion");
}
#endif

// ---------- random data against the naive verifiers ----------

TEST(Stats, MeanStdevMatchLongDouble) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto x = uniform(100000, seed, 1e6, 1e6 + 1);  // large offset: one-pass would lose digits
    long double s = 0;
    for (double v : x) s += v;
    const long double m = s / x.size();
    long double ss = 0;
    for (double v : x) ss += (v - m) * (v - m);
    EXPECT_NEAR(mean(x), static_cast<double>(m), 1e-9);
    EXPECT_NEAR(stdev(x), static_cast<double>(std::sqrt(ss / x.size())), 1e-9);
  }
}

TEST(Stats, GiniMatchesDoubleLoop) {
  for (std::uint64_t seed : {11u, 12u, 13u}) {
    const auto x = lumpy(1500, seed, 0.25);  // ties and zeros
    EXPECT_NEAR(gini(x), naive_gini(x), 1e-12) << "seed " << seed;
    const auto u = uniform(1200, seed);
    EXPECT_NEAR(gini(u), naive_gini(u), 1e-12) << "seed " << seed;
  }
}

TEST(Stats, QuantilesMatchSortedCopy) {
  std::vector<double> p{0, 1e-6, 0.01, 0.1, 0.25, 1.0 / 3, 0.5, 0.9, 0.99, 0.999999, 1};
  std::mt19937_64 g(21);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 50; ++i) p.push_back(u(g));
  for (std::size_t n : {2u, 3u, 7u, 1000u, 300000u}) {
    const auto x = lumpy(n, 22 + n, 0.01);
    const auto q = quantiles(x, p);
    const auto want = naive_quantiles(x, p);
    for (std::size_t k = 0; k < p.size(); ++k) EXPECT_DOUBLE_EQ(q[k], want[k]) << "n=" << n << " p=" << p[k];
  }
}

// The sliced path (quantiles_and_gini) against one full sort: the same bytes for every slice
// count, including slices inside long runs of ties (zeros, a grid), signed zeros, runs that span
// several slices, and sizes around the reduce block.
TEST(Stats, QuantilesAndGiniSlicedMatchFullSortBytes) {
  std::vector<double> p{0, 1e-6, 0.01, 0.1, 0.25, 1.0 / 3, 0.5, 0.9, 0.99, 0.999999, 1};
  auto check = [&](const std::vector<double>& x, const char* what) {
    const std::vector<double> full = sorted(x);
    const auto want_q = quantiles_of_sorted(full, p);
    const double want_g = gini_of_sorted(full);
    for (std::size_t parts : {1u, 2u, 3u, 8u, 64u, 1000u}) {
      const QuantilesGini got = quantiles_and_gini(x, p, parts);
      EXPECT_TRUE(same_bytes(got.gini, want_g)) << what << " n=" << x.size() << " parts=" << parts;
      EXPECT_TRUE(same_bytes(got.quantiles, want_q)) << what << " n=" << x.size() << " parts=" << parts;
    }
  };
  for (std::size_t n : {1u, 2u, 5u, 16383u, 16384u, 16385u, 100000u}) {
    check(lumpy(n, 500 + n, 0.05), "lumpy");
    check(uniform(n, 600 + n), "uniform");
    std::vector<double> z = uniform(n, 700 + n);  // 60 % zeros (half of them −0.0): one run over slices
    for (std::size_t i = 0; i < n; ++i)
      if (i % 5 < 3) z[i] = i % 2 ? -0.0 : 0.0;
    check(z, "zeros");
    std::vector<double> c(n, 3.5);  // all equal
    check(c, "constant");
    std::vector<double> two(n);  // two values, each run longer than a slice
    for (std::size_t i = 0; i < n; ++i) two[i] = i % 3 ? 7.0 : 2.0;
    check(two, "two values");
  }
  const QuantilesGini e = quantiles_and_gini(std::vector<double>{}, p);
  EXPECT_EQ(e.gini, 0.0);
  for (double q : e.quantiles) EXPECT_TRUE(std::isnan(q));
  // The same bytes for 1 and 2 threads.
  const auto x = lumpy(200000, 77, 1e-3);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const QuantilesGini one = quantiles_and_gini(x, p, 8);
  omp_set_num_threads(2);
  const QuantilesGini two = quantiles_and_gini(x, p, 8);
  omp_set_num_threads(saved);
  EXPECT_TRUE(same_bytes(one.gini, two.gini));
  EXPECT_TRUE(same_bytes(one.quantiles, two.quantiles));
  EXPECT_NEAR(one.gini, gini(x), 0.0);
}

// The in-place reporters' path (points balances of residents) against the gathered copy.
TEST(Stats, WhereKernelsMatchTheGatheredCopyBytes) {
  std::vector<double> p{0, 0.01, 0.05, 0.25, 1.0 / 3, 0.5, 0.75, 0.95, 0.99, 1};
  std::mt19937_64 g(31);
  for (std::size_t n : {1u, 2u, 7u, 16384u, 16385u, 60000u}) {
    for (int kind = 0; kind < 3; ++kind) {
      std::vector<float> x(n);
      std::vector<std::uint8_t> keep(n);
      for (std::size_t i = 0; i < n; ++i) {
        x[i] = kind == 0 ? static_cast<float>(1000 + static_cast<int>(g() % 400) - 200)  // integer balances
                         : kind == 1 ? static_cast<float>(g() % 1000000) / 7.0f       // fractions
                                     : (g() % 3 ? 5.0f : -0.0f);                      // ties, signed zeros
        keep[i] = kind == 2 ? (i % 4 != 1) : (g() % 10 < 7);
      }
      if (n > 2) keep[0] = 1, keep[n - 1] = 0;
      std::vector<double> gathered;
      for (std::size_t i = 0; i < n; ++i)
        if (keep[i]) gathered.push_back(x[i]);
      auto kf = [&](std::size_t i) { return keep[i] != 0; };
      auto vf = [&](std::size_t i) { return static_cast<double>(x[i]); };
      const std::string what = "n=" + std::to_string(n) + " kind=" + std::to_string(kind);
      EXPECT_TRUE(same_bytes(mean_where(n, kf, vf), mean(gathered))) << what;
      EXPECT_TRUE(same_bytes(stdev_where(n, kf, vf), stdev(gathered))) << what;
      EXPECT_TRUE(same_bytes(quantiles_where(x, kf, p), quantiles(gathered, p))) << what;
      if (!gathered.empty()) {  // and the textbook definition (equal values; it may keep a −0.0)
        const auto q = quantiles_where(x, kf, p), want = naive_quantiles(gathered, p);
        for (std::size_t k = 0; k < p.size(); ++k) EXPECT_EQ(q[k], want[k]) << what << " p=" << p[k];
      }
    }
  }
  const std::vector<float> x{1, 2};
  const std::vector<std::uint8_t> none{0, 0};
  EXPECT_TRUE(std::isnan(stdev_where(2, [](std::size_t) { return false; }, [&](std::size_t i) { return double(x[i]); })));
  for (double q : quantiles_where(std::span<const float>(x), [&](std::size_t i) { return none[i] != 0; }, p)) EXPECT_TRUE(std::isnan(q));
}

TEST(Stats, FloatDecilesMatchTheDoubleCopy) {
  std::mt19937_64 g(41);
  for (std::size_t n : {1u, 10u, 999u, 50000u}) {
    std::vector<float> f(n);
    for (auto& v : f) v = static_cast<float>(g() % 500) / 64.0f;  // ties
    const std::vector<double> d(f.begin(), f.end());
    EXPECT_EQ(deciles(std::span<const float>(f)), deciles(d)) << "n=" << n;
    EXPECT_EQ(deciles(std::span<const float>(f)), naive_deciles(d)) << "n=" << n;
  }
}

// The float overloads (reporters reading float columns in place) against the double copies.
TEST(Stats, FloatOverloadsMatchTheDoubleCopyBytes) {
  std::mt19937_64 g(43);
  std::vector<double> p{0, 0.01, 0.5, 0.99, 1};
  for (std::size_t n : {1u, 2u, 100u, 20000u}) {
    for (int kind = 0; kind < 2; ++kind) {
      std::vector<float> a(n), b(n);
      for (std::size_t i = 0; i < n; ++i) {
        a[i] = kind == 0 ? static_cast<float>(300 + g() % 551) : static_cast<float>(g() % 100000) / 3.0f;  // FICO-like / fractions
        b[i] = static_cast<float>(g() % 5000) * 1.5f;  // initial wealth with ties
      }
      const std::vector<double> da(a.begin(), a.end()), db(b.begin(), b.end());
      const std::string what = "n=" + std::to_string(n) + " kind=" + std::to_string(kind);
      EXPECT_TRUE(same_bytes(spearman(std::span<const float>(a), std::span<const float>(b)), spearman(da, db))) << what;
      EXPECT_TRUE(same_bytes(histogram(std::span<const float>(a), 300, 850, 22), histogram(da, 300, 850, 22))) << what;
      const QuantilesGini f = quantiles_and_gini(std::span<const float>(a), p, 3);
      const QuantilesGini d = quantiles_and_gini(da, p, 3);
      EXPECT_TRUE(same_bytes(f.gini, d.gini)) << what;
      EXPECT_TRUE(same_bytes(f.quantiles, d.quantiles)) << what;
      EXPECT_TRUE(same_bytes(f.gini, gini_of_sorted(sorted(da)))) << what;
    }
  }
}

TEST(Stats, HistogramMatchesLoop) {
  const double lo = -1.0, hi = 2.5;
  const std::size_t bins = 7;
  auto x = uniform(200000, 31, -2.0, 3.5);  // some below lo, some above hi
  // Values exactly on every edge, where the division could round across it.
  const double w = (hi - lo) / bins;
  for (std::size_t i = 0; i <= bins; ++i) {
    x.push_back(lo + static_cast<double>(i) * w);
    x.push_back(std::nextafter(lo + static_cast<double>(i) * w, -1e9));
    x.push_back(std::nextafter(lo + static_cast<double>(i) * w, 1e9));
  }
  x.push_back(hi);
  EXPECT_EQ(histogram(x, lo, hi, bins), naive_histogram(x, lo, hi, bins));
  // Scores in [0,1] with 0.1 bins: decimal edges are not representable, the classic trap.
  std::vector<double> s;
  for (int i = 0; i <= 1000; ++i) s.push_back(i / 1000.0);
  EXPECT_EQ(histogram(s, 0, 1, 10), naive_histogram(s, 0, 1, 10));
  EXPECT_EQ(histogram(s, 0.1, 0.7, 3), naive_histogram(s, 0.1, 0.7, 3));
}

TEST(Stats, DecilesMatchSortedPairs) {
  for (std::size_t n : {1u, 9u, 10u, 11u, 99u, 12345u, 300000u}) {
    const auto k = lumpy(n, 41 + n, 0.5);  // heavy ties: the index tie-break matters
    EXPECT_EQ(deciles(k), naive_deciles(k)) << "n=" << n;
  }
}

TEST(Stats, MixedSignsAndSignedZerosMatchNaive) {
  // Negative values, infinities and ±0 exercise the order-preserving bit map behind the sort;
  // ±0 must count as ties broken by index. Sizes straddle the small-input path (4096).
  for (std::size_t n : {100u, 5000u, 300000u}) {
    auto x = uniform(n, 81 + n, -3.0, 3.0);
    std::mt19937_64 g(n);
    for (std::size_t i = 0; i < n; i += 1 + g() % 5) x[i] = (g() % 2) ? 0.0 : -0.0;
    for (std::size_t i = 0; i < n; i += 1 + g() % 50) x[i] = std::round(x[i]);
    x[n / 3] = -std::numeric_limits<double>::infinity();
    x[n / 2] = std::numeric_limits<double>::infinity();
    EXPECT_EQ(deciles(x), naive_deciles(x)) << "n=" << n;
    const std::vector<double> p{0.001, 0.1, 0.3, 0.5, 0.77, 0.999};
    const auto q = quantiles(x, p);
    const auto want = naive_quantiles(x, p);
    // Interpolating next to an infinity gives NaN in both (inf − inf), so NaN counts as equal.
    for (std::size_t k = 0; k < p.size(); ++k)
      EXPECT_TRUE(q[k] == want[k] || (std::isnan(q[k]) && std::isnan(want[k])))
          << "n=" << n << " p=" << p[k] << ": " << q[k] << " vs " << want[k];
    const auto y = uniform(n, 91 + n);
    if (n <= 100)  // O(n²) ranks only where cheap; counting by value elsewhere
      EXPECT_NEAR(spearman(x, y), pearson(naive_ranks(x), naive_ranks(y)), 1e-12);
    else
      EXPECT_NEAR(spearman(x, y), pearson(counted_ranks(x), counted_ranks(y)), 1e-10);
  }
}

TEST(Stats, DecileSharesMatchLoop) {
  std::mt19937_64 g(51);
  const std::size_t n = 100000;
  const auto d = deciles(uniform(n, 52));
  std::vector<std::uint8_t> f(n);
  for (std::size_t i = 0; i < n; ++i) f[i] = (g() % 7) < static_cast<unsigned>(d[i] % 4) ? 1 : 0;
  std::vector<double> fl(10, 0), tot(10, 0);
  for (std::size_t i = 0; i < n; ++i) {
    tot[d[i]] += 1;
    fl[d[i]] += f[i] != 0;
  }
  const double all = std::accumulate(fl.begin(), fl.end(), 0.0);
  const auto share = share_by_decile(d, f);
  const auto rate = rate_by_decile(d, f);
  double sum = 0;
  for (int i = 0; i < 10; ++i) {
    EXPECT_DOUBLE_EQ(share[i], fl[i] / all);
    EXPECT_DOUBLE_EQ(rate[i], fl[i] / tot[i]);
    sum += share[i];
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

// The fused passes against the separate kernels: the same bytes (deterministic_sum2's two sums
// against two deterministic_sums; mean_and_stdev against mean and stdev; the accessor version
// against mean_of and stdev_of), on sizes around the reduce block and far from zero, where the
// order of the additions shows in the last bits.
TEST(Stats, FusedSumsAndMomentsMatchTheSeparateKernelsBytes) {
  for (std::size_t n : {0u, 1u, 2u, 16383u, 16384u, 16385u, 100001u}) {
    std::vector<double> x = lumpy(n, 900 + n, 0.01);
    for (std::size_t i = 0; i < n; ++i) x[i] = x[i] * 1e3 + 1e9 + (i % 3 ? 0.1 : -0.3);
    const auto [a, b] = deterministic_sum2<double, std::uint64_t>(n, [&](std::size_t i, double& s, std::uint64_t& c) {
      s += x[i] * 0.7;
      c += i % 5;
    });
    EXPECT_TRUE(same_bytes(a, deterministic_sum<double>(n, [&](std::size_t i) { return x[i] * 0.7; }))) << n;
    EXPECT_EQ(b, deterministic_sum<std::uint64_t>(n, [&](std::size_t i) { return std::uint64_t{i % 5}; })) << n;
    const MeanSd ms = mean_and_stdev(x);
    EXPECT_TRUE(same_bytes(ms.mean, mean(x)) || (std::isnan(ms.mean) && std::isnan(mean(x)))) << n;
    EXPECT_TRUE(same_bytes(ms.sd, stdev(x)) || (std::isnan(ms.sd) && std::isnan(stdev(x)))) << n;
    auto get = [&](std::size_t i) { return std::floor(x[i]); };
    const MeanSd mo = mean_and_stdev_of(n, get);
    EXPECT_TRUE(same_bytes(mo.mean, mean_of(n, get)) || (n == 0 && std::isnan(mo.mean))) << n;
    EXPECT_TRUE(same_bytes(mo.sd, stdev_of(n, get)) || (n == 0 && std::isnan(mo.sd))) << n;
  }
  const MeanSd hand = mean_and_stdev(std::vector<double>{2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(hand.mean, 5.0);
  EXPECT_EQ(hand.sd, 2.0);
}

// The one-pass tally of several flags per decile against a loop per flag and against
// share_by_decile / rate_by_decile on each flag column: the same doubles, for flags that are
// dense, sparse, never set (share all 0) and always set, with deciles that leave one empty
// (rate 0), and the same for 1 and 2 threads.
TEST(Stats, DecileTallyMatchesPerFlagLoopsAndKernels) {
  std::mt19937_64 g(53);
  const std::size_t n = 70001, F = 64;
  std::vector<std::uint8_t> d = deciles(uniform(n, 54));
  for (std::size_t i = 0; i < n; ++i)
    if (d[i] == 4) d[i] = 5;  // decile 4 empty
  std::vector<std::uint64_t> mask(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t m = g() & g();  // about a quarter of the bits
    m &= ~(std::uint64_t{1} << 7);                    // flag 7 never set
    m |= std::uint64_t{1} << 9;                        // flag 9 always set
    if (g() % 1000) m &= ~(std::uint64_t{1} << 20);    // flag 20 rare
    mask[i] = m;
  }
  auto run = [&] { return tally_by_decile(d, F, [&](std::size_t i) { return mask[i]; }); };
  const DecileTally t = run();
  std::array<std::uint64_t, 10> total{};
  for (std::size_t i = 0; i < n; ++i) ++total[d[i]];
  EXPECT_EQ(t.total, total);
  EXPECT_EQ(t.total[4], 0u);
  for (std::size_t f = 0; f < F; ++f) {
    std::array<std::uint64_t, 10> want{};
    std::vector<std::uint8_t> col(n);
    for (std::size_t i = 0; i < n; ++i) {
      col[i] = (mask[i] >> f) & 1;
      want[d[i]] += col[i];
    }
    EXPECT_EQ(t.flagged[f], want) << "flag " << f;
    EXPECT_EQ(t.flagged_total(f), std::accumulate(want.begin(), want.end(), std::uint64_t{0}));
    EXPECT_TRUE(same_bytes(t.share(f), share_by_decile(d, col))) << "flag " << f;
    EXPECT_TRUE(same_bytes(t.rate(f), rate_by_decile(d, col))) << "flag " << f;
  }
  EXPECT_EQ(t.flagged_total(7), 0u);
  EXPECT_EQ(t.flagged_total(9), n);
  EXPECT_EQ(t.rate(9)[4], 0.0);
  for (double s : t.share(7)) EXPECT_EQ(s, 0.0);
  // Fewer flags than mask bits is a precondition; three flags of a narrow mask:
  const DecileTally three = tally_by_decile(d, 3, [&](std::size_t i) { return mask[i] & 7; });
  for (std::size_t f = 0; f < 3; ++f) EXPECT_EQ(three.flagged[f], t.flagged[f]);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const DecileTally one = run();
  omp_set_num_threads(2);
  const DecileTally two = run();
  omp_set_num_threads(saved);
  EXPECT_EQ(one.total, two.total);
  EXPECT_EQ(one.flagged, two.flagged);
  EXPECT_EQ(one.flagged, t.flagged);
}

TEST(Stats, SpearmanMatchesPearsonOfNaiveRanks) {
  for (std::uint64_t seed : {61u, 62u}) {
    const auto a = lumpy(800, seed, 0.5);
    auto b = a;
    std::mt19937_64 g(seed);
    std::normal_distribution<double> noise(0, 1);
    for (double& v : b) v = std::round(v + noise(g));  // correlated, tied
    EXPECT_NEAR(spearman(a, b), pearson(naive_ranks(a), naive_ranks(b)), 1e-12);
    const auto u = uniform(800, seed + 100);
    EXPECT_NEAR(spearman(a, u), pearson(naive_ranks(a), naive_ranks(u)), 1e-12);
  }
  // Large n with tie groups far longer than one reduction block (16384): the block hand-over.
  const auto a = lumpy(200000, 63, 1.0);
  const auto b = uniform(200000, 64);
  auto c = a;
  for (std::size_t i = 0; i < c.size(); ++i) c[i] += b[i] > 0.5 ? 1 : 0;
  EXPECT_NEAR(spearman(a, c), pearson(counted_ranks(a), counted_ranks(c)), 1e-10);
  EXPECT_NEAR(spearman(a, b), pearson(counted_ranks(a), counted_ranks(b)), 1e-10);
}

// ---------- determinism: 1 thread and 2 threads give the same bytes ----------

struct AllResults {
  double m, sd, g, rho;
  std::vector<double> q, share, rate;
  std::vector<std::uint64_t> h;
  std::vector<std::uint8_t> dec;
};

AllResults compute_all(const std::vector<double>& x, const std::vector<double>& y) {
  AllResults r;
  r.m = mean(x);
  r.sd = stdev(x);
  r.g = gini(x);
  r.rho = spearman(x, y);
  r.q = quantiles(x, std::vector<double>{0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1});
  r.h = histogram(x, 0, 20, 64);
  r.dec = deciles(x);
  std::vector<std::uint8_t> flag(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) flag[i] = y[i] > 0.7;
  r.share = share_by_decile(r.dec, flag);
  r.rate = rate_by_decile(r.dec, flag);
  return r;
}

TEST(Stats, IdenticalBytesForOneAndTwoThreads) {
  const std::size_t n = 300000;
  const auto x = lumpy(n, 71, 1e-4);
  const auto y = uniform(n, 72);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const AllResults one = compute_all(x, y);
  omp_set_num_threads(2);
  const AllResults two = compute_all(x, y);
  omp_set_num_threads(saved);
  EXPECT_TRUE(same_bytes(one.m, two.m));
  EXPECT_TRUE(same_bytes(one.sd, two.sd));
  EXPECT_TRUE(same_bytes(one.g, two.g));
  EXPECT_TRUE(same_bytes(one.rho, two.rho));
  EXPECT_TRUE(same_bytes(one.q, two.q));
  EXPECT_TRUE(same_bytes(one.h, two.h));
  EXPECT_TRUE(same_bytes(one.dec, two.dec));
  EXPECT_TRUE(same_bytes(one.share, two.share));
  EXPECT_TRUE(same_bytes(one.rate, two.rate));
}

}  // namespace
}  // namespace credsim::measure
