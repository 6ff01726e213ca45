// Agency black, warning and red lists, the three-fields ("big data") rule, corrections on appeal.
// Rules are evaluated when a record arrives (black, warning) or each tick (red, expiry), over a
// per-person list of the records that matter to some agency. Definitions: docs/MODEL.md,
// "Agency lists".
#include "credsim/systems/agency_lists.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>

#include "credsim/core/parallel.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/scenario/reader.hpp"

namespace credsim {
namespace {

const std::vector<std::string> kCivicTypes{"charity", "volunteering", "blood_donation", "heroic_act"};

// The default agencies (every rule an assumption; names after the real agencies of SPEC §1.4).
std::vector<AgencySpec> default_agencies() {
  std::vector<AgencySpec> a;
  // State Taxation Administration: one recorded evasion lists (the "major tax violation" list).
  a.push_back({"tax", {"tax_evasion"}, 1, 52, 156, true, 0, 0, {}});
  // Railways and civil aviation: repeated fare evasion or disorder on trains → 180 days (≈ 26 weeks).
  a.push_back({"transport", {"fare_evasion", "loud_music_train"}, 2, 52, 26, true, 0, 0, {}});
  // Traffic police: three recorded offences in a year.
  a.push_back({"traffic", {"traffic_ticket", "drunk_driving", "unpaid_fine"}, 3, 52, 52, true, 0, 0, {}});
  // Market regulation: two recorded frauds or breaches in two years.
  a.push_back({"market", {"counterfeit_goods", "fraud", "contract_breach", "illegal_fundraising"}, 2, 104, 156, true, 0, 0, {}});
  // Utilities and housing: theft, tampering, court-found arrears (late fees alone only warn).
  a.push_back({"utilities", {"court_utility_arrears", "heating_tampering", "utility_theft"}, 2, 52, 52, true, 0, 0, {}});
  // Financial regulators: defaults and breaches of lending and guarantees.
  a.push_back({"finance", {"loan_default", "private_lending_breach", "guarantee_breach"}, 2, 104, 104, true, 0, 0, {}});
  // Civilisation office: public order; keeps the red list of exemplary residents.
  a.push_back({"civilisation", {"destroying_public_equipment", "jaywalking"}, 3, 52, 52, true, 52, 3, kCivicTypes});
  return a;
}

void check_types(const scenario::Reader& r, std::string_view key, const std::vector<std::string>& names,
                 const EventCatalog& catalog) {
  for (const std::string& ev : names)
    if (!catalog.find(ev)) {
      std::vector<std::string> all;
      for (const auto& t : catalog.types()) all.push_back(t.name);
      const std::string near = scenario::closest_match(ev, all);
      throw r.error(key, "'" + ev + "' is not an event type of the catalog",
                    near.empty() ? "event type names (docs/MODEL.md, Event catalog)" : "did you mean '" + near + "'?",
                    "correct it, or define the event in [events." + ev + "]");
    }
}

}  // namespace

AgencyListsSpec read_agency_lists_spec(const scenario::Reader& r, const EventCatalog& catalog) {
  AgencyListsSpec s;
  s.warning_ticks = static_cast<Tick>(r.get_int("warning_ticks", s.warning_ticks, 1, 100000));
  s.big_data_fields = static_cast<std::uint32_t>(r.get_int("big_data_fields", s.big_data_fields, 0, 64));
  s.big_data_ticks = static_cast<Tick>(r.get_int("big_data_ticks", s.big_data_ticks, 1, 100000));
  s.corrections_delist = r.get_bool("corrections_delist", s.corrections_delist);
  if (!r.get_bool("replace_agencies", false)) s.agencies = default_agencies();
  const scenario::Reader ag = r.section("agencies");
  for (const std::string& name : ag.table_keys()) {
    const scenario::Reader a = ag.section(name);
    auto it = std::find_if(s.agencies.begin(), s.agencies.end(), [&](const AgencySpec& x) { return x.name == name; });
    const bool is_new = it == s.agencies.end();
    if (is_new) {
      s.agencies.push_back({});
      s.agencies.back().name = name;
      it = s.agencies.end() - 1;
    }
    AgencySpec& x = *it;
    if (is_new && !a.has("watch") && !a.has("watch_domains"))
      throw a.error("watch", "a new agency watches nothing", "watch = [event types] and/or watch_domains = [domains]",
                    "e.g. watch = [\"tax_evasion\"]");
    x.watch = a.get_string_array("watch", x.watch, 0, 256);
    check_types(a, "watch", x.watch, catalog);
    std::vector<std::string> domain_choices;
    for (int d = 0; d < kDomains; ++d) domain_choices.emplace_back(domain_name(static_cast<Domain>(d)));
    for (const std::string& d : a.get_string_array("watch_domains", {}, 0, kDomains)) {
      const auto dom = domain_from_name(d);
      if (!dom)
        throw a.error("watch_domains", "'" + d + "' is not a data domain", "one of the domains of docs/MODEL.md, Event catalog",
                      "e.g. watch_domains = [\"tax\"]");
      // Every non-civic type of the domain is a negative record for this agency.
      for (const auto& t : catalog.types())
        if (t.domain == *dom && t.kind != EventKind::kCivic && std::find(x.watch.begin(), x.watch.end(), t.name) == x.watch.end())
          x.watch.push_back(t.name);
    }
    x.black_count = static_cast<std::uint32_t>(a.get_int("black_count", x.black_count, 0, 65535));
    x.black_window = static_cast<Tick>(a.get_int("black_window", x.black_window, 1, 100000));
    x.black_ticks = static_cast<Tick>(a.get_int("black_ticks", x.black_ticks, 1, 100000));
    x.warnings = a.get_bool("warnings", x.warnings);
    x.red_window = static_cast<Tick>(a.get_int("red_window", x.red_window, 0, 100000));
    x.red_min_positive = static_cast<std::uint32_t>(a.get_int("red_min_positive", x.red_min_positive, 0, 65535));
    x.red_positive = a.get_string_array("red_positive", x.red_positive.empty() ? kCivicTypes : x.red_positive, 0, 256);
    check_types(a, "red_positive", x.red_positive, catalog);
  }
  if (s.agencies.empty())
    throw r.error("agencies", "no agency is defined", "at least one [agencies.NAME] table", "add e.g. [systems.NAME.agencies.tax]");
  if (s.agencies.size() > 64)
    throw r.error("agencies", "more than 64 agencies", "at most 64", "merge agencies");
  // Default agencies name built-in event types; a scenario that removed one from the catalog
  // cannot have removed it (types are never removed), so only scenario-added names need checks.
  for (const AgencySpec& x : s.agencies) check_types(r, "agencies", x.watch, catalog);
  return s;
}

AgencyLists::AgencyLists(std::string name, const AgencyListsSpec& spec, std::size_t n)
    : name_(std::move(name)), spec_(spec), slots_(spec.agencies.size() + 1), party_of_(n, kNoParty), listed_(n, 0),
      red_(n, 0), grade_(n, kClear), entries_(slots_, 0) {
  Tick longest_term = spec_.big_data_ticks;
  for (const AgencySpec& a : spec_.agencies) {
    keep_negative_ = std::max({keep_negative_, a.black_window, a.red_window, spec_.warning_ticks});
    keep_positive_ = std::max(keep_positive_, a.red_window);
    longest_term = std::max(longest_term, a.black_ticks);
    red_without_records_ |= a.red_window > 0 && a.red_min_positive == 0;
  }
  // A correction may come while a listing lasts: keep the records that carried it until then.
  keep_negative_ += longest_term;
}

void AgencyLists::initialise(const SimContext& ctx) {
  const EventCatalog& cat = ctx.catalog;
  negative_agencies_.assign(cat.size(), {});
  positive_agencies_.assign(cat.size(), {});
  for (std::size_t a = 0; a < spec_.agencies.size(); ++a) {
    const AgencySpec& x = spec_.agencies[a];
    for (const std::string& ev : x.watch) negative_agencies_[*cat.find(ev)].push_back(static_cast<std::uint8_t>(a));
    if (x.red_window > 0)
      for (const std::string& ev : x.red_positive) positive_agencies_[*cat.find(ev)].push_back(static_cast<std::uint8_t>(a));
  }
  score(ctx);
  black_entries_tick_ = red_entries_tick_ = 0;
}

std::uint32_t AgencyLists::party(NodeId i) {
  if (party_of_[i] != kNoParty) return party_of_[i];
  const std::size_t na = spec_.agencies.size();
  std::uint32_t p;
  if (!free_.empty()) {
    p = free_.back();
    free_.pop_back();
    party_person_[p] = i;
  } else {
    p = static_cast<std::uint32_t>(party_person_.size());
    party_person_.push_back(i);
    hits_.emplace_back();
    terms_of_.push_back(kNoTerms);
    warn_until_.resize(warn_until_.size() + na, 0);
  }
  party_of_[i] = p;
  return p;
}

std::size_t AgencyLists::term_index(std::size_t p, std::size_t slot) {
  if (terms_of_[p] == kNoTerms) {
    if (!terms_free_.empty()) {
      terms_of_[p] = terms_free_.back();
      terms_free_.pop_back();
    } else {
      terms_of_[p] = static_cast<std::uint32_t>(black_until_.size() / slots_);
      black_until_.resize(black_until_.size() + slots_, 0);
      black_since_.resize(black_since_.size() + slots_, 0);
      wrongful_.resize(wrongful_.size() + slots_, 0);
    }
  }
  return std::size_t{terms_of_[p]} * slots_ + slot;
}

std::uint32_t AgencyLists::count_negative(NodeId i, std::size_t agency, Tick t, Tick window, bool true_only) const {
  std::uint32_t c = 0;
  if (party_of_[i] == kNoParty) return 0;
  for (const Hit& h : hits_[party_of_[i]])
    if (!h.positive() && h.agency == agency && h.tick <= t && h.tick + window > t && (!true_only || h.origin() == Origin::kTrue))
      c += h.count;
  return c;
}

std::uint32_t AgencyLists::warned_fields(NodeId i, Tick t, bool true_only) const {
  std::uint64_t fields = 0;
  if (party_of_[i] == kNoParty) return 0;
  for (const Hit& h : hits_[party_of_[i]])
    if (!h.positive() && spec_.agencies[h.agency].warnings && h.tick <= t && h.tick + spec_.warning_ticks > t &&
        (!true_only || h.origin() == Origin::kTrue))
      fields |= std::uint64_t{1} << h.agency;
  return static_cast<std::uint32_t>(std::popcount(fields));
}

void AgencyLists::on_negative(NodeId i, std::size_t a, Tick t) {
  const AgencySpec& x = spec_.agencies[a];
  const std::size_t p = party(i);
  if (x.warnings) {
    Tick& w = warn_until_[p * spec_.agencies.size() + a];
    w = std::max(w, t + spec_.warning_ticks);
  }
  if (x.black_count == 0 || count_negative(i, a, t, x.black_window, false) < x.black_count) return;
  const std::size_t s = term_index(p, a);
  const bool wrong = count_negative(i, a, t, x.black_window, true) < x.black_count;
  if (black_until_[s] <= t) {  // a new entry (an extension while listed is not one)
    ++entries_[a];
    wrongful_entries_ += wrong;
  }
  black_until_[s] = std::max(black_until_[s], t + x.black_ticks);
  black_since_[s] = t;
  wrongful_[s] = wrong;
}

void AgencyLists::check_big_data(NodeId i, Tick t) {
  if (spec_.big_data_fields == 0 || warned_fields(i, t, false) < spec_.big_data_fields) return;
  const std::size_t s = term_index(party(i), spec_.agencies.size());
  const bool wrong = warned_fields(i, t, true) < spec_.big_data_fields;
  if (black_until_[s] <= t) {
    ++entries_[spec_.agencies.size()];
    wrongful_entries_ += wrong;
  }
  black_until_[s] = std::max(black_until_[s], t + spec_.big_data_ticks);
  black_since_[s] = t;
  wrongful_[s] = wrong;
}

void AgencyLists::on_correction(std::uint64_t k, const Record& r, Tick t) {
  const NodeId i = r.person;
  if (party_of_[i] == kNoParty) return;  // no kept record of i, so none of record k
  const std::size_t p = party_of_[i];
  auto& v = hits_[p];
  std::uint64_t touched = 0;  // agencies whose negative records changed
  for (const Hit& h : v)
    if (h.ledger == k && !h.positive()) touched |= std::uint64_t{1} << h.agency;
  v.erase(std::remove_if(v.begin(), v.end(), [&](const Hit& h) { return h.ledger == k; }), v.end());
  if (!touched) return;
  const std::size_t na = spec_.agencies.size();
  for (std::size_t a = 0; a < na; ++a) {
    if (!(touched & (std::uint64_t{1} << a))) continue;
    const AgencySpec& x = spec_.agencies[a];
    // The warning now lasts from the latest remaining record of the field.
    Tick w = 0;
    for (const Hit& h : v)
      if (!h.positive() && h.agency == a) w = std::max(w, h.tick + spec_.warning_ticks);
    if (x.warnings) warn_until_[p * na + a] = w;
    if (until(p, a) > t && x.black_count > 0) {
      const std::size_t s = term_index(p, a);  // the block exists: the term has not run out
      const Tick since = black_since_[s];
      if (spec_.corrections_delist && count_negative(i, a, since, x.black_window, false) < x.black_count) {
        black_until_[s] = t;  // the rule no longer held when it fired: deleted now
        wrongful_[s] = 0;
        ++delisted_on_appeal_;
      } else {
        wrongful_[s] = count_negative(i, a, since, x.black_window, true) < x.black_count;
      }
    }
  }
  if (until(p, na) > t && spec_.big_data_fields > 0) {
    const std::size_t s = term_index(p, na);
    const Tick since = black_since_[s];
    if (spec_.corrections_delist && warned_fields(i, since, false) < spec_.big_data_fields) {
      black_until_[s] = t;
      wrongful_[s] = 0;
      ++delisted_on_appeal_;
    } else {
      wrongful_[s] = warned_fields(i, since, true) < spec_.big_data_fields;
    }
  }
}

void AgencyLists::record(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const auto& records = ctx.ledger.records();
  const std::uint64_t first = records.size() - ctx.ledger.added().size();
  // New records in ledger order (deterministic; records are few next to persons).
  for (std::uint64_t k = first; k < records.size(); ++k) {
    const Record& r = records[k];
    if (!ctx.sees(*this, r)) continue;  // outside this system's row of the sharing matrix
    bool negative = false;
    for (std::uint8_t a : negative_agencies_[r.type]) {
      hits_[party(r.person)].push_back(Hit::make(t, r.count, a, false, r.origin, k));
      on_negative(r.person, a, t);
      negative = true;
    }
    for (std::uint8_t a : positive_agencies_[r.type]) hits_[party(r.person)].push_back(Hit::make(t, r.count, a, true, r.origin, k));
    if (negative) check_big_data(r.person, t);
  }
  for (std::uint64_t k : ctx.ledger.corrected()) on_correction(k, records[k], t);
}

void AgencyLists::score(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const std::size_t na = spec_.agencies.size();
  // Entries to and exits from the lists this tick, counted as each person's flags change
  // (integer counts: the same for any thread count).
  std::atomic<std::uint64_t> black_in{0}, black_out{0}, red_in{0}, red_out{0};
  auto set_flags = [&](std::size_t i, std::uint8_t black, std::uint8_t red) {
    if (black != listed_[i]) (black ? black_in : black_out).fetch_add(1, std::memory_order_relaxed);
    if (red != red_[i]) (red ? red_in : red_out).fetch_add(1, std::memory_order_relaxed);
    listed_[i] = black, red_[i] = red;
  };
  // Everyone without a party: no record, listing or warning.
  const std::uint8_t red0 = red_without_records_;
  const std::uint8_t grade0 = red0 ? kRed : kClear;
  parallel_for(party_of_.size(), [&](std::size_t i) {
    if (party_of_[i] != kNoParty) return;
    set_flags(i, 0, red0);
    grade_[i] = grade0;
  });
  parallel_for(party_person_.size(), [&](std::size_t p) {
    const NodeId i = party_person_[p];
    if (i == kNoNode) return;
    auto& v = hits_[p];
    if (!v.empty())
      v.erase(std::remove_if(v.begin(), v.end(),
                             [&](const Hit& h) { return h.tick + (h.positive() ? keep_positive_ : keep_negative_) <= t; }),
              v.end());
    bool black = false, warned = false, red = false;
    for (std::size_t s = 0; s < slots_; ++s) black |= until(p, s) > t;
    for (std::size_t a = 0; a < na; ++a) warned |= warn_until_[p * na + a] > t;
    if (!black && !warned) {
      for (std::size_t a = 0; a < na && !red; ++a) {
        const AgencySpec& x = spec_.agencies[a];
        if (x.red_window == 0) continue;
        std::uint32_t neg = 0, pos = 0;
        for (const Hit& h : v)
          if (h.agency == a && h.tick + x.red_window > t) (h.positive() ? pos : neg) += h.count;
        red = neg == 0 && pos >= x.red_min_positive;
      }
    }
    set_flags(i, black, red);
    grade_[i] = black ? kBlack : warned ? kWarning : red ? kRed : kClear;
  });
  // Free the listing terms that have all run out, and the parties with nothing left (serial,
  // ascending party index: deterministic reuse).
  for (std::size_t p = 0; p < party_person_.size(); ++p) {
    const NodeId i = party_person_[p];
    if (i == kNoNode) continue;
    bool listed_on = false;
    for (std::size_t s = 0; s < slots_; ++s) listed_on |= until(p, s) > t;
    if (terms_of_[p] != kNoTerms && !listed_on) {
      const std::size_t b = terms_of_[p];
      std::fill_n(black_until_.begin() + b * slots_, slots_, 0);
      std::fill_n(black_since_.begin() + b * slots_, slots_, 0);
      std::fill_n(wrongful_.begin() + b * slots_, slots_, 0);
      terms_free_.push_back(terms_of_[p]);
      terms_of_[p] = kNoTerms;
    }
    if (!hits_[p].empty() || listed_on) continue;
    bool warned = false;
    for (std::size_t a = 0; a < na; ++a) warned |= warn_until_[p * na + a] > t;
    if (warned) continue;
    std::fill_n(warn_until_.begin() + p * na, na, 0);
    hits_[p].shrink_to_fit();
    party_person_[p] = kNoNode;
    party_of_[i] = kNoParty;
    free_.push_back(static_cast<std::uint32_t>(p));
  }
  black_entries_tick_ = black_in, black_exits_tick_ = black_out, red_entries_tick_ = red_in, red_exits_tick_ = red_out;
}

void AgencyLists::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  const Tick t = ctx.tick;
  const std::size_t n = listed_.size(), na = spec_.agencies.size();
  const double dn = n ? static_cast<double>(n) : 1.0;
  std::uint64_t black = 0, red = 0, warned = 0, big = 0, big_only = 0, wrongful = 0;
  std::vector<std::uint64_t> agency_black(na, 0), agency_warned(na, 0);
  for (std::size_t i = 0; i < n; ++i) {
    black += listed_[i];
    red += red_[i];
  }
  // Warnings and listings by slot: only parties have any (integer counts: any order).
  for (std::size_t p = 0; p < party_person_.size(); ++p) {
    const NodeId i = party_person_[p];
    if (i == kNoNode) continue;
    bool any_warning = false;
    for (std::size_t a = 0; a < na; ++a) {
      const bool w = warn_until_[p * na + a] > t;
      agency_warned[a] += w;
      any_warning |= w;
    }
    warned += any_warning;
    bool by_agency = false, wrong = false;
    for (std::size_t s = 0; s < slots_; ++s)
      if (until(p, s) > t) {
        if (s < na) ++agency_black[s], by_agency = true;
        wrong |= wrongful_[std::size_t{terms_of_[p]} * slots_ + s] != 0;
      }
    // Listed by the three-fields rule (its slot is the last).
    const bool by_three_fields = until(p, na) > t;
    big += by_three_fields;
    big_only += by_three_fields && !by_agency;
    wrongful += wrong;
  }
  out.row(t, name_, "black_share", "", black / dn);
  out.row(t, name_, "red_share", "", red / dn);
  out.row(t, name_, "warning_share", "", warned / dn);
  out.row(t, name_, "three_fields_share", "", big / dn);
  out.row(t, name_, "black_via_three_fields_only_share", "", black ? static_cast<double>(big_only) / black : 0.0);
  out.row(t, name_, "black_entries", "", static_cast<double>(black_entries_tick_));
  out.row(t, name_, "black_exits", "", static_cast<double>(black_exits_tick_));
  out.row(t, name_, "red_entries", "", static_cast<double>(red_entries_tick_));
  out.row(t, name_, "red_exits", "", static_cast<double>(red_exits_tick_));
  for (std::size_t a = 0; a < na; ++a) {
    const std::string& an = spec_.agencies[a].name;
    out.row(t, name_, "agency_black_share", an, agency_black[a] / dn);
    out.row(t, name_, "agency_warning_share", an, agency_warned[a] / dn);
    out.row(t, name_, "agency_black_entries_total", an, static_cast<double>(entries_[a]));
  }
  out.row(t, name_, "agency_black_entries_total", "three_fields", static_cast<double>(entries_[na]));
  out.row(t, name_, "wrongful_entries_total", "", static_cast<double>(wrongful_entries_));
  out.row(t, name_, "wrongfully_listed_share", "", black ? static_cast<double>(wrongful) / black : 0.0);
  out.row(t, name_, "delisted_on_appeal_total", "", static_cast<double>(delisted_on_appeal_));
  std::vector<std::uint8_t> own;  // only if no shared ranking (a system measured on its own)
  const auto& decile = ctx.wealth_decile ? *ctx.wealth_decile : (own = measure::deciles(ctx.society.persons.wealth));
  const measure::DecileTally tally = measure::tally_by_decile(
      decile, 2, [&](std::size_t i) { return unsigned{listed_[i] != 0} | unsigned{red_[i] != 0} << 1; });
  const auto black_rate = tally.rate(0);
  const auto red_rate = tally.rate(1);
  for (int d = 0; d < 10; ++d) {
    out.row(t, name_, "black_rate_by_wealth_decile", fmt::format("d{:02}", d + 1), black_rate[d]);
    out.row(t, name_, "red_rate_by_wealth_decile", fmt::format("d{:02}", d + 1), red_rate[d]);
  }
}

