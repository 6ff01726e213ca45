// Snapshot columns (see snapshot_columns.hpp): each store() is one or two passes over the column.
#include "credsim/measure/snapshot_columns.hpp"

#include <omp.h>

#include <algorithm>
#include <array>

#include "credsim/core/parallel.hpp"

namespace credsim::measure {

void ScoreColumn::store(std::span<const float> s) {
  const std::size_t n = s.size();
  n_ = n;
  u8_.clear(), u16_.clear(), f32_.clear();
  u8_.shrink_to_fit(), u16_.shrink_to_fit(), f32_.shrink_to_fit();
  // Offsets fit when every finite value is an integer (given back by float(lo + offset) with the
  // same bits: no −0.0) in a range that leaves one offset free for the non-finite value, and the
  // non-finite values all have the same bits.
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  bool fits = true, any_nonfinite = false;
  std::uint32_t nf_bits = 0;
  for (std::size_t i = 0; i < n && fits; ++i) {
    const float v = s[i];
    if (!std::isfinite(v)) {
      const auto b = std::bit_cast<std::uint32_t>(v);
      if (any_nonfinite && b != nf_bits) fits = false;
      any_nonfinite = true, nf_bits = b;
      continue;
    }
    // |v| < 2^24: every integer there is a float, and lo + offset stays exact.
    if (!(std::fabs(v) < 16777216.0f) || v != std::nearbyint(v) || (v == 0.0f && std::signbit(v))) {
      fits = false;
      break;
    }
    const auto x = static_cast<std::int64_t>(v);
    lo = std::min(lo, x), hi = std::max(hi, x);
  }
  const std::uint64_t range = lo <= hi ? static_cast<std::uint64_t>(hi - lo) + 1 : 0;  // offsets 0 … range − 1
  if (lo > hi) lo = 0;  // no finite value
  lo_ = lo;
  nonfinite_bits_ = nf_bits;
  if (fits && range + 1 <= 256) {
    sentinel_ = 255;
    u8_.resize(n);
    parallel_for(n, [&](std::size_t i) {
      u8_[i] = std::isfinite(s[i]) ? static_cast<std::uint8_t>(static_cast<std::int64_t>(s[i]) - lo) : std::uint8_t{255};
    });
  } else if (fits && range + 1 <= 65536) {
    sentinel_ = 65535;
    u16_.resize(n);
    parallel_for(n, [&](std::size_t i) {
      u16_[i] = std::isfinite(s[i]) ? static_cast<std::uint16_t>(static_cast<std::int64_t>(s[i]) - lo) : std::uint16_t{65535};
    });
  } else {
    sentinel_ = 0, lo_ = 0, nonfinite_bits_ = 0;
    f32_.assign(s.begin(), s.end());
  }
}

void GradeColumn::store(std::span<const std::uint8_t> g, const ScoreColumn* score) {
  const std::size_t n = g.size();
  n_ = n;
  derived_ = false;
  nonfinite_grade_ = 0;
  bands_.clear();
  words_.clear();
  words_.shrink_to_fit();
  std::uint8_t gmax = 0;
  for (std::size_t i = 0; i < n; ++i) gmax = std::max(gmax, g[i]);
  if (score && score->size() == n) {
    // Each grade's lowest and highest finite score, and the grade of the non-finite scores.
    std::array<float, 256> lo, hi;
    lo.fill(std::numeric_limits<float>::infinity()), hi.fill(-std::numeric_limits<float>::infinity());
    std::array<bool, 256> has{};
    bool ok = true, any_nonfinite = false;
    std::uint8_t nf = 0;
    for (std::size_t i = 0; i < n && ok; ++i) {
      const float s = score->get(i);
      if (!std::isfinite(s)) {
        if (any_nonfinite && g[i] != nf) ok = false;
        any_nonfinite = true, nf = g[i];
        continue;
      }
      has[g[i]] = true;
      lo[g[i]] = std::min(lo[g[i]], s), hi[g[i]] = std::max(hi[g[i]], s);
    }
    std::vector<Band> bands;
    for (unsigned k = 0; k < 256 && ok; ++k)
      if (has[k]) bands.push_back(Band{lo[k], hi[k], static_cast<std::uint8_t>(k)});
    std::sort(bands.begin(), bands.end(), [](const Band& a, const Band& b) { return a.lo < b.lo; });
    for (std::size_t k = 1; k < bands.size() && ok; ++k) ok = bands[k - 1].hi < bands[k].lo;
    if (ok) {
      derived_ = true;
      nonfinite_grade_ = nf;
      bands_ = std::move(bands);
      bits_ = 0;
      return;
    }
  }
  bits_ = gmax < 2 ? 1 : gmax < 4 ? 2 : gmax < 16 ? 4 : 8;
  const std::size_t per_word = 64 / bits_;
  words_.assign((n + per_word - 1) / per_word, 0);
  parallel_for(words_.size(), [&](std::size_t w) {
    std::uint64_t x = 0;
    const std::size_t lo = w * per_word, hi = std::min(n, lo + per_word);
    for (std::size_t i = lo; i < hi; ++i) x |= std::uint64_t{g[i]} << ((i - lo) * bits_);
    words_[w] = x;
  });
}

}  // namespace credsim::measure
