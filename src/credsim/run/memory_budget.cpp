// The memory estimate (see memory_budget.hpp). Each constant is the per-person or per-item size
// of a component's columns; when a component's layout changes, its constant here changes too.
#include "credsim/run/memory_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "credsim/core/error.hpp"
#include "credsim/measure/harm_window.hpp"

namespace credsim {

MemoryEstimate estimate_memory(const Scenario& sc, double n, double m) {
  MemoryEstimate e;
  auto add = [&](std::string what, double bytes) { e.parts.emplace_back(std::move(what), bytes); };
  add("persons (traits, propensities, wealth)", n * 78);
  add("graph (CSR offsets and both directions of every edge)", (n + 1) * 8 + m * 2 * 4);
  add("one tick's events, economy, effects", n * (23 + 12 + 8 + 1));
  // Systems.
  double scored = 0, graded = 0;
  for (const SystemDecl& d : sc.systems) {
    double per_person = 0, extra = 0;
    if (d.type == "composite") per_person = 51, scored++, graded++;
    else if (d.type == "points") per_person = 24, scored++, graded++;
    else if (d.type == "court_list") per_person = 40, graded += 0;
    else if (d.type == "agency_lists") per_person = 40, graded++;
    else if (d.type == "corporate") per_person = 2, extra = sc.society.businesses * 120.0, graded++;
    else if (d.type == "fico") per_person = 40, scored++, graded++;
    else if (d.type == "platform_rating") per_person = 16 + 0.05 * 120, scored++, graded++;
    else per_person = 64;
    add("system " + d.name + " (" + d.type + ")", n * per_person + extra);
  }
  // Adaptation (MODEL.md, "Adaptation"): responsiveness and up to seven response columns, and
  // under the learning model six smoothed pressures, 4 bytes each (an upper bound: columns of
  // mechanisms that are off or have nothing to act on are not allocated).
  if (sc.adapt.model != AdaptModel::kNone)
    add("adaptation (responsiveness, responses, learning)", n * 4 * (8 + (sc.adapt.model == AdaptModel::kLearning ? 6 : 0)));
  // The harm metrics keep snapshots of the measured ticks a later window starts at, at most
  // held_max of them at once (MODEL.md section 20).
  const double stored = static_cast<double>(harm_window::count(sc.run.ticks, sc.run.measure_every, sc.measure.window).held_max);
  add("harm metrics' window of snapshots", stored * n * ((scored > 0 ? 8 : 0) + 4 * scored + graded));
  add("measure stage temporaries (sorted copies, ranks)", n * 40);
  // The ledger grows by every record: expected records per person per tick × ticks × 28 B.
  double per_tick = 0;
  for (const EventTypeSpec& t : sc.events.types())
    if (t.kind != EventKind::kDerived) per_tick += (t.rate + t.false_rate) * t.detection;
  per_tick += (sc.behaviour.unapproved_post_rate + sc.behaviour.embarrassing_post_rate) * 0.6 +
              sc.behaviour.loan_share * sc.behaviour.miss_prob / sc.behaviour.repayment_period;
  add(fmt::format("ledger ({:.3g} records per person per tick, {} ticks)", per_tick, sc.run.ticks),
      n * per_tick * sc.run.ticks * 28);
  std::sort(e.parts.begin(), e.parts.end(), [](auto& a, auto& b) { return a.second > b.second; });
  for (const auto& p : e.parts) e.bytes += p.second;
  return e;
}

std::uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return 0;
}

void check_memory(const MemoryEstimate& est, std::uint64_t limit) {
  if (limit == 0) limit = available_memory_bytes();
  if (limit == 0 || est.bytes <= static_cast<double>(limit)) return;
  std::string parts;
  for (std::size_t k = 0; k < std::min<std::size_t>(4, est.parts.size()); ++k)
    parts += fmt::format("\n  {:>10.2f} GiB  {}", est.parts[k].second / 1073741824.0, est.parts[k].first);
  throw ResourceError(fmt::format(
      "credsim: this run needs about {:.2f} GiB of memory but {:.2f} GiB {}; largest parts:{}\n"
      "Fix: lower society.persons or graph.mean_degree, shorten measure.window or raise "
      "run.measure_every (the harm window), or run on a machine with more memory.",
      est.bytes / 1073741824.0, static_cast<double>(limit) / 1073741824.0,
      limit == available_memory_bytes() ? "are available" : "is the limit (--memory-limit)", parts));
}

}  // namespace credsim
