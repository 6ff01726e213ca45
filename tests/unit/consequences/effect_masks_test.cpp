// Effect masks in the narrowest width: every width reads back what was set, bit for bit.
#include "credsim/consequences/effect_masks.hpp"

#include <gtest/gtest.h>

namespace credsim {
namespace {

TEST(EffectMasks, WidthIsTheNarrowestThatHoldsTheLibrary) {
  EXPECT_EQ(EffectMasks::width_for(0), 1u);
  EXPECT_EQ(EffectMasks::width_for(8), 1u);
  EXPECT_EQ(EffectMasks::width_for(9), 2u);
  EXPECT_EQ(EffectMasks::width_for(16), 2u);
  EXPECT_EQ(EffectMasks::width_for(17), 4u);
  EXPECT_EQ(EffectMasks::width_for(32), 4u);
  EXPECT_EQ(EffectMasks::width_for(33), 8u);
  EXPECT_EQ(EffectMasks::width_for(64), 8u);
}

TEST(EffectMasks, EveryWidthReadsBackWhatWasSetAndNeighboursAreUntouched) {
  for (std::size_t effects : {5u, 12u, 23u, 64u}) {
    const std::size_t n = 37;
    EffectMasks m(n, effects);
    ASSERT_TRUE(m.valid());
    EXPECT_EQ(m.memory_bytes(), n * m.width());
    const std::uint64_t all = effects == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << effects) - 1;
    std::vector<std::uint64_t> want(n);
    for (std::size_t i = 0; i < n; ++i) {
      want[i] = (0x9E3779B97F4A7C15ull * (i + 1)) & all;  // distinct patterns using every bit
      m.set(i, want[i]);
    }
    m.set(n - 1, all);  // the highest bit of the width
    want[n - 1] = all;
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(m[i], want[i]) << effects << " " << i;
    EXPECT_EQ(m.widened(), want);
    m.set(3, 0);
    EXPECT_EQ(m[2], want[2]);
    EXPECT_EQ(m[3], 0u);
    EXPECT_EQ(m[4], want[4]);
  }
}

}  // namespace
}  // namespace credsim
