// Scenario description of the court's list of dishonest judgment defaulters (SPEC §1.3):
// [systems.NAME] type = "court_list". Every number is a default a scenario can change; the
// source of each is given beside it ("assumption" where no primary source confirms it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim {
namespace scenario { class Reader; }
class EventCatalog;

struct CourtListSpec {
  // Judgments: from recorded loan defaults and recorded judicial events (ledger records, so
  // false and misattributed records give wrongful judgments — SPEC §1.6).
  double judgment_given_default = 0.3;   // a recorded loan_default becomes a judgment (assumption)
  std::vector<std::string> judicial_events{"sued_found_in_breach", "debt_suit_liability", "court_utility_arrears"};
  double judgment_given_judicial = 1.0;  // a recorded judicial event is a judgment (SPEC §1.2/§1.3; assumption)
  // Debt (yuan) = debt_income_weeks × weekly income + debt_fixed (assumption).
  double debt_income_weeks = 10, debt_fixed = 5000;
  Tick grace_ticks = 4;                  // ticks after the judgment before listing (SPEC §1.3; length assumption)
  // Performance: each tick, a debtor whose wealth covers the debt pays with probability
  // pay_prob / c, and the enforcement hazards below are × c, where c = misconduct^compliance_elasticity.
  double pay_prob = 0.05;                // assumption
  double compliance_elasticity = 1.0;    // assumption
  // Circumstances (2), (3), (4), (6): per outstanding judgment per tick after the grace period.
  double obstruct_rate = 0.002;          // (2) obstructs enforcement (assumption)
  double evade_rate = 0.002;             // (3) sham litigation, hiding assets (assumption)
  double asset_report_rate = 0.002;      // (4) breaks asset-reporting rules (assumption)
  double settlement_refusal_rate = 0.001;// (6) refuses a settlement without cause (assumption)
  double restriction_breach_rate = 0.005;// (5) a restricted person breaks a restriction, per tick (assumption)
  // Terms (SPEC §1.3): (1) until performed; (2)–(6) term_ticks, plus 1–3 years (uniform whole
  // years) for serious (probability serious_prob) or repeated cases.
  Tick term_ticks = 104;
  double serious_prob = 0.2;             // assumption
  Tick ticks_per_year = 52;
  // Notification and appeal (SPEC §1.3, seed 004): without notice no appeal starts.
  double notify_prob = 0.5;              // assumption (seed 004: Liu Hu was not notified)
  double appeal_prob_wrongful = 0.6, appeal_prob_rightful = 0.05;     // assumption
  Tick appeal_delay_wrongful = 12, appeal_delay_rightful = 26;        // assumption
  double appeal_success_wrongful = 0.7, appeal_success_rightful = 0.1;// assumption
  // Blocked travel: a restricted person tries to buy flights / G-train seats at these weekly
  // rates × exp(e·z_wealth − e²/2); each try is blocked and counted (person-times, SPEC §1.3).
  double flight_rate = 0.05, train_rate = 0.02, travel_wealth_elasticity = 0.5;  // assumption
  // Businesses (SPEC §1.3: restrictions fall on the legal representative): judgments per
  // business per tick, listing at the end of the grace period, payment per tick.
  double business_judgment_rate = 0.0002;  // assumption
  double business_listing_prob = 0.5;      // assumption
  double business_pay_prob = 0.02;         // assumption
  // Published figures are compared with the model by the scenario's generic [targets.NAME]
  // tables (docs/MODEL.md, "Calibration targets"), which name this system's metric rows.
};

// Reads [systems.NAME] of type "court_list" (judicial_events must name event types of `catalog`).
CourtListSpec read_court_list_spec(const scenario::Reader& r, const EventCatalog& catalog);

}  // namespace credsim
