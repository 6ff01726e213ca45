// Persons and businesses as struct-of-arrays columns (one std::vector per trait), generated
// from the scenario's distributions with counter-based draws keyed by the person's id, so a
// person's traits do not depend on how many persons come before them or on thread count.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/core/types.hpp"
#include "credsim/core/uf16.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim {

// Data domains a private operator may see only with consent (SPEC §1.1, seed 004).
enum ConsentBit : std::uint8_t { kConsentShopping = 1, kConsentGaming = 2, kConsentSocial = 4 };

// Where the persons come from (SPEC §2): the key of their trait streams and the parameters of
// the event-catalog propensities. Persons built by hand (tests) are not generated: their
// misconduct and civic multipliers read 1 and wealth_z 0 (their columns may stay empty).
struct TraitSource {
  bool generated = false;
  std::uint64_t seed = 0, replicate = 0;
  double misconduct_sigma = 0, civic_sigma = 0, civic_misconduct_corr = 0;
  template <class A>
  void fields(A& a) {
    a(generated, seed, replicate, misconduct_sigma, civic_sigma, civic_misconduct_corr);
  }
};

// The event-catalog propensities of one person.
struct EventTraits {
  float misconduct = 1, civic = 1, wealth_z = 0;
};

// Draw positions (64-bit words) in a person's trait stream (Stream::kSocietyTraits): part of the
// model's definition.
inline constexpr std::uint64_t kWealthDraw = 0;   // zw: a normal (words 0-1)
inline constexpr std::uint64_t kEventDraws = 31;  // zm and civic's own normal (words 31-34)

// wealth_z is stored as a 16-bit fixed-point number: z · kWealthZScale rounded to the nearest
// integer (ties to even), exact to 1 / (2 · kWealthZScale) ≈ 2.4e-4. Every normal the trait
// stream can draw fits (Box–Muller from 53-bit uniforms: |z| ≤ 8.58, so |code| ≤ 17,573).
inline constexpr float kWealthZScale = 2048.0f;
inline std::int16_t wealth_z_code(double z) { return static_cast<std::int16_t>(std::nearbyint(z * kWealthZScale)); }
inline float wealth_z_of_code(std::int16_t c) { return static_cast<float>(c) / kWealthZScale; }  // exact

// The eight small fixed traits of a person packed into one 16-bit word (Persons::traits): the
// shift and width of each field, bits from low to high. 13 bits are used.
namespace trait_bits {
inline constexpr unsigned kEducation = 0, kEducationWidth = 2;  // 0..3
inline constexpr unsigned kAgeBand = 2, kAgeBandWidth = 3;      // 0..4
inline constexpr unsigned kStableJob = 5;                        // 0/1
inline constexpr unsigned kParent = 6;                           // 0/1
inline constexpr unsigned kConsent = 7, kConsentWidth = 3;      // ConsentBit mask
inline constexpr unsigned kHasLoan = 10;                         // 0/1
inline constexpr unsigned kScrutinised = 11;                     // 0/1
inline constexpr unsigned kLegalRep = 12;                        // 0/1
// Field (shift, width) of a packed word.
constexpr std::uint8_t get(std::uint16_t w, unsigned shift, unsigned width = 1) {
  return static_cast<std::uint8_t>((w >> shift) & ((1u << width) - 1u));
}
// The word with field (shift, width) set to v (v < 2^width).
constexpr std::uint16_t with(std::uint16_t w, unsigned shift, unsigned width, unsigned v) {
  const unsigned mask = ((1u << width) - 1u) << shift;
  return static_cast<std::uint16_t>((w & ~mask) | ((v << shift) & mask));
}
}  // namespace trait_bits

struct Persons {
  // Fixed traits.
  std::vector<std::uint16_t> region;
  // education, age band, stable job, parent, consent, has a loan, scrutinised, legal
  // representative: packed (trait_bits), read through the accessors below.
  std::vector<std::uint16_t> traits;
  // Income, initial wealth and the propensities are stored in 16 bits (core/uf16.hpp: 11
  // significant bits, relative error ≤ 2^-11), rounded once when drawn; p.income[i] reads the
  // stored (rounded) value as a float, writers go through set(i, v).
  Uf16Column income;                     // yuan per week
  Uf16Column initial_wealth;             // yuan at tick 0
  // Propensities (per week), drawn once.
  Uf16Column miss_prob;                  // per instalment due
  Uf16Column rate_baby, rate_games, rate_domestic, rate_luxury;
  Uf16Column platform_share;             // share of purchases paid on the operator's platform
  Uf16Column gaming_hours;               // mean hours per week (0 for non-gamers)
  Uf16Column dissent;                    // unapproved posts per week (mean)
  Uf16Column embarrassing;               // embarrassing-but-true posts per week (mean)
  // State that changes.
  std::vector<double> wealth;            // yuan; never below 0
  // Event-catalog propensities, drawn once: the multipliers of misconduct and civic event rates
  // (mean 1; 16-bit like the columns above) and the standardised log initial wealth (16-bit fixed
  // point, kWealthZScale); read through misconduct(i), civic(i), wealth_z(i).
  Uf16Column misconduct_mult, civic_mult;
  std::vector<std::int16_t> wealth_z_codes;
  TraitSource source;

