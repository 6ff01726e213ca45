// Scenario description of a municipal points system (SPEC §1.2): [systems.NAME] type = "points".
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim {
namespace scenario { class Reader; }
class EventCatalog;

struct PointsCatalogEntry {
  std::string event;           // an event type of the catalog
  double delta = 0;            // points per recorded event (per monthly cycle for arrears)
  std::string automatic_grade; // non-empty: the record sets this grade (e.g. drunk driving → C)
};

struct PointsSpec {
  double base = 1000;                 // everyone starts here (SPEC §1.2)
  double min = 0, max = 1e9;          // clamp of the points balance
  // Grades, best first, with the lower bound of each (the last grade takes everything below).
  std::vector<std::string> grade_names{"AAA", "AA", "A", "B", "C", "D"};
  std::vector<double> grade_lower{1050, 1030, 960, 850, 600, -1e18};
  std::vector<PointsCatalogEntry> catalog;   // default: the confirmed Rongcheng entries
  std::vector<std::uint32_t> regions;        // regions where this scheme applies (empty: all)
  bool warning_first = true;                 // "warning before punishment": a person's first
                                             // negative record of each type is a warning only
  Tick record_validity = 0;                  // ticks a deduction counts (0: forever)
  Tick automatic_grade_ticks = 104;          // how long an automatic grade holds
};

// Reads [systems.NAME] of type "points" (catalog entries must name event types of `catalog`).
PointsSpec read_points_spec(const scenario::Reader& r, const EventCatalog& catalog);

}  // namespace credsim
