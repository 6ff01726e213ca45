// Columns of the harm metrics' snapshots (harm.hpp) stored at the narrowest width that gives every
// value back bit for bit: a score column as small unsigned offsets when its finite values are
// integers in a narrow range (the composite's uint16 score, integer points balances, FICO), a
// grade column not at all when the snapshot's score determines it (each grade's members' scores
// lie in an interval no other grade's overlaps: score bands), otherwise packed to 1, 2, 4 or 8
// bits. Each choice is checked against the whole column when it is stored, so get(i) returns
// exactly the value that was stored (docs/MODEL.md §20).
#pragma once
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace credsim::measure {

class ScoreColumn {
 public:
  ScoreColumn() = default;
  explicit ScoreColumn(std::span<const float> s) { store(s); }
  void store(std::span<const float> s);
  std::size_t size() const { return n_; }
  float get(std::size_t i) const {
    if (!f32_.empty()) return f32_[i];
    const std::uint32_t v = u8_.empty() ? std::uint32_t{u16_[i]} : std::uint32_t{u8_[i]};
    if (v == sentinel_) return std::bit_cast<float>(nonfinite_bits_);
    return static_cast<float>(lo_ + static_cast<std::int64_t>(v));
  }
  unsigned width() const { return !f32_.empty() ? 4u : !u16_.empty() ? 2u : !u8_.empty() ? 1u : 0u; }
  std::size_t memory_bytes() const { return u8_.capacity() + u16_.capacity() * 2 + f32_.capacity() * 4; }
  template <class A>
  void fields(A& a) {
    a(n_, lo_, sentinel_, nonfinite_bits_, u8_, u16_, f32_);
  }

 private:
  std::uint64_t n_ = 0;
  std::int64_t lo_ = 0;                // value of offset 0
  std::uint32_t sentinel_ = 0;         // the offset that stands for the non-finite value
  std::uint32_t nonfinite_bits_ = 0;   // the bits of the (one) non-finite value in the column
  std::vector<std::uint8_t> u8_;       // one of the three holds the column
  std::vector<std::uint16_t> u16_;
  std::vector<float> f32_;
};

class GradeColumn {
 public:
  GradeColumn() = default;
  // score: the same snapshot's score column of the system, or null when it has none.
  GradeColumn(std::span<const std::uint8_t> g, const ScoreColumn* score) { store(g, score); }
  void store(std::span<const std::uint8_t> g, const ScoreColumn* score);
  std::size_t size() const { return n_; }
  // score: the column passed to store() (needed when the grade is derived from it).
  std::uint8_t get(std::size_t i, const ScoreColumn* score) const {
    if (derived_) {
      const float s = score->get(i);
      if (!std::isfinite(s)) return nonfinite_grade_;
      for (const Band& b : bands_)
        if (s <= b.hi) return b.grade;  // bands sorted, disjoint: the first whose top is ≥ s
      return nonfinite_grade_;          // not reached: every finite score lies in a band
    }
    return static_cast<std::uint8_t>((words_[i * bits_ / 64] >> (i * bits_ % 64)) & ((1u << bits_) - 1));
  }
  bool derived() const { return derived_; }
  unsigned bits() const { return derived_ ? 0u : bits_; }
  std::size_t memory_bytes() const { return words_.capacity() * 8 + bands_.capacity() * sizeof(Band); }
  template <class A>
  void fields(A& a) {
    a(n_, derived_, nonfinite_grade_, bands_, bits_, words_);
  }

 private:
  struct Band {
    float lo, hi;         // the lowest and highest finite score of the grade's members
    std::uint8_t grade;
    template <class A>
    void fields(A& a) {
      a(lo, hi, grade);
    }
  };
  std::uint64_t n_ = 0;
  bool derived_ = false;            // the grade follows from the score through bands_
  std::uint8_t nonfinite_grade_ = 0;
  std::vector<Band> bands_;         // ascending, disjoint
  std::uint32_t bits_ = 8;          // 1, 2, 4 or 8 bits a person (not derived)
  std::vector<std::uint64_t> words_;
};

}  // namespace credsim::measure
