// The Unified Social Credit Code of businesses (GB 32100-2015; SPEC §1.5): check characters,
// validation of codes from registers, generation for simulated businesses, data-entry errors (§1.6).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "credsim/core/rng.hpp"

// Layout of the 18 characters (1-based positions, as in the standard):
//   1      registering authority ('9' = market regulation, the one that registers businesses)
//   2      entity type under that authority ('1' enterprise, '2' individual business,
//          '3' farmers' specialised cooperative)
//   3–8    6-digit administrative division code (GB/T 2260)
//   9–17   9-character organisation code (GB 11714): 8 body characters and, at 17, its own check
//   18     check character over positions 1–17
// All 18 characters come from the 31-character alphabet kAlphabet (no I, O, S, V, Z, which are
// too easily confused with 1, 0, 5, U, 2).
//
// Two checks, kept apart on purpose (Validation below):
//  * check18 (GB 32100): Σ value(c_i)·3^(i−1) mod 31 over positions 1–17, check = 31 − Σ mod 31
//    (31 → 0), value = index in kAlphabet. Equivalently Σ over all 18 positions with weight 1 on
//    the check ≡ 0 (mod 31). This is what makes a code valid.
//  * org check (GB 11714) at position 17: body characters valued 0–9 for digits and A=10 … Z=35
//    (full Latin alphabet, NOT the kAlphabet index: valued by that index, the printed position-17
//    characters of two of the SPEC's 'M…' codes would not match), weights 3,7,9,10,5,8,4,2;
//    c = 11 − Σ mod 11, 10 → 'X', 11 → '0'.
// Decision: valid() = length, alphabet and check18 only. The org check is reported separately
// (org_check_ok) and does not invalidate a code, because GB 32100 defines the 18th character over
// the whole code, and codes carried over from before unification (notably 'M' organisation codes
// assigned by market regulators) are not guaranteed to follow GB 11714 at position 17. All five
// SPEC vectors happen to pass the org check; the two SPEC "early codes that fail" fail check18.
// The org check adds no detection power for single errors: check18 already catches every single
// substitution and every adjacent transposition (tests/unit/uscc).
namespace credsim::uscc {

inline constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
inline constexpr std::size_t kLength = 18;

// Position-1 and position-2 characters for businesses (GB 32100-2015, table 1).
inline constexpr char kAuthorityMarketRegulation = '9';
inline constexpr char kEntityEnterprise = '1';
inline constexpr char kEntityIndividualBusiness = '2';
inline constexpr char kEntityFarmersCooperative = '3';

// Index of c in kAlphabet (0–30), or −1 if c is not in it (lowercase letters included).
int value_of(char c);

// Check character (position 18) for the first 17 characters; '\0' if first17 is not exactly 17
// characters of kAlphabet (validate() is the entry point for untrusted data).
char check_character(std::string_view first17);

// GB 11714 check character (position 17) for the 8 body characters; '\0' if org8 is not exactly
// 8 characters of 0–9 / A–Z (upper case). Returns one of '0'–'9' or 'X'.
char org_check_character(std::string_view org8);

struct Validation {
  bool length_ok = false;     // exactly 18 characters
  bool alphabet_ok = false;   // every character in kAlphabet (upper case; no I, O, S, V, Z)
  bool check18_ok = false;    // position 18 matches check_character(positions 1–17)
  bool org_check_ok = false;  // position 17 matches org_check_character(positions 9–16)
  // A code is valid when it is well formed and its 18th character checks; see the header note.
  bool valid() const { return length_ok && alphabet_ok && check18_ok; }
  // Human-readable list of every failed check ("; "-separated), empty iff all four passed.
  std::string problem;
};

Validation validate(std::string_view code);

// A valid code (both checks pass) with 8 organisation body characters drawn uniformly from
// kAlphabet with rng (8 draws). Independent draws can collide: among n codes with the same first
// 8 characters about n²/(2·31^8) ≈ n²/1.7e12 duplicates are expected (0.006 for n = 1e5), so use
// generate_unique where the code is a register key. division must be 6 digits; authority and
// entity_type must be in kAlphabet (asserted).
std::string generate(char authority, char entity_type, std::string_view division, Rng& rng);

// A valid code whose organisation body is a keyed pseudo-random permutation of serial over
// [0, 31^8): distinct serials (e.g. business indices, < kUniqueSerials) give distinct codes, and
// the bodies look random rather than sequential. key is any 64-bit word, e.g. the first draw of
// Rng(seed, replicate, Rng::kNoTick, 0, Stream::kBusinessTraits), so codes vary by seed/replicate.
inline constexpr std::uint64_t kUniqueSerials = 852891037441ULL;  // 31^8
std::string generate_unique(char authority, char entity_type, std::string_view division,
                            std::uint64_t serial, std::uint64_t key);

// A realistic single data-entry error: with probability kTransposeShare two adjacent, different
// characters swapped, otherwise one character replaced by another character of kAlphabet (chosen
// uniformly among the 30 others). The result always differs from code (unless code is empty).
// *assumption*: Verhoeff (1969) found single substitutions the most common keying error and
// adjacent transpositions next, at roughly a tenth of all errors.
inline constexpr double kTransposeShare = 0.1;
std::string corrupt(std::string code, Rng& rng);

// Real administrative division codes (GB/T 2260), used only as public structure: simulated
// regions are abstract, so region r gets kDivisions[r mod size].
struct Division {
  std::string_view code, name;
};
inline constexpr std::array<Division, 12> kDivisions{{
    {"110000", "Beijing"},
    {"310000", "Shanghai"},
    {"120000", "Tianjin"},
    {"500000", "Chongqing"},
    {"350100", "Fuzhou, Fujian"},
    {"350200", "Xiamen, Fujian"},
    {"371082", "Rongcheng, Weihai, Shandong"},
    {"330100", "Hangzhou, Zhejiang"},
    {"320500", "Suzhou, Jiangsu"},
    {"440100", "Guangzhou, Guangdong"},
    {"440300", "Shenzhen, Guangdong"},
    {"510100", "Chengdu, Sichuan"},
}};
std::string division_code_for_region(std::uint32_t region);

}  // namespace credsim::uscc
