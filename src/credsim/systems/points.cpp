// Municipal points: catalog deltas applied as records arrive, warnings, automatic grades,
// expiry and reversal on correction. Definitions: docs/MODEL.md, "Municipal points".
#include "credsim/systems/points.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "credsim/core/parallel.hpp"
#include "credsim/explain/trace.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/scenario/reader.hpp"

namespace credsim {

PointsSpec read_points_spec(const scenario::Reader& r, const EventCatalog& catalog) {
  PointsSpec s;
  s.base = r.get_double("base", s.base, -1e9, 1e9);
  s.min = r.get_double("min", s.min, -1e9, 1e9);
  s.max = r.get_double("max", s.max, -1e9, 1e9);
  if (s.min > s.base || s.max < s.base)
    throw r.error("base", "base lies outside [min, max]", "min <= base <= max", "e.g. base = 1000, min = 0");
  s.grade_names = r.get_string_array("grades", s.grade_names, 1, 32);
  s.grade_lower = r.get_double_array("grade_lower", s.grade_lower, -1e18, 1e18, s.grade_names.size(), s.grade_names.size());
  for (std::size_t k = 1; k < s.grade_lower.size(); ++k)
    if (s.grade_lower[k] >= s.grade_lower[k - 1])
      throw r.error("grade_lower", "grade lower bounds must fall from the best grade to the worst",
                    "strictly decreasing bounds, one per grade", "e.g. [1050, 1030, 960, 850, 600, -1e18]");
  for (const auto& g : s.grade_names)
    if (g.empty() || g == "unrated") throw r.error("grades", "grade name '" + g + "' is reserved or empty", "other names", "rename it");
  s.warning_first = r.get_bool("warning_first", s.warning_first);
  s.record_validity = static_cast<Tick>(r.get_int("record_validity", 0, 0, 100000));
  s.automatic_grade_ticks = static_cast<Tick>(r.get_int("automatic_grade_ticks", s.automatic_grade_ticks, 1, 100000));
  for (double reg : r.get_double_array("regions", {}, 0, 65535, 0, 65536)) s.regions.push_back(static_cast<std::uint32_t>(reg));

  // The catalog: the confirmed Rongcheng entries (SPEC §1.2) unless replaced.
  if (!r.get_bool("replace_catalog", false)) {
    s.catalog = {{"contract_breach", -20, ""},      {"sued_found_in_breach", -50, ""}, {"missed_instalment", -10, ""},
                 {"private_lending_breach", -20, ""}, {"illegal_fundraising", -40, ""}, {"guarantee_breach", -20, ""},
                 {"debt_suit_liability", -30, ""},  {"fraud", -30, ""},                {"counterfeit_goods", -30, ""},
                 {"late_utility_fee", -20, ""},     {"court_utility_arrears", -50, ""}, {"heating_tampering", -50, ""},
                 {"utility_theft", -60, ""},        {"destroying_public_equipment", -100, ""},
                 {"traffic_ticket", -5, ""},        {"heroic_act", 30, ""},            {"drunk_driving", 0, "C"},
                 {"charity", 5, ""},                {"volunteering", 5, ""},           {"blood_donation", 10, ""}};
  }
  auto entry = [&](const std::string& ev) -> PointsCatalogEntry& {
    for (auto& e : s.catalog)
      if (e.event == ev) return e;
    s.catalog.push_back({ev, 0, ""});
    return s.catalog.back();
  };
  const scenario::Reader cat = r.section("catalog");
  for (const std::string& ev : cat.value_keys()) {
    if (!catalog.find(ev)) {
      std::vector<std::string> names;
      for (const auto& t : catalog.types()) names.push_back(t.name);
      const std::string near = scenario::closest_match(ev, names);
      throw cat.error(ev, "'" + ev + "' is not an event type of the catalog",
                      near.empty() ? "an event type name (docs/MODEL.md, Event catalog)" : "did you mean '" + near + "'?",
                      "correct it, or define the event in [events." + ev + "]");
    }
    entry(ev).delta = cat.get_double(ev, 0, -1e6, 1e6);
  }
  const scenario::Reader ag = r.section("automatic_grade");
  for (const std::string& ev : ag.value_keys()) {
    if (!catalog.find(ev))
      throw ag.error(ev, "'" + ev + "' is not an event type of the catalog", "an event type name", "correct it");
    const std::string g = ag.get_choice(ev, s.grade_names.back(), s.grade_names);
    entry(ev).automatic_grade = g;
  }
  if (s.catalog.size() > 64)
    throw r.error("catalog", "more than 64 catalog entries", "at most 64", "merge entries");
  for (const auto& e : s.catalog)
    if (!catalog.find(e.event))
      throw r.error("catalog", "default catalog entry '" + e.event + "' is missing from the event catalog", "the built-in event",
                    "set replace_catalog = true and list your own entries");
  return s;
}

Points::Points(std::string name, const PointsSpec& spec, std::size_t n)
    : name_(std::move(name)), spec_(spec), balance_(n, static_cast<float>(spec.base)), grade_(n, 0),
      unrated_(static_cast<std::uint8_t>(spec.grade_names.size())) {
  for (std::uint32_t r : spec_.regions) {
    if (r >= scheme_region_.size()) scheme_region_.resize(r + 1, 0);
    scheme_region_[r] = 1;
  }
  // Only negative entries warn, and only under warning_first: one bit each, as few bytes as
  // they need (none at all without warnings).
  warn_bit_of_entry_.assign(spec_.catalog.size(), -1);
  int bits = 0;
  if (spec_.warning_first)
    for (std::size_t e = 0; e < spec_.catalog.size(); ++e)
      if (spec_.catalog[e].delta < 0) warn_bit_of_entry_[e] = bits++;
  warn_bytes_ = (static_cast<std::size_t>(bits) + 7) / 8;
  warned_.assign(n * warn_bytes_, 0);
}

std::uint8_t Points::grade_of(double b) const {
  for (std::size_t k = 0; k < spec_.grade_lower.size(); ++k)
    if (b >= spec_.grade_lower[k]) return static_cast<std::uint8_t>(k);
  return static_cast<std::uint8_t>(spec_.grade_lower.size() - 1);
}

void Points::initialise(const SimContext& ctx) {
  const EventCatalog& cat = ctx.catalog;
  entry_of_type_.assign(cat.size(), -1);
  auto_grade_of_entry_.assign(spec_.catalog.size(), 255);
  for (std::size_t e = 0; e < spec_.catalog.size(); ++e) {
    entry_of_type_[*cat.find(spec_.catalog[e].event)] = static_cast<int>(e);
    for (std::size_t g = 0; g < spec_.grade_names.size(); ++g)
      if (spec_.grade_names[g] == spec_.catalog[e].automatic_grade) auto_grade_of_entry_[e] = static_cast<std::uint8_t>(g);
  }
  score(ctx);
}

void Points::record(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const auto& records = ctx.ledger.records();
  const Persons& p = ctx.society.persons;
  const std::uint64_t first = records.size() - ctx.ledger.added().size();
  // New records, in ledger order (deterministic; the number of records is small next to n).
  for (std::uint64_t k = first; k < records.size(); ++k) {
    const Record& r = records[k];
    const int e = entry_of_type_[r.type];
    if (e < 0 || !in_scheme(p, r.person) || !ctx.sees(*this, r)) continue;
    const PointsCatalogEntry& entry = spec_.catalog[e];
    const bool traced = tracer_ && tracer_->traced(r.person);  // explain (explain/trace.hpp)
    if (traced) tracer_->points_record(*this, r, k, e, entry.delta, spec_.warning_first, spec_.min, spec_.max);
    if (auto_grade_of_entry_[e] != 255) {
      const auto [it, fresh] = auto_grade_.try_emplace(r.person, AutoGrade{auto_grade_of_entry_[e], 0});
      if (!fresh) it->second.grade = std::max(it->second.grade, auto_grade_of_entry_[e]);
      it->second.until = t + spec_.automatic_grade_ticks;
      if (traced) tracer_->points_cause(*this, r.person, "automatic_grade", k, r.type, 0, spec_.grade_names[auto_grade_of_entry_[e]]);
    }
    if (entry.delta == 0) continue;
    if (const int b = warn_bit_of_entry_[e]; b >= 0 && !warned(r.person, b)) {
      warned_[static_cast<std::size_t>(r.person) * warn_bytes_ + b / 8] |= static_cast<std::uint8_t>(1u << (b % 8));  // "warning before punishment" (SPEC §1.2)
      ++warnings_;
      if (traced) tracer_->points_cause(*this, r.person, "warning", k, r.type, 0, "first record of this type: a warning only");
      continue;
    }
    const float delta = static_cast<float>(entry.delta * r.count);
    const float before = balance_[r.person];
    balance_[r.person] = static_cast<float>(std::clamp<double>(balance_[r.person] + delta, spec_.min, spec_.max));
    if (traced) tracer_->points_cause(*this, r.person, "record", k, r.type, double(balance_[r.person]) - double(before), "");
    applied_[k] = {r.person, delta};
    ++counted_;
    if (spec_.record_validity > 0) expiries_.emplace_back(t + spec_.record_validity, k);
  }
  // Corrections: a record removed on appeal no longer counts.
  for (std::uint64_t k : ctx.ledger.corrected()) {
    auto it = applied_.find(k);
    if (it == applied_.end()) continue;
    const float before = balance_[it->second.person];
    balance_[it->second.person] =
        static_cast<float>(std::clamp<double>(balance_[it->second.person] - it->second.delta, spec_.min, spec_.max));
    if (tracer_ && tracer_->traced(it->second.person)) {
      tracer_->points_removed(*this, it->second.person, k, spec_.min, spec_.max);
      tracer_->points_cause(*this, it->second.person, "record_corrected", k, records[k].type,
                            double(balance_[it->second.person]) - double(before), "removed on appeal");
    }
    applied_.erase(it);
    ++reversed_;
  }
  // Expiry of old deductions and rewards.
  while (!expiries_.empty() && expiries_.front().first <= t) {
    auto it = applied_.find(expiries_.front().second);
    if (it != applied_.end()) {
      const float before = balance_[it->second.person];
      balance_[it->second.person] =
          static_cast<float>(std::clamp<double>(balance_[it->second.person] - it->second.delta, spec_.min, spec_.max));
      if (tracer_ && tracer_->traced(it->second.person)) {
        tracer_->points_removed(*this, it->second.person, it->first, spec_.min, spec_.max);
        tracer_->points_cause(*this, it->second.person, "record_expired", it->first, records[it->first].type,
                              double(balance_[it->second.person]) - double(before), "record_validity passed");
      }
      applied_.erase(it);
    }
    expiries_.pop_front();
  }
}

void Points::score(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const Persons& p = ctx.society.persons;
  parallel_for(balance_.size(), [&](std::size_t i) { grade_[i] = in_scheme(p, i) ? grade_of(balance_[i]) : unrated_; });
  // An automatic grade caps the grade while in force (only persons in the scheme get one).
  for (auto it = auto_grade_.begin(); it != auto_grade_.end();) {
    if (t < it->second.until) {
      grade_[it->first] = std::max(grade_[it->first], it->second.grade);
      ++it;
    } else {
      it = auto_grade_.erase(it);
    }
  }
}

void Points::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  const Tick t = ctx.tick;
  const Persons& p = ctx.society.persons;
  // The residents' balances read in place (no gathered copy): the same bytes as mean(), stdev()
  // and quantiles() over them in index order.
  const std::size_t n = balance_.size();
  auto resident = [&](std::size_t i) { return in_scheme(p, i); };
  auto value = [&](std::size_t i) { return static_cast<double>(balance_[i]); };
  std::uint64_t residents = 0;
  for (std::size_t i = 0; i < n; ++i) residents += resident(i);
  out.row(t, name_, "residents", "", static_cast<double>(residents));
  if (residents > 0) {
    out.row(t, name_, "points_mean", "", measure::mean_where(n, resident, value));
    out.row(t, name_, "points_sd", "", measure::stdev_where(n, resident, value));
    const double probs[] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
    const auto q = measure::quantiles_where(balance_, resident, probs);
    const char* keys[] = {"p1", "p5", "p25", "p50", "p75", "p95", "p99"};
    for (int k = 0; k < 7; ++k) out.row(t, name_, "points_quantile", keys[k], q[k]);
  }
  std::vector<std::uint64_t> count(spec_.grade_names.size() + 1, 0);
  for (std::size_t i = 0; i < grade_.size(); ++i)
    if (in_scheme(p, i)) count[grade_[i]]++;
  for (std::size_t g = 0; g < spec_.grade_names.size(); ++g)
    out.row(t, name_, "grade_share", spec_.grade_names[g], residents == 0 ? 0.0 : static_cast<double>(count[g]) / static_cast<double>(residents));
  out.row(t, name_, "records_counted", "", static_cast<double>(counted_));
  out.row(t, name_, "warnings", "", static_cast<double>(warnings_));
  out.row(t, name_, "records_reversed_on_appeal", "", static_cast<double>(reversed_));
}

SystemOutputs Points::outputs() const {
  SystemOutputs o;
  o.score = &balance_;
  o.grade = &grade_;
  o.grade_names = spec_.grade_names;
  o.grade_names.push_back("unrated");
  return o;
}

std::size_t Points::memory_bytes() const {
  // Hash-table entries: key, value and about two pointers of node and bucket overhead.
  return balance_.size() * (sizeof(float) + sizeof(std::uint8_t)) + warned_.size() +
         applied_.size() * (sizeof(std::uint64_t) + sizeof(Applied) + 16) +
         auto_grade_.size() * (sizeof(NodeId) + sizeof(AutoGrade) + 16);
}

// Everything but the name and the spec (which the scenario gives again on resume).
void Points::checkpoint(ckpt::Archive& a) {
  a(entry_of_type_, auto_grade_of_entry_, balance_, grade_, auto_grade_, warned_, applied_, expiries_, warnings_,
    counted_, reversed_, unrated_);
  if (a.loading() && (warned_.size() != balance_.size() * warn_bytes_ || grade_.size() != balance_.size()))
    a.corrupt("the city points' columns do not match the scenario");
}

}  // namespace credsim
