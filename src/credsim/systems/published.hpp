// What a system publishes per person (its score, its grade), as its readers see it: either a
// column the system stores in that form, or a value derived when read from a narrower column the
// system keeps anyway — the composite score publishes its 16-bit score as a float and its band
// and privileges through a table indexed by that score, instead of storing the same
// information three more times (6 B per person; issue #6, ARCHITECTURE.md "Storage").
// Either way a reader gets the same values, bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "credsim/core/parallel.hpp"

namespace credsim {

// A published float per person: a stored float column, or a 16-bit column widened when read.
class PublishedScore {
 public:
  PublishedScore() = default;
  PublishedScore(const std::vector<float>* stored) : f_(stored) {}  // NOLINT: `o.score = &column_`
  static PublishedScore widened(const std::vector<std::uint16_t>* narrow) {
    PublishedScore s;
    s.u_ = narrow;
    return s;
  }
  explicit operator bool() const { return f_ != nullptr || u_ != nullptr; }
  std::size_t size() const { return f_ ? f_->size() : u_ ? u_->size() : 0; }
  float operator[](std::size_t i) const { return f_ ? (*f_)[i] : static_cast<float>((*u_)[i]); }
  // The whole column as floats: the stored one in place, or `scratch` filled with the widened
  // values (a temporary of the caller, freed with it).
  std::span<const float> floats(std::vector<float>& scratch) const {
    if (f_) return {f_->data(), f_->size()};
    scratch.resize(size());
    if (u_) parallel_for(scratch.size(), [&](std::size_t i) { scratch[i] = static_cast<float>((*u_)[i]); });
    return {scratch.data(), scratch.size()};
  }
  // The column as stored: floats, or 16-bit integers widened when read (one is null).
  const std::vector<float>* stored_floats() const { return f_; }
  const std::vector<std::uint16_t>* stored_narrow() const { return u_; }

 private:
  const std::vector<float>* f_ = nullptr;
  const std::vector<std::uint16_t>* u_ = nullptr;
};

// A published byte per person (a grade index, a privilege mask): a stored byte column, or
// table[key[i]] for a 16-bit key column (the composite's score) and a table covering every key.
class PublishedBytes {
 public:
  PublishedBytes() = default;
  PublishedBytes(const std::vector<std::uint8_t>* stored) : b_(stored) {}  // NOLINT: `o.grade = &column_`
  static PublishedBytes looked_up(const std::vector<std::uint16_t>* key, const std::vector<std::uint8_t>* table) {
    PublishedBytes b;
    b.key_ = key;
    b.table_ = table;
    return b;
  }
  explicit operator bool() const { return b_ != nullptr || key_ != nullptr; }
  std::size_t size() const { return b_ ? b_->size() : key_ ? key_->size() : 0; }
  std::uint8_t operator[](std::size_t i) const { return b_ ? (*b_)[i] : (*table_)[(*key_)[i]]; }
  std::span<const std::uint8_t> bytes(std::vector<std::uint8_t>& scratch) const {
    if (b_) return {b_->data(), b_->size()};
    scratch.resize(size());
    if (key_) parallel_for(scratch.size(), [&](std::size_t i) { scratch[i] = (*table_)[(*key_)[i]]; });
    return {scratch.data(), scratch.size()};
  }

 private:
  const std::vector<std::uint8_t>* b_ = nullptr;
  const std::vector<std::uint16_t>* key_ = nullptr;
  const std::vector<std::uint8_t>* table_ = nullptr;
};

}  // namespace credsim
