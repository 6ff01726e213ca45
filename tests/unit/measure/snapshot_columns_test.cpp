// Tests of the harm snapshots' packed columns: every value comes back with the same bits, the
// narrowest exact width is chosen (and a wider one whenever a narrower would lose something).
#include "credsim/measure/snapshot_columns.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace credsim::measure {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

void expect_round_trip(const std::vector<float>& s, const ScoreColumn& c) {
  ASSERT_EQ(c.size(), s.size());
  for (std::size_t i = 0; i < s.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint32_t>(c.get(i)), std::bit_cast<std::uint32_t>(s[i])) << "i=" << i << " v=" << s[i];
}

unsigned width_of(const std::vector<float>& s) {
  const ScoreColumn c(s);
  expect_round_trip(s, c);
  return c.width();
}

TEST(ScoreColumn, NarrowestExactWidth) {
  std::mt19937_64 g(1);
  std::vector<float> composite(5000), small(3000), points(4000), rating(2000);
  for (auto& v : composite) v = static_cast<float>(350 + g() % 601);           // 601 values: 2 bytes
  for (auto& v : small) v = static_cast<float>(100 + g() % 255);               // 255 values + sentinel: 1 byte
  for (auto& v : points) v = static_cast<float>(-30000 + static_cast<int>(g() % 60000));  // negative too: 2 bytes
  for (auto& v : rating) v = 1.0f + static_cast<float>(g() % 4000) / 1000.0f;  // fractions: 4 bytes
  EXPECT_EQ(width_of(composite), 2u);
  EXPECT_EQ(width_of(small), 1u);
  EXPECT_EQ(width_of(points), 2u);
  EXPECT_EQ(width_of(rating), 4u);
  // One offset is kept for the non-finite value: 255 distinct values fit a byte, 256 do not.
  std::vector<float> v255(600), v256(600);
  for (std::size_t i = 0; i < 600; ++i) v255[i] = static_cast<float>(i % 255), v256[i] = static_cast<float>(i % 256);
  EXPECT_EQ(width_of(v255), 1u);
  EXPECT_EQ(width_of(v256), 2u);
  v255[7] = kNaN;
  EXPECT_EQ(width_of(v255), 1u);
  std::vector<float> v65535(70000), v65536(70000);
  for (std::size_t i = 0; i < 70000; ++i)
    v65535[i] = static_cast<float>(i % 65535), v65536[i] = static_cast<float>(i % 65536);
  EXPECT_EQ(width_of(v65535), 2u);
  EXPECT_EQ(width_of(v65536), 4u);
}

TEST(ScoreColumn, NonFiniteAndSignedZeroComeBackWithTheirBits) {
  // Non-members' NaN (one bit pattern) fits the sentinel; two different non-finite values, a
  // −0.0, integers beyond 2^24 and huge ranges keep floats.
  EXPECT_EQ(width_of({kNaN, 500, 600, kNaN, 700}), 1u);
  EXPECT_EQ(width_of({kNaN, 500, 800, kNaN, 700}), 2u);
  EXPECT_EQ(width_of({kNaN, kNaN}), 1u);  // no finite value at all
  EXPECT_EQ(width_of({-kNaN, 3, 4}), 1u);
  EXPECT_EQ(width_of({kInf, 3, 4}), 1u);
  EXPECT_EQ(width_of({kNaN, 3, kInf}), 4u);
  EXPECT_EQ(width_of({0.0f, -0.0f, 1.0f}), 4u);
  EXPECT_EQ(width_of({0.0f, 2.0f, 1.0f}), 1u);
  EXPECT_EQ(width_of({16777216.0f, 16777217.0f}), 4u);
  EXPECT_EQ(width_of({-16777215.0f, 16777215.0f}), 4u);
  EXPECT_EQ(width_of({-5.0f, -3.0f, 249.0f}), 1u);
  EXPECT_EQ(width_of({-5.0f, -3.0f, 250.0f}), 2u);
  EXPECT_EQ(width_of({0.5f}), 4u);
  EXPECT_EQ(ScoreColumn(std::vector<float>{}).size(), 0u);
  // Storing again replaces the column.
  ScoreColumn c(std::vector<float>{1.5f, 2.5f});
  EXPECT_EQ(c.width(), 4u);
  c.store(std::vector<float>{1, 2, 3});
  EXPECT_EQ(c.width(), 1u);
  expect_round_trip({1, 2, 3}, c);
}

