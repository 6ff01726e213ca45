// Scenario description of a FICO-style credit score (SPEC §1.12): [systems.NAME] type = "fico".
// Every default below is documented in docs/MODEL.md ("FICO-style credit score") with its source;
// all but the weights, the 300–850 range and the band cut-offs are assumptions.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim {
namespace scenario { class Reader; }
class EventCatalog;

struct FicoSpec {
  Tick recompute_every = 4;  // monthly (assumption: bureaus refresh as lenders report, ~monthly)
  // Payment history, amounts owed, length of history, credit mix, new credit (SPEC §1.12).
  std::array<double, 5> weights{35, 30, 15, 10, 10};
  // Bands, best first, with lower bounds (FICO's published ranges: myFICO, "What is a credit score").
  std::vector<std::string> grade_names{"exceptional", "very_good", "good", "fair", "poor"};
  std::vector<double> grade_lower{800, 740, 670, 580, 300};
  // Ledger domains whose records the bureau holds (finance only by default; never social).
  std::vector<std::string> domains{"finance"};
  // Payment history: (prior_good + on_time) / (prior_good + on_time + Σ weight · derogatory count).
  double prior_good = 12;       // on-time payments credited to every file (a thin file's cushion)
  double missed_weight = 12;    // one missed instalment outweighs a year of monthly payments
  double default_weight = 60;   // a default: five years
  double other_weight = 30;     // any other derogatory finance record (breach, fraud, ...)
  Tick record_validity = 364;   // ticks a derogatory record stays on file (US FCRA: 7 years)
  bool initial_history = true;  // draw each file's past (window record_validity) at tick 0
  // Amounts owed: utilisation u = balance / limit on the consumer credit line.
  double limit_income_weeks = 8;      // credit limit = 8 weeks of income
  double statement_weeks = 4;         // balance = 4 weeks of (smoothed) spending ...
  double default_balance_weeks = 8;   // ... + 8 weeks of income per default on file
  double spending_half_life = 4;      // ticks, exponential smoothing of weekly spending
  double no_line_amounts_owed = 0.5;  // sub-score of a person without a credit line
  // Length of history: min(1, (credit_years[age band] + tick/52) / full_history_years).
  std::array<double, 5> credit_years{4, 12, 22, 33, 45};
  double full_history_years = 30;
  // Credit mix: (consumer credit line + card + mortgage) / 3, by proxies.
  double card_income = 800;         // weekly income from which a person holds a credit card
  double mortgage_wealth = 150000;  // initial wealth from which a person holds a mortgage
  // New credit: 1 / (1 + inquiry_weight · I), I = decayed count of hard inquiries.
  double inquiry_rate = 0.02;        // hard inquiries per person per week (~1 a year)
  double inquiry_half_life = 26;     // ticks
  double inquiry_weight = 0.5;
  // Published figures (SPEC §1.6, FTC 2012) are compared with the metric rows error_share,
  // score_changed_share and better_tier_share by the scenario's generic [targets.NAME] tables.
};

// Reads [systems.NAME] of type "fico".
FicoSpec read_fico_spec(const scenario::Reader& r, const EventCatalog& catalog);

}  // namespace credsim
