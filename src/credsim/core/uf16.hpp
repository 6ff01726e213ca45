// An unsigned 16-bit floating-point format for non-negative finite values (the persons'
// income, initial wealth and propensities: society/society.hpp), and a column of them.
//
// Code c = E·2^10 + M: a 6-bit exponent field E (bits 15..10), a 10-bit mantissa M (bits 9..0),
// no sign, no infinity, no NaN.
//   E ≥ 1 (normal):     value = (1 + M/1024) · 2^(E − 33)   → [2^-32, 2^30 · (2 − 2^-10)]
//   E = 0 (subnormal):  value = M/1024 · 2^-32 = M · 2^-42   (code 0 is exactly 0)
// 11 significant bits: a normal value is stored with relative error ≤ 2^-11 (≈ 0.049 %), a
// subnormal one with absolute error ≤ 2^-43. Every code decodes to a float exactly; decoding is
// monotone (strictly increasing in the code), so codes order as their values.
//
// Encoding takes a double (a float converts to double exactly, so encoding a float is encoding
// its double): round to nearest, ties to even, in one rounding. Values above the largest code
// (after rounding), negative values, NaN and infinities are not representable: encode() returns
// nullopt — never a clamp. −0.0 encodes as 0.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <vector>

#include "credsim/core/error.hpp"

