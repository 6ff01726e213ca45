// Scenario description of agency black, red and warning lists with joint punishment (SPEC §1.4):
// [systems.NAME] type = "agency_lists", one [systems.NAME.agencies.AGENCY] table per agency.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim {
namespace scenario { class Reader; }
class EventCatalog;

// One agency (tax, transport, market regulation, ...): the records it watches and its rules.
// Every rule is a rule, not an algorithm (SPEC §1.4): counts of records in a window of ticks.
struct AgencySpec {
  std::string name;
  std::vector<std::string> watch;     // negative event types this agency lists for
  // Black-list rule: black_count recorded events of the watched types within black_window
  // ticks (this tick included) → black list for black_ticks ticks. black_count = 0: no black list.
  std::uint32_t black_count = 0;
  Tick black_window = 52;
  Tick black_ticks = 104;
  bool warnings = true;               // keeps a warning list for its field (SPEC §1.4 "big data")
  // Red-list rule: no watched record within red_window ticks and at least red_min_positive
  // records of the red_positive types within red_window ticks. red_window = 0: no red list.
  Tick red_window = 0;
  std::uint32_t red_min_positive = 0;
  std::vector<std::string> red_positive;
};

struct AgencyListsSpec {
  std::vector<AgencySpec> agencies;   // default: docs/MODEL.md, "Agency lists" (assumptions)
  Tick warning_ticks = 26;            // one watched record → warning in that field for this long
  std::uint32_t big_data_fields = 3;  // warnings in this many fields → black list (SPEC §1.4); 0 = off
  Tick big_data_ticks = 104;          // term of a three-fields listing
  bool corrections_delist = true;     // a record corrected on appeal lifts the listings it alone carried
};

// Reads [systems.NAME] of type "agency_lists" (event types must exist in `catalog`).
AgencyListsSpec read_agency_lists_spec(const scenario::Reader& r, const EventCatalog& catalog);

}  // namespace credsim
