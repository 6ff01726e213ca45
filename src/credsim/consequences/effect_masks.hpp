// Each person's active effects as a bit mask (bit k = the library's effect k), stored in the
// narrowest of 1, 2, 4 or 8 bytes that holds the library's effects: the built-in library's 23
// effects take 4 bytes instead of 8 (issue #6). Read as a 64-bit mask whatever the width, so
// every reader sees the same bits as before.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace credsim {

class EffectMasks {
 public:
  EffectMasks() = default;
  // n persons, no effect active; `effects`: how many effects the masks must hold (≤ 64).
  EffectMasks(std::size_t n, std::size_t effects) : width_(width_for(effects)), n_(n), bytes_(n * width_, 0) {}

  static unsigned width_for(std::size_t effects) { return effects <= 8 ? 1 : effects <= 16 ? 2 : effects <= 32 ? 4 : 8; }
  unsigned width() const { return width_; }
  std::size_t size() const { return n_; }
  std::uint64_t operator[](std::size_t i) const {
    const std::uint8_t* p = bytes_.data() + i * width_;
    switch (width_) {
      case 1: return *p;
      case 2: { std::uint16_t v; std::memcpy(&v, p, 2); return v; }
      case 4: { std::uint32_t v; std::memcpy(&v, p, 4); return v; }
      default: { std::uint64_t v; std::memcpy(&v, p, 8); return v; }
    }
  }
  // Sets person i's mask; bits beyond the width must be 0 (the library has no such effect).
  void set(std::size_t i, std::uint64_t m) {
    std::uint8_t* p = bytes_.data() + i * width_;
    switch (width_) {
      case 1: *p = static_cast<std::uint8_t>(m); break;
      case 2: { const auto v = static_cast<std::uint16_t>(m); std::memcpy(p, &v, 2); break; }
      case 4: { const auto v = static_cast<std::uint32_t>(m); std::memcpy(p, &v, 4); break; }
      default: std::memcpy(p, &m, 8);
    }
  }
  // Every mask as 64 bits (snapshots write them so, whatever the width).
  std::vector<std::uint64_t> widened() const {
    std::vector<std::uint64_t> out(n_);
    for (std::size_t i = 0; i < n_; ++i) out[i] = (*this)[i];
    return out;
  }
  std::size_t memory_bytes() const { return bytes_.capacity(); }
  // Checkpoints: the width, the count and the bytes; valid() after loading.
  template <class A>
  void fields(A& a) {
    a(width_, n_, bytes_);
  }
  bool valid() const { return (width_ == 1 || width_ == 2 || width_ == 4 || width_ == 8) && bytes_.size() == n_ * width_; }

 private:
  unsigned width_ = 8;
  std::size_t n_ = 0;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace credsim
