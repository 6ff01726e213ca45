// The memory estimate (see memory_budget.hpp). Each constant is the per-person or per-item size
// of a component's columns; when a component's layout changes, its constant here changes too.
#include "credsim/run/memory_budget.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include "credsim/behave/behaviour.hpp"
#include "credsim/consequences/effect_masks.hpp"
#include "credsim/core/error.hpp"
#include "credsim/graph/offsets.hpp"
#include "credsim/record/ledger.hpp"
#include "credsim/systems/agency_lists_spec.hpp"
#include "credsim/systems/fico.hpp"
#include "credsim/systems/points_spec.hpp"
#include "credsim/measure/harm_window.hpp"

namespace credsim {

namespace {

// Agency lists keep 7 bytes per person (party index, black, red, grade) and an entry per
// "party" (a person with a kept record, listing or warning). Expected parties per person after
// the run: 1 − exp(−ρ·T), ρ = watched records per person per tick (true and false, detected),
// T = the run's ticks up to how long records are kept; each party: its hit list (16 B per kept
// record, capacity ×1.5), its warning terms per agency (4 B), a header and its indices (32 B).
// Listing terms (9 B per slot) only for the listed: per agency, the chance that a person has at
// least black_count watched records within black_window, with records Poisson at the agency's
// rate (summed over agencies: an upper bound of the chance of any listing).
double agency_party_bytes(const Scenario& sc, const AgencyListsSpec& a) {
  auto rate_of = [&](const std::vector<std::string>& types, double factor) {
    double r = 0;
    for (const EventTypeSpec& t : sc.events.types())
      if (std::find(types.begin(), types.end(), t.name) != types.end())
        r += t.rate * std::min(1.0, t.detection * factor) + t.false_rate;
    if (sc.data.reporting.rate > 0 && std::find(types.begin(), types.end(), sc.data.reporting.false_type) != types.end())
      r += sc.data.reporting.rate * sc.data.reporting.false_share;
    return r;
  };
  double rho = 0;
  Tick keep = 0, longest = a.big_data_ticks;
  std::vector<std::string> watched;
  for (const AgencySpec& x : a.agencies) {
    watched.insert(watched.end(), x.watch.begin(), x.watch.end());
    if (x.red_window > 0) watched.insert(watched.end(), x.red_positive.begin(), x.red_positive.end());
    keep = std::max({keep, x.black_window, x.red_window, a.warning_ticks});
    longest = std::max(longest, x.black_ticks);
  }
  std::sort(watched.begin(), watched.end());
  watched.erase(std::unique(watched.begin(), watched.end()), watched.end());
  // Detection is scaled per region (region_detection): the population-weighted mean factor.
  double factor = 1.0;
  if (!sc.data.region_detection.empty()) {
    const auto& w = sc.society.region_weights;
    double sw = 0, sf = 0;
    for (std::size_t r = 0; r < w.size(); ++r)
      sw += w[r], sf += w[r] * sc.data.region_detection[std::min(r, sc.data.region_detection.size() - 1)];
    if (sw > 0) factor = sf / sw;
  }
  for (const EventTypeSpec& t : sc.events.types())
    if (std::binary_search(watched.begin(), watched.end(), t.name))
      rho += t.rate * std::min(1.0, t.detection * factor) + t.false_rate;
  // Rewarded reports of the false type (SPEC §1.7) land on persons too.
  if (sc.data.reporting.rate > 0 && std::binary_search(watched.begin(), watched.end(), sc.data.reporting.false_type))
    rho += sc.data.reporting.rate * sc.data.reporting.false_share;
  const double T = std::min<double>(sc.run.ticks, static_cast<double>(keep + longest));
  const double share = 1.0 - std::exp(-rho * T);
  const double hits = share > 0 ? rho * T / share : 0;  // kept records per party
  const double slots = static_cast<double>(a.agencies.size() + 1);
  double listed = 0;
  for (const AgencySpec& x : a.agencies) {
    if (x.black_count == 0) continue;
    const double lambda = rate_of(x.watch, factor) * std::min<double>(sc.run.ticks, x.black_window);
    double term = std::exp(-lambda), below = 0;  // P(N < black_count), N ~ Poisson(λ)
    for (std::uint32_t k = 0; k < x.black_count; ++k) below += term, term *= lambda / (k + 1);
    listed += std::max(0.0, 1.0 - below);
  }
  return share * (32 + 1.5 * 16 * hits + 4 * static_cast<double>(a.agencies.size())) + std::min(share, listed) * 9 * slots;
}

// Expected ledger records per person per tick: every drawn event type's detected and false
// records, the posts a composite may record, the missed instalments.
double ledger_rate(const Scenario& sc) {
  double per_tick = 0;
  for (const EventTypeSpec& t : sc.events.types())
    if (t.kind != EventKind::kDerived) per_tick += (t.rate + t.false_rate) * t.detection;
  per_tick += (sc.behaviour.unapproved_post_rate + sc.behaviour.embarrassing_post_rate) * 0.6 +
              sc.behaviour.loan_share * sc.behaviour.miss_prob / sc.behaviour.repayment_period;
  return per_tick;
}

}  // namespace

// Derogatory records a FICO-style bureau holds per person at the end: those of its domains that
// reach the ledger (as ledger_rate counts them), each kept record_validity ticks.
static double fico_held_per_person(const Scenario& sc, const FicoSpec& f) {
  auto holds = [&](Domain d) {
    return std::find(f.domains.begin(), f.domains.end(), domain_name(d)) != f.domains.end();
  };
  double per_tick = 0;
  for (const EventTypeSpec& t : sc.events.types())
    if (t.kind != EventKind::kDerived && holds(t.domain)) per_tick += (t.rate + t.false_rate) * t.detection;
  if (holds(Domain::kFinance))
    per_tick += sc.behaviour.loan_share * sc.behaviour.miss_prob / sc.behaviour.repayment_period;
  const double ticks = static_cast<double>(f.record_validity > 0 ? std::min(sc.run.ticks, f.record_validity) : sc.run.ticks);
  return per_tick * ticks;
}

double expected_ledger_records(const Scenario& sc, double persons) {
  return persons * ledger_rate(sc) * static_cast<double>(sc.run.ticks);
}

// City points per person: balance 4, grade 1, a bit per catalog entry that can warn, and about 3 B
// for the records that count (a hash entry each, while valid) and the few automatic grades.
static double points_bytes(const PointsSpec& s) {
  int warn = 0;
  if (s.warning_first)
    for (const PointsCatalogEntry& e : s.catalog) warn += e.delta < 0;
  return 5 + (warn + 7) / 8 + 3;
}

MemoryEstimate estimate_memory(const Scenario& sc, double n, double m) {
  MemoryEstimate e;
  auto add = [&](std::string what, double bytes) { e.parts.emplace_back(std::move(what), bytes); };
  // Persons (society/society.hpp): region and packed traits 2 + 2 B, income, initial wealth,
  // nine propensities and the misconduct and civic multipliers in 16 bits (core/uf16.hpp)
  // 13 × 2 B, wealth_z 2 B, wealth 8 B.
  add("persons (traits, propensities, wealth)", n * 40);
  // Compact CSR offsets (graph/offsets.hpp): a 4 B low word per node and one more, an 8 B base
  // per block of 64 of those; 4 B per arc end.
  add("graph (CSR offsets and both directions of every edge)",
      (n + 1) * 4 + std::ceil((n + 1) / static_cast<double>(graph::Offsets::kBlock)) * 8 + m * 2 * 4);
  // The active effects are held throughout: a mask per person in the narrowest width the effect
  // library needs (consequences/effect_masks.hpp; 4 B for the built-in library's 23 effects).
  add("effects", n * EffectMasks::width_for(sc.effects.effects().size()));
  // Systems.
  double scored = 0, graded = 0;
  for (const SystemDecl& d : sc.systems) {
    double per_person = 0, extra = 0;
    if (d.type == "composite")  // records and score; band and privilege tables over the scores 0…950
      per_person = 22 + (sc.adapt.model == AdaptModel::kLearning ? 1 : 0), extra = 2 * 951.0, scored++, graded++;
    else if (d.type == "points") per_person = points_bytes(d.as<PointsSpec>()), scored++, graded++;
    else if (d.type == "court_list") per_person = 3.5, graded += 0;  // 2 flags; judgments and counts of the listed are few
    else if (d.type == "agency_lists") per_person = 7 + agency_party_bytes(sc, d.as<AgencyListsSpec>()), graded++;
    else if (d.type == "corporate") per_person = 2, extra = sc.society.businesses * 120.0, graded++;
    else if (d.type == "fico")  // columns; the derogatory records on file
      per_person = 40 + fico_held_per_person(sc, d.as<FicoSpec>()) * Fico::kHeldRecordBytes, scored++, graded++;
    else if (d.type == "platform_rating") per_person = 16 + 0.05 * 120, scored++, graded++;
    else per_person = 64;
    add("system " + d.name + " (" + d.type + ")", n * per_person + extra);
  }
  // Adaptation (MODEL.md, "Adaptation"): responsiveness, 4 bytes; under the learning model also
  // up to seven response columns and six smoothed pressures, 4 bytes each (an upper bound: columns
  // of mechanisms that are off or have nothing to act on are not allocated). The myopic model's
  // responses are derived when read (adapt/adapt_view.hpp).
  if (sc.adapt.model != AdaptModel::kNone)
    add("adaptation (responsiveness, responses, learning)", n * 4 * (1 + (sc.adapt.model == AdaptModel::kLearning ? 7 + 6 : 0)));
  // The harm metrics keep snapshots of the measured ticks a later window starts at, at most
  // held_max of them at once, and with a score the order of initial wealth (MODEL.md section 20).
  // Each column at its narrowest exact width (measure/snapshot_columns.hpp): wealth 8 B (none in
  // tick 0's: it is the initial wealth); an integer score 2 B (ratings 4); a grade in 1, 2, 4 or
  // 8 bits by its number of grades, none for the composite (its bands follow from its score).
  auto grade_bytes = [](std::size_t grades) { return (grades <= 2 ? 1 : grades <= 4 ? 2 : grades <= 16 ? 4 : 8) / 8.0; };
  double snapshot = 0;  // per person, the systems' columns
  for (const SystemDecl& d : sc.systems) {
    if (d.type == "composite") snapshot += 2;
    else if (d.type == "points") snapshot += 2 + grade_bytes(d.as<PointsSpec>().grade_names.size() + 1);
    else if (d.type == "agency_lists") snapshot += grade_bytes(4);
    else if (d.type == "corporate") snapshot += grade_bytes(5);
    else if (d.type == "fico") snapshot += 2 + grade_bytes(d.as<FicoSpec>().grade_names.size());
    else if (d.type == "platform_rating") snapshot += 4 + grade_bytes(4);
  }
  const auto held = harm_window::count(sc.run.ticks, sc.run.measure_every, sc.measure.window, snapshot,
                                       snapshot + (scored > 0 ? 8 : 0));
  add("harm metrics' window of snapshots", held.bytes_max * n + (scored > 0 ? n * (4 + 1.0 / 8) : 0));
  // Scratch that never coexists, so the peak holds the largest: a tick's event columns while
  // recording (9 B: repayment, spending, posts — the purchase and gaming columns are never made,
  // the composite takes them block by block as behave draws them); after it only the economy's
  // and adaptation's (7 B; the wealth changes are summed block by block of 4,096 persons in a
  // 32 KiB buffer per thread, never a column); while measuring none of them but the largest
  // temporary: a slice of sorted wealth and its
  // radix buffer for the wealth Gini (16 B / 8 slices), or the FICO reporter's order of initial
  // wealth for its Spearman correlation while it is sorted (4 + 4 B and a tie bit), or a
  // composite's score widened to floats while its harm metrics read it (4 B; published.hpp); every
  // other metric counts, selects or sums in place (MODEL.md, measurement).
  bool fico = false, composite = false;
  for (const SystemDecl& d : sc.systems) fico |= d.type == "fico", composite |= d.type == "composite";
  const double recording = TickEvents::kBytesFused, economy = TickEvents::kBytesAfterRecord,
               measuring = std::max({fico ? 8 + 1.0 / 8 : 0.0, composite ? 4.0 : 0.0, 2.0}) + 1;  // + the wealth decile
  add(fmt::format("the largest scratch of a tick: events while recording {:g}, the economy's {:g}, the measure "
                  "stage's temporaries {:g} (B/person)",
                  recording, economy, measuring),
      n * std::max({recording, economy, measuring}));
  // The ledger grows by every record: expected records per person per tick × ticks × 28 B (room
  // for them is reserved up front, so the array is never copied to a larger one).
  add(fmt::format("ledger ({:.3g} records per person per tick, {} ticks)", ledger_rate(sc), sc.run.ticks),
      expected_ledger_records(sc, n) * static_cast<double>(sizeof(Record)));
  // What any run holds besides the model: code, libraries, thread stacks, I/O buffers (measured:
  // peak RSS less model bytes of a 2,000-person run, docs/PERFORMANCE.md).
  add("program and runtime (code, libraries, thread stacks)", 7.5 * 1048576.0);
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

std::uint64_t resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

void check_memory(const MemoryEstimate& est, std::uint64_t limit, std::uint64_t held) {
  const bool explicit_limit = limit != 0;
  if (!explicit_limit) {
    const std::uint64_t available = available_memory_bytes();
    if (available == 0) return;  // unknown: nothing to check against
    limit = available + held;
  }
  if (est.bytes <= static_cast<double>(limit)) return;
  std::string parts;
  for (std::size_t k = 0; k < std::min<std::size_t>(4, est.parts.size()); ++k)
    parts += fmt::format("\n  {:>10.2f} GiB  {}", est.parts[k].second / 1073741824.0, est.parts[k].first);
  throw ResourceError(fmt::format(
      "credsim: this run needs about {:.2f} GiB of memory but {:.2f} GiB {}; largest parts:{}\n"
      "Fix: lower society.persons or graph.mean_degree, shorten measure.window or raise "
      "run.measure_every (the harm window), or run on a machine with more memory.",
      est.bytes / 1073741824.0, static_cast<double>(limit) / 1073741824.0,
      explicit_limit ? "is the limit (--memory-limit)" : "are available", parts));
}

}  // namespace credsim
