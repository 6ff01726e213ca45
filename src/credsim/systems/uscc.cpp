// Unified Social Credit Code (GB 32100-2015; SPEC §1.5): the two check characters, validation
// with a readable problem list, generation for simulated businesses and single keying errors.
#include "credsim/systems/uscc.hpp"

#include <utility>

#include "credsim/core/error.hpp"

namespace credsim::uscc {
namespace {

// 3^(i−1) mod 31 for positions 1–17. 3 is a primitive root mod 31, so the weights are all
// different (and differ from the check's implicit weight 1 except at position 1): that is why
// every single substitution and every adjacent transposition changes Σ mod 31.
constexpr std::array<int, 17> kWeights{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr std::array<int, 8> kOrgWeights{3, 7, 9, 10, 5, 8, 4, 2};

constexpr std::array<signed char, 256> make_values() {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
  return t;
}
constexpr auto kValues = make_values();

// GB 11714 values: the full Latin alphabet, A = 10 … Z = 35.
int org_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

std::string quoted(char c) {
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(c);
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
  }
  return std::string("'") + c + "'";
}

void add_problem(std::string& all, const std::string& one) {
  if (!all.empty()) all += "; ";
  all += one;
}

// Position-1 to position-16 prefix plus the org check, then the 18th check character.
std::string finish(char authority, char entity_type, std::string_view division,
                   const std::array<char, 8>& body) {
  CREDSIM_ASSERT(value_of(authority) >= 0 && value_of(entity_type) >= 0);
  CREDSIM_ASSERT(division.size() == 6);
  std::string code;
  code.reserve(kLength);
  code += authority;
  code += entity_type;
  for (char c : division) {
    CREDSIM_ASSERT(c >= '0' && c <= '9');
    code += c;
  }
  code.append(body.data(), body.size());
  code += org_check_character(std::string_view(body.data(), body.size()));
  code += check_character(code);
  return code;
}

// splitmix64 finaliser: a fixed, platform-independent mixing function for the Feistel rounds.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A keyed permutation of [0, 2^40): 6 balanced Feistel rounds on 20-bit halves.
std::uint64_t feistel40(std::uint64_t x, std::uint64_t key) {
  constexpr std::uint64_t kMask = (std::uint64_t{1} << 20) - 1;
  std::uint64_t l = x >> 20, r = x & kMask;
  for (std::uint64_t round = 0; round < 6; ++round) {
    const std::uint64_t f = mix(key ^ (round << 40) ^ r) & kMask;
    l = std::exchange(r, l ^ f);
  }
  return (l << 20) | r;
}

}  // namespace

int value_of(char c) { return kValues[static_cast<unsigned char>(c)]; }

char check_character(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const int v = value_of(first17[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  const int c = 31 - sum % 31;
  return kAlphabet[c == 31 ? 0 : c];
}

char org_check_character(std::string_view org8) {
  if (org8.size() != 8) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const int v = org_value(org8[i]);
    if (v < 0) return '\0';
    sum += v * kOrgWeights[i];
  }
  const int c = 11 - sum % 11;
  return c == 10 ? 'X' : c == 11 ? '0' : static_cast<char>('0' + c);
}

Validation validate(std::string_view code) {
  Validation v;
  v.length_ok = code.size() == kLength;
  if (!v.length_ok)
    add_problem(v.problem, "length " + std::to_string(code.size()) + ", expected 18 characters");

  v.alphabet_ok = true;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (value_of(c) >= 0) continue;
    v.alphabet_ok = false;
    const std::string where = "character " + quoted(c) + " at position " + std::to_string(i + 1);
    if (c >= 'a' && c <= 'z')
      add_problem(v.problem, where + " is lower case; codes use upper case only");
    else if (c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z')
      add_problem(v.problem, where + " is a letter never used in codes (I, O, S, V, Z)");
    else
      add_problem(v.problem, where + " is not in the code alphabet " + std::string(kAlphabet));
  }
  // The checks are only meaningful (and only computable) on a well-formed code.
  if (!v.length_ok || !v.alphabet_ok) return v;

  const char c18 = check_character(code.substr(0, 17));
  v.check18_ok = c18 == code[17];
  if (!v.check18_ok)
    add_problem(v.problem, "check character at position 18 is " + quoted(code[17]) +
                               ", positions 1-17 give " + quoted(c18));
  const char c17 = org_check_character(code.substr(8, 8));
  v.org_check_ok = c17 == code[16];
  if (!v.org_check_ok)
    add_problem(v.problem, "organisation-code check character at position 17 is " +
                               quoted(code[16]) + ", GB 11714 over positions 9-16 gives " +
                               quoted(c17));
  return v;
}

std::string generate(char authority, char entity_type, std::string_view division, Rng& rng) {
  std::array<char, 8> body;
  for (char& c : body) c = kAlphabet[rng.below(kAlphabet.size())];
  return finish(authority, entity_type, division, body);
}

std::string generate_unique(char authority, char entity_type, std::string_view division,
                            std::uint64_t serial, std::uint64_t key) {
  CREDSIM_ASSERT(serial < kUniqueSerials);
  // Cycle walking: a permutation of [0, 2^40) restricted to [0, 31^8) by re-applying it until
  // the value falls inside, which is again a permutation (on average 1.29 applications).
  std::uint64_t x = feistel40(serial, key);
  while (x >= kUniqueSerials) x = feistel40(x, key);
  std::array<char, 8> body;
  for (int i = 7; i >= 0; --i) {
    body[static_cast<std::size_t>(i)] = kAlphabet[x % 31];
    x /= 31;
  }
  return finish(authority, entity_type, division, body);
}

std::string corrupt(std::string code, Rng& rng) {
  if (code.empty()) return code;
  if (rng.bernoulli(kTransposeShare)) {
    // Only adjacent pairs of different characters: swapping equal ones would be no error at all.
    // A code without such a pair falls through to a substitution.
    std::size_t pairs = 0;
    for (std::size_t i = 0; i + 1 < code.size(); ++i) pairs += code[i] != code[i + 1];
    if (pairs > 0) {
      std::uint64_t k = rng.below(pairs);
      for (std::size_t i = 0; i + 1 < code.size(); ++i) {
        if (code[i] == code[i + 1]) continue;
        if (k-- == 0) {
          std::swap(code[i], code[i + 1]);
          return code;
        }
      }
    }
  }
  const std::size_t pos = rng.below(code.size());
  const int old = value_of(code[pos]);
  if (old >= 0) {
    auto r = static_cast<int>(rng.below(kAlphabet.size() - 1));
    if (r >= old) ++r;  // skip the original character
    code[pos] = kAlphabet[static_cast<std::size_t>(r)];
  } else {
    code[pos] = kAlphabet[rng.below(kAlphabet.size())];
  }
  return code;
}

std::string division_code_for_region(std::uint32_t region) {
  return std::string(kDivisions[region % kDivisions.size()].code);
}

}  // namespace credsim::uscc
