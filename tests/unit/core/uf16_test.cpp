// The 16-bit unsigned float of the persons' columns (core/uf16.hpp): every code decodes exactly
// (against (1 + M/1024)·2^(E−33) computed independently), decoding is strictly increasing and
// encode(decode(c)) = c for all 65536 codes; encoding is round-to-nearest, ties-to-even, against a
// brute-force reference (binary search over the codes' exact values) on a million random doubles,
// every midpoint and the subnormal and boundary cases; values it cannot hold report failure.
#include "credsim/core/uf16.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "credsim/measure/stats.hpp"

namespace credsim {
namespace {

constexpr std::uint32_t kCodes = 65536;

// The value of code c, computed from the definition in double (every code's value is a double).
double reference_value(std::uint32_t c) {
  const std::uint32_t e = c >> 10, m = c & 1023u;
  if (e == 0) return std::ldexp(static_cast<double>(m) / 1024.0, -32);
  return std::ldexp(1.0 + static_cast<double>(m) / 1024.0, static_cast<int>(e) - 33);
}

// Round to nearest, ties to even, by brute force: the largest code whose value is ≤ x (binary
// search over the reference values), then the nearer of it and the next; a tie goes to the even
// code. Past the largest code the next value would be 2^31 (code 65536, even): x from the midpoint
// kMax + 2^19 on is not representable.
std::optional<std::uint32_t> reference_encode(double x) {
  if (!(x >= 0.0) || std::isinf(x)) return std::nullopt;
  std::uint32_t lo = 0, hi = kCodes - 1;
  if (x >= reference_value(hi)) {
    lo = hi;
  } else {
    while (hi - lo > 1) {  // value(lo) ≤ x < value(hi)
      const std::uint32_t mid = (lo + hi) / 2;
      (reference_value(mid) <= x ? lo : hi) = mid;
    }
  }
  const double a = reference_value(lo);
  const double b = lo + 1 < kCodes ? reference_value(lo + 1) : 0x1p31;
  const double mid = a + (b - a) / 2;  // exact: a and b have at most 12 significant bits
  std::uint32_t c;
  if (x < mid) c = lo;
  else if (x > mid) c = lo + 1;
  else c = (lo % 2 == 0) ? lo : lo + 1;
  if (c >= kCodes) return std::nullopt;
  return c;
}

TEST(Uf16, ConstantsAndKnownCodes) {
  static_assert(uf16::decode(0) == 0.0f);
  static_assert(uf16::decode(0x8400) == 1.0f);  // E = 33, M = 0
  static_assert(uf16::decode(0x0001) == 0x1p-42f);
  static_assert(uf16::decode(0x0400) == 0x1p-32f);
  static_assert(uf16::decode(0xFFFF) == uf16::kMax);
  static_assert(*uf16::encode(1.0) == 0x8400);
  static_assert(*uf16::encode(0.5) == 0x8000);
  EXPECT_EQ(uf16::kMax, 2146435072.0f);
  EXPECT_EQ(static_cast<double>(uf16::kMax), reference_value(0xFFFF));
  EXPECT_EQ(static_cast<double>(uf16::kMinNormal), reference_value(0x0400));
  EXPECT_EQ(static_cast<double>(uf16::kMinPositive), reference_value(0x0001));
  EXPECT_EQ(uf16::decode(*uf16::encode(1000.0)), 1000.0f);     // 1000 = 1.953125 · 2^9: exact
  EXPECT_EQ(uf16::decode(*uf16::encode(0.2)), 0x1.998p-3f);     // 0.2 → 0.19995117…
  EXPECT_EQ(uf16::decode(*uf16::encode(1500.0)), 1500.0f);
}

TEST(Uf16, EveryCodeDecodesExactlyIncreasingAndRoundTrips) {
  float prev = -1.0f;
  for (std::uint32_t c = 0; c < kCodes; ++c) {
    const auto code = static_cast<std::uint16_t>(c);
    const float v = uf16::decode(code);
    ASSERT_EQ(static_cast<double>(v), reference_value(c)) << c;
    ASSERT_GT(v, prev) << c;
    prev = v;
    const auto back = uf16::encode(static_cast<double>(v));
    ASSERT_TRUE(back.has_value()) << c;
    ASSERT_EQ(*back, code) << c;
    ASSERT_EQ(*uf16::encode(v), code) << c;  // from a float: the same
  }
}

TEST(Uf16, EveryMidpointRoundsToTheEvenCodeAndItsNeighboursToTheNearer) {
  for (std::uint32_t c = 0; c + 1 < kCodes; ++c) {
    const double a = reference_value(c), b = reference_value(c + 1);
    const double mid = a + (b - a) / 2;
    const std::uint32_t even = c % 2 == 0 ? c : c + 1;
    ASSERT_EQ(uf16::encode(mid).value(), even) << c;
    ASSERT_EQ(uf16::encode(std::nextafter(mid, 0.0)).value(), c) << c;
    ASSERT_EQ(uf16::encode(std::nextafter(mid, 1e300)).value(), c + 1) << c;
  }
}

TEST(Uf16, RandomDoublesMatchTheBruteForceReference) {
  std::mt19937_64 gen(20261123);
  std::uniform_real_distribution<double> expo(-46.0, 31.5), unit(0.0, 1.0);
  int checked = 0;
  for (int k = 0; k < 1'000'000; ++k) {
    double x;
    switch (k % 4) {
      case 0: x = std::exp2(expo(gen)); break;                                   // log-uniform over the range
      case 1: x = std::ldexp(1.0 + unit(gen), static_cast<int>(gen() % 80) - 48); break;
      case 2: x = unit(gen) * 0x1p-32; break;                                      // subnormal range
      default: {                                                                   // near a code: a few ulps off a value or midpoint
        const std::uint32_t c = static_cast<std::uint32_t>(gen() % (kCodes - 1));
        const double a = reference_value(c), b = reference_value(c + 1);
        x = a + (b - a) * (0.5 * static_cast<double>(gen() % 3));
        for (int s = static_cast<int>(gen() % 7) - 3; s != 0; s += s > 0 ? -1 : 1) x = std::nextafter(x, s > 0 ? 1e300 : 0.0);
      }
    }
    const auto want = reference_encode(x);
    const auto got = uf16::encode(x);
    ASSERT_EQ(got.has_value(), want.has_value()) << x;
    if (want) {
      ASSERT_EQ(*got, *want) << x;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 1'000'000);
}

TEST(Uf16, SubnormalAndBoundaryCases) {
  auto enc = [](double x) { return uf16::encode(x); };
  EXPECT_EQ(enc(0.0).value(), 0);
  EXPECT_EQ(enc(-0.0).value(), 0);
  EXPECT_EQ(enc(std::numeric_limits<double>::denorm_min()).value(), 0);
  EXPECT_EQ(enc(0x1p-43).value(), 0);                   // halfway 0 ↔ 1: even is 0
  EXPECT_EQ(enc(std::nextafter(0x1p-43, 1.0)).value(), 1);
  EXPECT_EQ(enc(3 * 0x1p-43).value(), 2);               // halfway 1 ↔ 2: even is 2
  EXPECT_EQ(enc(1023.5 * 0x1p-42).value(), 0x0400);     // halfway 1023 ↔ 1024 (smallest normal)
  EXPECT_EQ(enc(std::nextafter(0x1p-32, 0.0)).value(), 0x0400);
  EXPECT_EQ(enc(0x1p-32).value(), 0x0400);
  EXPECT_EQ(enc(0x1.ffep-1).value(), 0x8400);           // halfway 0x83FF ↔ 0x8400: the carry into the exponent
  const double kmax = uf16::kMax;
  EXPECT_EQ(enc(kmax).value(), 0xFFFF);
  EXPECT_EQ(enc(kmax + 0x1p19 - 1.0).value(), 0xFFFF);  // below the midpoint to 2^31: rounds down
  EXPECT_FALSE(enc(kmax + 0x1p19));                      // the midpoint: the even neighbour is 2^31
  EXPECT_FALSE(enc(0x1p31));
  EXPECT_FALSE(enc(1e300));
  EXPECT_FALSE(enc(std::numeric_limits<double>::max()));
  EXPECT_FALSE(enc(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(enc(-std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(enc(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(enc(-1.0));
  EXPECT_FALSE(enc(-std::numeric_limits<double>::denorm_min()));
  EXPECT_FALSE(uf16::representable(5e9));
  EXPECT_TRUE(uf16::representable(2.1e9));
  EXPECT_FALSE(uf16::rounded(-2.0).has_value());
  EXPECT_EQ(uf16::rounded(1000.2).value(), 1000.0f);
}

// Relative error of a normal value ≤ 2^-11; absolute error of a subnormal one ≤ 2^-43.
// encode_float agrees with encode(double) on every float of a stride through all non-negative
// floats, on every float of the binades at the edges (the subnormal range's top, 2^-32, and the
// top binades up to 2^31 and +inf), and on negative values, NaN and −0.0.
TEST(Uf16, EncodeFloatEqualsEncodeOfItsDouble) {
  auto check = [](std::uint32_t bits) {
    const float x = std::bit_cast<float>(bits);
    const auto want = uf16::encode(static_cast<double>(x));
    const std::uint32_t got = uf16::encode_float(x);
    if (want) {
      ASSERT_EQ(got, *want) << std::hexfloat << x;
    } else {
      ASSERT_GT(got, uf16::kMaxCode) << std::hexfloat << x;
    }
  };
  for (std::uint64_t b = 0; b <= 0x7F800000u; b += 9973) check(static_cast<std::uint32_t>(b));
  for (std::uint32_t e : {94u, 95u, 96u, 156u, 157u, 158u, 159u}) {  // 2^-33, 2^-32, 2^-31; 2^29 … 2^32
    for (std::uint32_t m = 0; m < (1u << 23); ++m) check((e << 23) | m);
  }
  for (std::uint32_t b : {0x7F800000u, 0x7FC00000u, 0x80000000u, 0x80000001u, 0xBF800000u, 0xFF800000u, 0xFFC00000u})
    check(b);
  EXPECT_EQ(uf16::encode_float(-0.0f), 0u);
  EXPECT_EQ(uf16::encode_float(1.0f), 0x21u << 10);
  EXPECT_EQ(uf16::encode_float(uf16::kMax), uf16::kMaxCode);
}

// decode_select (branch-free) is decode for every code, bit for bit.
TEST(Uf16, DecodeSelectEqualsDecodeForEveryCode) {
  for (std::uint32_t c = 0; c < kCodes; ++c)
    ASSERT_EQ(std::bit_cast<std::uint32_t>(uf16::decode_select(c)),
              std::bit_cast<std::uint32_t>(uf16::decode(static_cast<std::uint16_t>(c))))
        << c;
}

// decay_add_run against the one-at-a-time reference (what the composite's record_one does):
// code ← encode_float(λ·decode(code) + r), kept (and flagged) when not representable. Every code
// with additions 0, a small count, an hour value, a value that overflows the largest codes, a
// negative and a NaN (refused: code kept), over λ near 1, 1/2 and tiny λ that sends values into
// the subnormal codes; runs of odd lengths (the 256-long runs' tails) and prior flags kept.
TEST(Uf16, DecayAddRunEqualsTheOneAtATimeReference) {
  const float adds[] = {0.0f, 1.0f, 3.0f, 0.37f, 7.25f, 1e-12f, 3e9f, -1.0f, std::numeric_limits<float>::quiet_NaN()};
  const float lams[] = {0.9330329915368074f, 0.5f, 1.0f, 0x1p-20f, 0.0f};
  std::mt19937_64 rng(7);
  std::size_t flagged = 0, subnormal_results = 0;
  for (const float lam : lams) {
    for (const float a0 : adds) {
      std::vector<std::uint16_t> codes(kCodes), want(kCodes);
      std::vector<float> add(kCodes);
      std::vector<std::uint8_t> bad(kCodes), want_bad(kCodes);
      for (std::uint32_t c = 0; c < kCodes; ++c) {
        codes[c] = static_cast<std::uint16_t>(c);
        // Mostly the fixed addition; every 7th a random mix so a run holds differing values.
        add[c] = c % 7 == 3 ? adds[rng() % std::size(adds)] : a0;
        bad[c] = want_bad[c] = static_cast<std::uint8_t>(c % 11 == 0);  // flags already set stay set
      }
      for (std::uint32_t c = 0; c < kCodes; ++c) {
        const std::uint32_t e = uf16::encode_float(lam * uf16::decode(codes[c]) + add[c]);
        if (e > uf16::kMaxCode) {
          want[c] = codes[c];
          want_bad[c] = 1;
        } else {
          want[c] = static_cast<std::uint16_t>(e);
        }
        if (e != 0 && e < 0x400u) ++subnormal_results;
      }
      // In pieces of odd lengths, as blocks of persons end anywhere.
      for (std::size_t s = 0, len = 1; s < kCodes; s += len, len = len * 3 + 1) {
        const std::size_t m = std::min<std::size_t>(len, kCodes - s);
        uf16::decay_add_run(codes.data() + s, add.data() + s, bad.data() + s, m, lam);
      }
      ASSERT_EQ(codes, want) << "lambda " << lam << " add " << a0;
      ASSERT_EQ(bad, want_bad) << "lambda " << lam << " add " << a0;
      for (auto b : want_bad) flagged += b;
    }
  }
  EXPECT_GT(flagged, kCodes);     // the refusals were exercised
  EXPECT_GT(subnormal_results, 1000u);  // and the subnormal redo
}

TEST(Uf16, RoundingErrorBound) {
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> expo(-50.0, 30.9);
  for (int k = 0; k < 200000; ++k) {
    const double x = std::exp2(expo(gen));
    const double y = uf16::decode(uf16::encode(x).value());
    if (x >= 0x1p-32) ASSERT_LE(std::abs(y - x), 0x1p-11 * x) << x;
    else ASSERT_LE(std::abs(y - x), 0x1p-43) << x;
  }
}

TEST(Uf16Column, ReadsSetsAndCounts) {
  Uf16Column c;
  EXPECT_TRUE(c.empty());
  c.resize(4);
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(c.memory_bytes(), 8u);
  EXPECT_EQ(c[2], 0.0f);  // new elements are 0
  c.set(1, 0.2);
  c.set(2, 1500.0);
  EXPECT_EQ(c[1], 0x1.998p-3f);
  EXPECT_EQ(c.code(1), *uf16::encode(0.2));
  EXPECT_EQ(c[2], 1500.0f);
  c.set_code(3, 0xFFFF);
  EXPECT_EQ(c[3], uf16::kMax);
  EXPECT_EQ(c.codes(), (std::vector<std::uint16_t>{0, *uf16::encode(0.2), *uf16::encode(1500.0), 0xFFFF}));
  const std::vector<double> decoded(c.begin(), c.end());
  EXPECT_EQ(decoded, (std::vector<double>{0.0, 0x1.998p-3, 1500.0, 2146435072.0}));
  EXPECT_EQ(c.end() - c.begin(), 4);
  Uf16Column d;
  d.assign({0.0, 0.2, 1500.0, 2146435072.0});
  EXPECT_EQ(c, d);
  d.assign(3, 7.0);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], 7.0f);
  EXPECT_EQ(d[2], 7.0f);
  EXPECT_FALSE(c == d);
  const Uf16Span v = c;
  EXPECT_EQ(v.size(), 4u);
  EXPECT_EQ(v[2], 1500.0f);
  EXPECT_EQ(v.first(2).size(), 2u);
}

TEST(Uf16ColumnDeathTest, SettingAnUnrepresentableValueAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Uf16Column c;
  c.resize(1);
  EXPECT_DEATH(c.set(0, -1.0), "not representable");
  EXPECT_DEATH(c.set(0, 3e9), "not representable");
  EXPECT_DEATH(c.assign(2, std::nan("")), "not representable");
}

// The statistics read a 16-bit column in place as its decoded values: the same results as on the
// column widened to floats.
TEST(Uf16Column, StatisticsReadItAsItsDecodedValues) {
  std::mt19937_64 gen(3);
  std::lognormal_distribution<double> ln(5.0, 1.5);
  const std::size_t n = 20000;
  Uf16Column c;
  c.resize(n);
  std::vector<float> other(n);
  for (std::size_t i = 0; i < n; ++i) {
    c.set(i, i % 7 == 0 ? 1000.0 : ln(gen));  // ties too
    other[i] = static_cast<float>(ln(gen)) + 0.001f * static_cast<float>(i % 13);
  }
  const std::vector<float> wide(c.begin(), c.end());
  EXPECT_EQ(measure::deciles(c.view()), measure::deciles(std::span<const float>(wide)));
  const auto a = measure::rank_order(c), b = measure::rank_order(std::span<const float>(wide));
  EXPECT_EQ(a.order, b.order);
  EXPECT_EQ(a.tie_with_prev, b.tie_with_prev);
  const double s1 = measure::spearman(std::span<const float>(other), c.view());
  const double s2 = measure::spearman(std::span<const float>(other), std::span<const float>(wide));
  EXPECT_EQ(std::memcmp(&s1, &s2, sizeof s1), 0);
  EXPECT_GT(s1, -0.1);
}

}  // namespace
}  // namespace credsim
