// Scenario description of corporate credit (SPEC §1.5): [systems.NAME] type = "corporate".
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim {
namespace scenario { class Reader; }
class EventCatalog;

// Society draws each business's sector uniformly from 8 (society.cpp); names are labels only.
inline constexpr std::size_t kCorporateSectors = 8;
// Compliance record types of businesses (SPEC §1.5, §2.2), then the political one.
inline constexpr std::size_t kCorporateViolations = 5;
inline constexpr std::array<const char*, kCorporateViolations> kCorporateViolationNames{
    "tax_arrears", "product_quality", "food_safety", "environment", "unpaid_wages"};

struct CorporateViolationSpec {
  std::array<double, kCorporateSectors> rates{};  // violations per business per week, by sector
  double detection = 0.5;                         // probability a violation becomes a record
  double deduction = 12;                          // rating points per record in the window
  bool serious = false;                           // a record forces rating D for serious_ticks
};

struct CorporateSpec {
  std::array<std::string, kCorporateSectors> sector_names{
      "manufacturing", "food", "retail", "construction", "transport", "services", "technology", "agriculture"};
  std::array<CorporateViolationSpec, kCorporateViolations> violations;  // defaults in corporate.cpp
  double propensity_sigma = 0.8;            // lognormal spread (mean 1) of a business's violation rates
  // Register (SPEC §1.5, §1.6): codes from GB 32100; a share keyed in with one error.
  double individual_business_share = 0.3;   // entity type '2' instead of '1'
  double register_error_rate = 0.01;
  // Politically defined record (seed 004: airlines told to list Taiwan as part of China).
  std::string political_record = "political_statement_refused";
  std::array<double, kCorporateSectors> political_demand_rates{};  // demands per business per week
  double political_refusal_prob = 0.2;
  bool political_serious = true;           // a refusal is "serious dishonesty": rating D
  double political_deduction = 0;          // points, when not serious
  // Rating (modelled on the tax credit rating: 100 points, A ≥ 90, B ≥ 70, C ≥ 40, else D).
  Tick rating_window = 52;
  Tick rate_every = 4;
  double base = 100;
  std::array<double, 3> cutoffs{90, 70, 40};
  Tick serious_ticks = 104;
  // Joint punishment (SPEC §1.5): ratings that pass sanctions to the legal representative.
  std::vector<std::string> sanction_grades{"D"};
  // A person listed by this system cannot serve as legal representative ("" = no such check).
  std::string person_list_system;
  bool replace_listed_representative = true;  // false: the business is downgraded to D instead
};

CorporateSpec read_corporate_spec(const scenario::Reader& r, const EventCatalog& catalog);

}  // namespace credsim