namespace credsim {
namespace uf16 {

inline constexpr std::uint16_t kMaxCode = 0xFFFF;
inline constexpr float kMax = 0x1.ffcp30f;          // 2^30 · (2 − 2^-10) = 2146435072
inline constexpr float kMinNormal = 0x1p-32f;       // code 0x0400
inline constexpr float kMinPositive = 0x1p-42f;     // code 0x0001
inline constexpr int kExponentBias = 33;

// The value of code c, exactly. Normal codes: the float's bits are c's bits moved into place
// with the exponent rebased (E − 33 + 127 = E + 94); subnormal codes: M · 2^-42 (exact).
constexpr float decode(std::uint16_t c) {
  const std::uint32_t u = c;
  return u < 0x400u ? static_cast<float>(u) * 0x1p-42f : std::bit_cast<float>((u << 13) + (94u << 23));
}

// The code nearest to x (ties to the even code), or nullopt when x is not representable.
// Only 0 < x < 2^-32 (subnormal codes, rare) takes a branch of its own. Every other value goes
// through the same integer steps: the double's bits rebased (E = e + 33, i.e. the exponent field
// − 990) and rounded to nearest even on the 42 mantissa bits dropped, the carry moving into the
// exponent; ±0 is masked to code 0; a negative value, NaN, +inf or x ≥ 2^31 after rounding comes
// out above kMaxCode (their rebased bits are ≥ 64 · 2^52) and is refused.
constexpr std::optional<std::uint16_t> encode(double x) {
  const std::uint64_t b = std::bit_cast<std::uint64_t>(x);
  if (b - 1u < (std::uint64_t{991} << 52) - 1u) {
    // 0 < x < 2^-32, subnormal: q = x · 2^42 < 1024 (exact: a power-of-two scaling); round q to an
    // integer.
    const double q = x * 0x1p42;
    std::uint32_t m = static_cast<std::uint32_t>(q);
    const double frac = q - static_cast<double>(m);  // exact
    if (frac > 0.5 || (frac == 0.5 && (m & 1u))) ++m;  // m = 1024 is the smallest normal code
    return static_cast<std::uint16_t>(m);
  }
  const std::uint64_t r = b - (std::uint64_t{990} << 52);
  const std::uint64_t nonzero = std::uint64_t{0} - static_cast<std::uint64_t>((b << 1) != 0u);  // all ones unless ±0
  const std::uint64_t c = ((r + ((std::uint64_t{1} << 41) - 1u) + ((r >> 42) & 1u)) >> 42) & nonzero;
  if (c > kMaxCode) return std::nullopt;
  return static_cast<std::uint16_t>(c);
}

// encode() for a float, branch-light (hot loops that store a float every tick, e.g. the composite's
// decayed records): the same code as encode(x) when x is representable, as a 32-bit number that
// is above kMaxCode exactly when x is not (negative, NaN, +inf, or ≥ 2^31 after rounding).
// Normal values: the float's bits rebased (E = e + 33, i.e. the float's exponent field − 94) and
// rounded to nearest even on the 13 bits dropped, the carry moving into the exponent.
// Zeros (common in such columns: counts nobody has) take no branch: ±0 is masked to code 0, and a
// negative value, NaN or +inf comes out of the rebasing above kMaxCode without a test of its own
// (its bits minus 94·2^23 stay ≥ 0x50800000, so the code is ≥ 0x28400).
constexpr std::uint32_t encode_float(float x) {
  const std::uint32_t b = std::bit_cast<std::uint32_t>(x);
  if (b - 1u < (95u << 23) - 1u) return *encode(static_cast<double>(x));  // 0 < x < 2^-32: subnormal codes (rare)
  const std::uint32_t r = b - (94u << 23);
  const std::uint32_t c = (r + 0xFFFu + ((r >> 13) & 1u)) >> 13;
  const std::uint32_t nonzero = 0u - static_cast<std::uint32_t>((b << 1) != 0u);  // all ones unless ±0
  return c & nonzero;
}

// decode() computed without a branch (both forms, then one selected): the same float for every
// code, for loops over many codes that the compiler vectorises (decay_add_run).
constexpr float decode_select(std::uint32_t c) {
  const std::uint32_t sub = std::bit_cast<std::uint32_t>(static_cast<float>(static_cast<std::int32_t>(c)) * 0x1p-42f);
  const std::uint32_t normal = (c << 13) + (94u << 23);
  const std::uint32_t is_sub = 0u - static_cast<std::uint32_t>(c < 0x400u);  // all ones for a subnormal code
  return std::bit_cast<float>((sub & is_sub) | (normal & ~is_sub));
}

// One step of x ← λ·x + r over a run of m records, each as the one-at-a-time reference does it:
// codes[k] ← encode_float(λ·decode(codes[k]) + add[k]) (the product and the sum in float, rounded
// once); a result the format cannot hold keeps its old code and sets bad[k] to 1 (bad[k] is
// otherwise left as it is). Branch-free over runs of 256 (the compiler vectorises the loop); a
// run with a result in (0, 2^-32), i.e. a subnormal code (rare), is redone one record at a time
// with encode_float.
inline void decay_add_run(std::uint16_t* codes, const float* add, std::uint8_t* bad, std::size_t m, float lam) {
  constexpr std::size_t kRun = 256;
  std::uint16_t out[kRun];
  std::uint8_t out_bad[kRun];
  for (std::size_t s = 0; s < m; s += kRun) {
    const std::size_t len = m - s < kRun ? m - s : kRun;
    std::uint16_t* cs = codes + s;
    const float* as = add + s;
    std::uint8_t* bs = bad + s;
    std::uint32_t sub = 0;
    for (std::size_t k = 0; k < len; ++k) {
      const std::uint32_t u = cs[k];
      const float x = lam * decode_select(u) + as[k];
      const std::uint32_t b = std::bit_cast<std::uint32_t>(x);
      sub |= static_cast<std::uint32_t>(b - 1u < (95u << 23) - 1u);
      // encode_float's normal path: rebased, rounded to nearest even on the 13 bits dropped, ±0 → 0.
      const std::uint32_t r = b - (94u << 23);
      const std::uint32_t c = ((r + 0xFFFu + ((r >> 13) & 1u)) >> 13) & (0u - static_cast<std::uint32_t>((b << 1) != 0u));
      const std::uint32_t over = 0u - static_cast<std::uint32_t>(c > kMaxCode);  // all ones when not representable
      out[k] = static_cast<std::uint16_t>((u & over) | (c & ~over));
      out_bad[k] = static_cast<std::uint8_t>(over & 1u);
    }
    if (sub) {
      for (std::size_t k = 0; k < len; ++k) {
        const std::uint32_t c = encode_float(lam * decode(cs[k]) + as[k]);
        const bool over = c > kMaxCode;
        out[k] = over ? cs[k] : static_cast<std::uint16_t>(c);
        out_bad[k] = static_cast<std::uint8_t>(over);
      }
    }
    for (std::size_t k = 0; k < len; ++k) {
      cs[k] = out[k];
      bs[k] = static_cast<std::uint8_t>(bs[k] | out_bad[k]);
    }
  }
}

// Whether x is representable (encode(x) succeeds).
constexpr bool representable(double x) { return encode(x).has_value(); }

// x rounded to the format, or nullopt when x is not representable.
constexpr std::optional<float> rounded(double x) {
  const auto c = encode(x);
  if (!c) return std::nullopt;
  return decode(*c);
}

}  // namespace uf16

// A read-only view of uf16 codes (as std::span is of a vector): size(), decoded operator[], first().
class Uf16Span {
 public:
  constexpr Uf16Span() = default;
  constexpr Uf16Span(const std::uint16_t* codes, std::size_t n) : codes_(codes), n_(n) {}
  constexpr std::size_t size() const { return n_; }
  constexpr bool empty() const { return n_ == 0; }
  constexpr float operator[](std::size_t i) const { return uf16::decode(codes_[i]); }
  constexpr std::uint16_t code(std::size_t i) const { return codes_[i]; }
  constexpr const std::uint16_t* data() const { return codes_; }
  constexpr Uf16Span first(std::size_t n) const { return {codes_, n}; }