  std::size_t size() const { return region.size(); }
  std::size_t memory_bytes() const;

  // The packed traits of person i.
  std::uint8_t education(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kEducation, trait_bits::kEducationWidth); }  // 0..3
  std::uint8_t age_band(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kAgeBand, trait_bits::kAgeBandWidth); }  // 0..4
  std::uint8_t stable_job(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kStableJob); }
  std::uint8_t parent(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kParent); }
  std::uint8_t consent(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kConsent, trait_bits::kConsentWidth); }  // ConsentBit mask
  std::uint8_t has_loan(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kHasLoan); }
  std::uint8_t scrutinised(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kScrutinised); }  // works in a profession barred to the listed (SPEC §1.9)
  std::uint8_t legal_rep(std::size_t i) const { return trait_bits::get(traits[i], trait_bits::kLegalRep); }  // legal representative of at least one business
  // Setters (generation, tests): v must fit the field (education 0..3, age band 0..4, consent a
  // ConsentBit mask, flags 0/1); traits must already hold person i.
  void set_education(std::size_t i, unsigned v) { set(i, trait_bits::kEducation, trait_bits::kEducationWidth, v, 3); }
  void set_age_band(std::size_t i, unsigned v) { set(i, trait_bits::kAgeBand, trait_bits::kAgeBandWidth, v, 4); }
  void set_stable_job(std::size_t i, unsigned v) { set(i, trait_bits::kStableJob, 1, v, 1); }
  void set_parent(std::size_t i, unsigned v) { set(i, trait_bits::kParent, 1, v, 1); }
  void set_consent(std::size_t i, unsigned v) { set(i, trait_bits::kConsent, trait_bits::kConsentWidth, v, 7); }
  void set_has_loan(std::size_t i, unsigned v) { set(i, trait_bits::kHasLoan, 1, v, 1); }
  void set_scrutinised(std::size_t i, unsigned v) { set(i, trait_bits::kScrutinised, 1, v, 1); }
  void set_legal_rep(std::size_t i, unsigned v) { set(i, trait_bits::kLegalRep, 1, v, 1); }
  // Multiplier of misconduct event rates (mean 1), of civic event rates (mean 1), standardised
  // log initial wealth (for elasticities): one person's, or all three at once. 1, 1 and 0 for
  // persons built by hand (source.generated false).
  float misconduct(std::size_t i) const { return source.generated ? misconduct_mult[i] : 1.0f; }
  float civic(std::size_t i) const { return source.generated ? civic_mult[i] : 1.0f; }
  float wealth_z(std::size_t i) const { return source.generated ? wealth_z_of_code(wealth_z_codes[i]) : 0.0f; }
  EventTraits event_traits(std::size_t i) const {
    if (!source.generated) return {};
    return {misconduct_mult[i], civic_mult[i], wealth_z_of_code(wealth_z_codes[i])};
  }
  // Every column, for checkpoints (io/checkpoint.hpp). A new column goes here too: the
  // static_assert below fails until it does.
  template <class A>
  void fields(A& a) {
    a(region, traits, income, initial_wealth, miss_prob, rate_baby, rate_games, rate_domestic, rate_luxury,
      platform_share, gaming_hours, dissent, embarrassing, wealth, misconduct_mult, civic_mult, wealth_z_codes, source);
  }

 private:
  void set(std::size_t i, unsigned shift, unsigned width, unsigned v, [[maybe_unused]] unsigned max) {
    CREDSIM_ASSERT(v <= max);
    traits[i] = trait_bits::with(traits[i], shift, width, v);
  }
};
static_assert(sizeof(Uf16Column) == sizeof(std::vector<std::uint16_t>));
static_assert(sizeof(Persons) == 17 * sizeof(std::vector<float>) + sizeof(TraitSource),
              "a Persons column was added or removed: list it in Persons::fields (checkpoints)");

// Businesses: a table ready for corporate credit (issue: systems); only a few columns are used yet.
struct Businesses {
  std::vector<std::uint16_t> region;
  std::vector<std::uint8_t> sector;
  std::vector<float> size;                // employees
  std::vector<NodeId> legal_representative;
  std::size_t size_rows() const { return region.size(); }
  template <class A>
  void fields(A& a) {
    a(region, sector, size, legal_representative);
  }
};
static_assert(sizeof(Businesses) == 4 * sizeof(std::vector<float>),
              "a Businesses column was added or removed: list it in Businesses::fields (checkpoints)");

struct Society {
  Persons persons;
  Businesses businesses;
  std::vector<NodeId> region_start;  // persons of region r are ids [region_start[r], region_start[r+1])
  template <class A>
  void fields(A& a) {
    a(persons, businesses, region_start);
  }
};

// Region block sizes for n persons from relative weights: floor shares, remainder to the
// largest fractional parts (ties to the lower region), so sizes sum exactly to n.
std::vector<NodeId> region_sizes(NodeId n, const std::vector<double>& weights);

Society generate_society(NodeId persons, const SocietySpec& s, const BehaviourSpec& b,
                         std::uint64_t seed, std::uint64_t replicate);

}  // namespace credsim
