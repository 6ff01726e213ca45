// Published outputs read through published.hpp's views: a stored column and a derived one give
// the reader the same values, and the composite's derived score, band and privileges are exactly
// what storing them gave (the float of the 16-bit score, composite_band, privileges_for).
#include "credsim/systems/published.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "credsim/consequences/privileges.hpp"
#include "credsim/systems/composite.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

TEST(PublishedScore, StoredIsReadInPlaceAndWidenedEqualsTheCastOfEveryValue) {
  const std::vector<float> stored{1.5f, std::numeric_limits<float>::quiet_NaN(), -2.0f};
  const PublishedScore a(&stored);
  ASSERT_TRUE(a);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0], 1.5f);
  EXPECT_TRUE(std::isnan(a[1]));
  std::vector<float> scratch;
  EXPECT_EQ(a.floats(scratch).data(), stored.data());  // no copy
  EXPECT_TRUE(scratch.empty());

  std::vector<std::uint16_t> narrow(65536);
  for (std::size_t i = 0; i < narrow.size(); ++i) narrow[i] = static_cast<std::uint16_t>(i);
  const PublishedScore w = PublishedScore::widened(&narrow);
  ASSERT_TRUE(w);
  const auto f = w.floats(scratch);
  ASSERT_EQ(f.size(), narrow.size());
  for (std::size_t i = 0; i < narrow.size(); ++i) {
    ASSERT_EQ(f[i], static_cast<float>(i));
    ASSERT_EQ(w[i], static_cast<float>(i));
  }
  EXPECT_FALSE(PublishedScore{});
  EXPECT_EQ(PublishedScore{}.size(), 0u);
}

TEST(PublishedBytes, LookedUpIsTheTableAtEachKey) {
  const std::vector<std::uint8_t> table{7, 8, 9, 10};
  const std::vector<std::uint16_t> key{3, 0, 2, 2, 1};
  const PublishedBytes b = PublishedBytes::looked_up(&key, &table);
  ASSERT_TRUE(b);
  std::vector<std::uint8_t> scratch;
  const auto v = b.bytes(scratch);
  EXPECT_EQ(std::vector<std::uint8_t>(v.begin(), v.end()), (std::vector<std::uint8_t>{10, 7, 9, 9, 8}));
  for (std::size_t i = 0; i < key.size(); ++i) EXPECT_EQ(b[i], table[key[i]]);
  const std::vector<std::uint8_t> stored{1, 2};
  const PublishedBytes s(&stored);
  EXPECT_EQ(s.bytes(scratch).data(), stored.data());
  EXPECT_FALSE(PublishedBytes{});
}

// The composite's outputs over every score it can hold (350 … 950), from a checkpointed score
// column: the float of the score, its band and its privilege mask, as the stored columns had them.
TEST(PublishedComposite, EveryScoreGivesTheStoredColumnsValues) {
  CompositeSpec spec;
  spec.privileges.thresholds = {600, 650, 700, 750};
  const std::size_t n = static_cast<std::size_t>(kCompositeMax - kCompositeMin) + 1;
  Composite c(spec, n);
  // Load scores 350 … 950 through a checkpoint, as a resumed run would.
  std::vector<std::uint16_t> scores(n);
  for (std::size_t i = 0; i < n; ++i) scores[i] = static_cast<std::uint16_t>(kCompositeMin + i);
  const test::TempDir tmp("published");
  {
    ckpt::Archive a = ckpt::Archive::create(tmp.path() / "c", ckpt::Header{});
    a.section("composite");
    double decay = c.decay();
    CompositeRecords rec = c.records();
    bool scored = true;
    a(decay, rec, scores, scored);
    a.finish();
  }
  {
    ckpt::Archive in = ckpt::Archive::open(tmp.path() / "c");
    in.section("composite");
    c.checkpoint(in);
    in.finish();
  }
  ASSERT_EQ(c.scores(), scores);
  const SystemOutputs o = c.outputs();
  const PublishedBytes priv = c.privileges();
  for (std::size_t i = 0; i < n; ++i) {
    const double s = kCompositeMin + static_cast<double>(i);
    ASSERT_EQ(o.score[i], static_cast<float>(scores[i])) << s;
    ASSERT_EQ(o.grade[i], composite_band(s)) << s;
    ASSERT_EQ(priv[i], privileges_for(spec.privileges, s)) << s;
  }
}

// A checkpoint whose composite scores lie outside the tables is refused, not read out of bounds.
TEST(PublishedComposite, ACheckpointWithAScoreAbove950IsRefused) {
  CompositeSpec spec;
  Composite c(spec, 2);
  const test::TempDir tmp("published_bad");
  {
    ckpt::Archive a = ckpt::Archive::create(tmp.path() / "c", ckpt::Header{});
    a.section("composite");
    double decay = c.decay();
    CompositeRecords rec = c.records();
    std::vector<std::uint16_t> scores{600, 951};
    bool scored = true;
    a(decay, rec, scores, scored);
    a.finish();
  }
  ckpt::Archive in = ckpt::Archive::open(tmp.path() / "c");
  in.section("composite");
  EXPECT_ANY_THROW(c.checkpoint(in));
}

}  // namespace
}  // namespace credsim