 private:
  const std::uint16_t* codes_ = nullptr;
  std::size_t n_ = 0;
};

// A column of non-negative values stored as uf16 codes (2 B each). Reading gives the decoded
// float; writing goes through set(), which rounds once (ties to even) and refuses a value the
// format cannot hold (a programmer error there: generation checks representability first and
// reports bad scenario parameters as an InputError).
class Uf16Column {
 public:
  // A random-access iterator over the decoded values (read-only).
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = float;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = float;
    const_iterator() = default;
    explicit const_iterator(const std::uint16_t* p) : p_(p) {}
    float operator*() const { return uf16::decode(*p_); }
    float operator[](difference_type k) const { return uf16::decode(p_[k]); }
    const_iterator& operator++() { return ++p_, *this; }
    const_iterator operator++(int) { const_iterator t = *this; ++p_; return t; }
    const_iterator& operator--() { return --p_, *this; }
    const_iterator operator--(int) { const_iterator t = *this; --p_; return t; }
    const_iterator& operator+=(difference_type k) { return p_ += k, *this; }
    const_iterator& operator-=(difference_type k) { return p_ -= k, *this; }
    friend const_iterator operator+(const_iterator a, difference_type k) { return a += k; }
    friend const_iterator operator+(difference_type k, const_iterator a) { return a += k; }
    friend const_iterator operator-(const_iterator a, difference_type k) { return a -= k; }
    friend difference_type operator-(const_iterator a, const_iterator b) { return a.p_ - b.p_; }
    friend bool operator==(const_iterator a, const_iterator b) { return a.p_ == b.p_; }
    friend auto operator<=>(const_iterator a, const_iterator b) { return a.p_ <=> b.p_; }

   private:
    const std::uint16_t* p_ = nullptr;
  };

  Uf16Column() = default;

  std::size_t size() const { return codes_.size(); }
  bool empty() const { return codes_.empty(); }
  float operator[](std::size_t i) const { return uf16::decode(codes_[i]); }
  // Sets element i to v rounded to the format; v must be representable (aborts otherwise).
  void set(std::size_t i, double v) { codes_[i] = checked_encode(v); }
  std::uint16_t code(std::size_t i) const { return codes_[i]; }
  void set_code(std::size_t i, std::uint16_t c) { codes_[i] = c; }
  // The codes to write in place (kernels over runs of codes, e.g. uf16::decay_add_run).
  std::uint16_t* code_data() { return codes_.data(); }
  // New elements are 0 (code 0).
  void resize(std::size_t n) { codes_.resize(n); }
  void assign(std::size_t n, double v) { codes_.assign(n, checked_encode(v)); }
  void assign(std::initializer_list<double> values) {
    codes_.clear();
    codes_.reserve(values.size());
    for (const double v : values) codes_.push_back(checked_encode(v));
  }
  void clear() { codes_.clear(); }
  std::size_t memory_bytes() const { return codes_.size() * sizeof(std::uint16_t); }

  const std::vector<std::uint16_t>& codes() const { return codes_; }
  Uf16Span view() const { return {codes_.data(), codes_.size()}; }
  operator Uf16Span() const { return view(); }  // NOLINT: implicit, as a vector to a span
  const_iterator begin() const { return const_iterator(codes_.data()); }
  const_iterator end() const { return const_iterator(codes_.data() + codes_.size()); }

  friend bool operator==(const Uf16Column&, const Uf16Column&) = default;

  // Checkpoints (io/checkpoint.hpp): the raw codes.
  template <class A>
  void fields(A& a) {
    a(codes_);
  }

 private:
  static std::uint16_t checked_encode(double v) {
    const auto c = uf16::encode(v);
    if (!c) assertion_failed("uf16::encode(v): value not representable in a Uf16Column", __FILE__, __LINE__);
    return *c;
  }
  std::vector<std::uint16_t> codes_;
};

}  // namespace credsim