SystemOutputs AgencyLists::outputs() const {
  SystemOutputs o;
  o.grade = &grade_;
  o.grade_names = {"red", "clear", "warning", "black"};
  o.listed = &listed_;
  o.red = &red_;
  return o;
}

std::size_t AgencyLists::memory_bytes() const {
  std::size_t hits = 0;
  for (const auto& v : hits_) hits += v.capacity() * sizeof(Hit) + sizeof(v);
  return hits + black_until_.capacity() * 2 * sizeof(Tick) + wrongful_.capacity() + warn_until_.capacity() * sizeof(Tick) +
         (terms_of_.capacity() + terms_free_.capacity()) * sizeof(std::uint32_t) +
         party_person_.capacity() * sizeof(NodeId) + free_.capacity() * sizeof(std::uint32_t) +
         party_of_.capacity() * sizeof(std::uint32_t) + listed_.size() * 3;
}

// Everything but the name and the spec (which the scenario gives again on resume).
void AgencyLists::checkpoint(ckpt::Archive& a) {
  a(slots_, negative_agencies_, positive_agencies_, keep_negative_, keep_positive_, party_of_, party_person_, free_,
    hits_, terms_of_, terms_free_, black_until_, black_since_, wrongful_, warn_until_, red_without_records_, listed_,
    red_, grade_, entries_, wrongful_entries_, delisted_on_appeal_, black_entries_tick_, black_exits_tick_,
    red_entries_tick_, red_exits_tick_);
  if (!a.loading()) return;
  const std::size_t parties = party_person_.size(), na = spec_.agencies.size();
  const std::size_t blocks = slots_ ? black_until_.size() / slots_ : 0;
  bool ok = slots_ == na + 1 && hits_.size() == parties && terms_of_.size() == parties &&
            warn_until_.size() == parties * na && black_until_.size() == blocks * slots_ &&
            black_since_.size() == black_until_.size() && wrongful_.size() == black_until_.size() &&
            party_of_.size() == listed_.size();
  for (std::size_t p = 0; ok && p < parties; ++p)
    ok = (terms_of_[p] == kNoTerms || terms_of_[p] < blocks) &&
         (party_person_[p] == kNoNode || (party_person_[p] < party_of_.size() && party_of_[party_person_[p]] == p));
  for (std::uint32_t b : terms_free_) ok = ok && b < blocks;
  for (std::uint32_t p : free_) ok = ok && p < parties;
  if (!ok) a.corrupt("the agency lists' parties do not match their arrays");
}

}  // namespace credsim