void expect_grades(const std::vector<std::uint8_t>& g, const GradeColumn& c, const ScoreColumn* s) {
  ASSERT_EQ(c.size(), g.size());
  for (std::size_t i = 0; i < g.size(); ++i) ASSERT_EQ(c.get(i, s), g[i]) << "i=" << i;
}

TEST(GradeColumn, DerivedFromScoreBandsWhenTheyAreDisjoint) {
  // Composite-like bands (350–549 → 4, 550–599 → 3, 600–649 → 2, 650–699 → 1, 700+ → 0) and
  // non-members (NaN) in grade 5.
  std::mt19937_64 r(3);
  std::vector<float> s(5000);
  std::vector<std::uint8_t> g(5000);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const int v = 350 + static_cast<int>(r() % 601);
    s[i] = static_cast<float>(v);
    g[i] = v < 550 ? 4 : v < 600 ? 3 : v < 650 ? 2 : v < 700 ? 1 : 0;
    if (i % 97 == 0) s[i] = kNaN, g[i] = 5;
  }
  const ScoreColumn sc(s);
  const GradeColumn gc(g, &sc);
  EXPECT_TRUE(gc.derived());
  EXPECT_EQ(gc.bits(), 0u);
  expect_grades(g, gc, &sc);
  // One person whose grade breaks the bands (a D given by a rule, not by the balance): packed.
  g[10] = g[10] == 0 ? 4 : 0;
  const GradeColumn broken(g, &sc);
  EXPECT_FALSE(broken.derived());
  EXPECT_EQ(broken.bits(), 4u);  // grades 0…5
  expect_grades(g, broken, &sc);
  // Non-finite scores in two grades: packed.
  const int v10 = static_cast<int>(s[10]);
  g[10] = v10 < 550 ? 4 : v10 < 600 ? 3 : v10 < 650 ? 2 : v10 < 700 ? 1 : 0;
  EXPECT_TRUE(GradeColumn(g, &sc).derived());
  g[97] = 3;
  const GradeColumn two_nan(g, &sc);
  EXPECT_FALSE(two_nan.derived());
  expect_grades(g, two_nan, &sc);
  // Two grades sharing one score value (touching bands): packed.
  std::vector<float> t{1, 2, 2, 3};
  const ScoreColumn tc(t);
  EXPECT_FALSE(GradeColumn(std::vector<std::uint8_t>{0, 0, 1, 1}, &tc).derived());
  EXPECT_TRUE(GradeColumn(std::vector<std::uint8_t>{0, 1, 1, 0}, &tc).derived() == false);
  EXPECT_TRUE(GradeColumn(std::vector<std::uint8_t>{1, 0, 0, 2}, &tc).derived());  // not monotone: still disjoint
}

TEST(GradeColumn, PackedToTheFewestBitsWithoutAScore) {
  std::mt19937_64 r(4);
  const std::vector<std::pair<unsigned, unsigned>> cases{{0, 1}, {1, 1}, {2, 2}, {3, 2}, {4, 4}, {15, 4}, {16, 8}, {255, 8}};
  for (const auto& [gmax, bits] : cases) {
    for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 1000u, 4097u}) {
      std::vector<std::uint8_t> g(n);
      for (auto& v : g) v = static_cast<std::uint8_t>(r() % (gmax + 1));
      if (n > 0) g[n - 1] = static_cast<std::uint8_t>(gmax);
      const GradeColumn c(g, nullptr);
      EXPECT_FALSE(c.derived());
      if (n > 0) {
        EXPECT_EQ(c.bits(), bits) << "gmax=" << gmax;
      }
      expect_grades(g, c, nullptr);
      EXPECT_LE(c.memory_bytes(), (n * bits + 63) / 64 * 8 + 8);
    }
  }
}

}  // namespace
}  // namespace credsim::measure
