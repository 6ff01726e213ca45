// The court list: judgments from ledger records, listing on six circumstances after a grace
// period, exits by payment, appeal or expiry, blocked travel, and business listings passed to
// legal representatives. Everything runs serially over the (sparse) judgments in id order, so
// results are the same for any thread count. Definitions: docs/MODEL.md, "Court list".
#include "credsim/systems/court_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "credsim/measure/stats.hpp"
#include "credsim/scenario/reader.hpp"

namespace credsim {
namespace {
// Streams of this system (SPEC §6: one per purpose), specialised per instance by name.
constexpr Stream kJudgmentStream = Stream::kCourtList;          // judgment given a record
constexpr Stream kTickStream = Stream::kCourtListTick;          // per judgment per tick
constexpr Stream kPersonStream = Stream::kCourtListPerson;      // restriction breaches, travel
constexpr Stream kBusinessStream = Stream::kCourtListBusiness;  // business judgments
}  // namespace

CourtListSpec read_court_list_spec(const scenario::Reader& r, const EventCatalog& catalog) {
  CourtListSpec s;
  s.judgment_given_default = r.get_double("judgment_given_default", s.judgment_given_default, 0, 1);
  s.judicial_events = r.get_string_array("judicial_events", s.judicial_events, 0, 64);
  for (const std::string& ev : s.judicial_events)
    if (!catalog.find(ev)) {
      std::vector<std::string> names;
      for (const auto& t : catalog.types()) names.push_back(t.name);
      const std::string near = scenario::closest_match(ev, names);
      throw r.error("judicial_events", "'" + ev + "' is not an event type of the catalog",
                    near.empty() ? "event type names (docs/MODEL.md, Event catalog)" : "did you mean '" + near + "'?",
                    "correct it, or define the event in [events." + ev + "]");
    }
  s.judgment_given_judicial = r.get_double("judgment_given_judicial", s.judgment_given_judicial, 0, 1);
  s.debt_income_weeks = r.get_double("debt_income_weeks", s.debt_income_weeks, 0, 1e4);
  s.debt_fixed = r.get_double("debt_fixed", s.debt_fixed, 0, 1e12);
  if (s.debt_income_weeks == 0 && s.debt_fixed == 0)
    throw r.error("debt_fixed", "every judgment would be for 0 yuan", "debt_income_weeks > 0 or debt_fixed > 0",
                  "e.g. debt_income_weeks = 10, debt_fixed = 5000");
  s.grace_ticks = static_cast<Tick>(r.get_int("grace_ticks", s.grace_ticks, 0, 100000));
  s.pay_prob = r.get_double("pay_prob", s.pay_prob, 0, 1);
  s.compliance_elasticity = r.get_double("compliance_elasticity", s.compliance_elasticity, 0, 10);
  s.obstruct_rate = r.get_double("obstruct_rate", s.obstruct_rate, 0, 1);
  s.evade_rate = r.get_double("evade_rate", s.evade_rate, 0, 1);
  s.asset_report_rate = r.get_double("asset_report_rate", s.asset_report_rate, 0, 1);
  s.settlement_refusal_rate = r.get_double("settlement_refusal_rate", s.settlement_refusal_rate, 0, 1);
  s.restriction_breach_rate = r.get_double("restriction_breach_rate", s.restriction_breach_rate, 0, 1);
  s.term_ticks = static_cast<Tick>(r.get_int("term_ticks", s.term_ticks, 1, 100000));
  s.serious_prob = r.get_double("serious_prob", s.serious_prob, 0, 1);
  s.ticks_per_year = static_cast<Tick>(r.get_int("ticks_per_year", s.ticks_per_year, 1, 10000));
  s.notify_prob = r.get_double("notify_prob", s.notify_prob, 0, 1);
  s.appeal_prob_wrongful = r.get_double("appeal_prob_wrongful", s.appeal_prob_wrongful, 0, 1);
  s.appeal_prob_rightful = r.get_double("appeal_prob_rightful", s.appeal_prob_rightful, 0, 1);
  s.appeal_delay_wrongful = static_cast<Tick>(r.get_int("appeal_delay_wrongful", s.appeal_delay_wrongful, 0, 100000));
  s.appeal_delay_rightful = static_cast<Tick>(r.get_int("appeal_delay_rightful", s.appeal_delay_rightful, 0, 100000));
  s.appeal_success_wrongful = r.get_double("appeal_success_wrongful", s.appeal_success_wrongful, 0, 1);
  s.appeal_success_rightful = r.get_double("appeal_success_rightful", s.appeal_success_rightful, 0, 1);
  s.flight_rate = r.get_double("flight_rate", s.flight_rate, 0, 100);
  s.train_rate = r.get_double("train_rate", s.train_rate, 0, 100);
  s.travel_wealth_elasticity = r.get_double("travel_wealth_elasticity", s.travel_wealth_elasticity, -5, 5);
  s.business_judgment_rate = r.get_double("business_judgment_rate", s.business_judgment_rate, 0, 1);
  s.business_listing_prob = r.get_double("business_listing_prob", s.business_listing_prob, 0, 1);
  s.business_pay_prob = r.get_double("business_pay_prob", s.business_pay_prob, 0, 1);
  return s;
}

CourtList::CourtList(std::string name, const CourtListSpec& spec, std::size_t n)
    : name_(std::move(name)), spec_(spec), n_(n), listed_(n, 0), restricted_(n, 0) {}

void CourtList::initialise(const SimContext& ctx) {
  judicial_type_.assign(ctx.catalog.size(), 0);
  for (const std::string& ev : spec_.judicial_events)
    if (auto k = ctx.catalog.find(ev)) judicial_type_[*k] = 1;
}

std::uint64_t CourtList::exits_total() const {
  std::uint64_t s = 0;
  for (auto x : exits_cause_total_) s += x;
  return s;
}

std::uint64_t CourtList::exits_this_tick() const {
  std::uint64_t s = 0;
  for (auto x : exits_cause_tick_) s += x;
  return s;
}

std::uint64_t CourtList::wrongful_listed_count() const { return wrongful_listed_; }

void CourtList::record(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const Persons& p = ctx.society.persons;
  if (judicial_type_.size() != ctx.catalog.size()) initialise(ctx);
  // This tick's counters start here: record is the first stage of a tick that can list or delist.
  entries_tick_ = 0;
  entries_circ_tick_.fill(0);
  exits_cause_tick_.fill(0);
  const auto& records = ctx.ledger.records();
  const std::uint64_t first = records.size() - ctx.ledger.added().size();
  const Stream js = named_stream(kJudgmentStream, name_);
  // New records in ledger order: a recorded default or judicial event may become a judgment.
  for (std::uint64_t k = first; k < records.size(); ++k) {
    const Record& r = records[k];
    if (!ctx.sees(*this, r)) continue;  // outside the court's row of the sharing matrix
    double prob = 0;
    if (r.type == ev::kLoanDefault) prob = spec_.judgment_given_default;
    else if (r.type < judicial_type_.size() && judicial_type_[r.type]) prob = spec_.judgment_given_judicial;
    else continue;
    Rng rng(ctx.seed, ctx.replicate, t, k, js);
    if (!rng.bernoulli(prob)) continue;
    Judgment j{};
    j.debtor = r.person;
    j.origin = r.origin;
    j.state = JudgmentState::kOutstanding;
    j.debt = spec_.debt_income_weeks * static_cast<double>(p.income[r.person]) + spec_.debt_fixed;
    j.created = t;
    const auto id = static_cast<std::uint32_t>(judgments_.size());
    judgments_.push_back(j);
    of_person_[r.person].push_back(id);
    of_record_[k] = id;
    ++judgments_total_;
    ++outstanding_;
    if (j.wrongful()) ++judgments_wrongful_;
  }
  // A record removed on appeal through the data layer (SPEC §1.6) takes its judgment with it.
  for (std::uint64_t k : ctx.ledger.corrected()) {
    auto it = of_record_.find(k);
    if (it == of_record_.end()) continue;
    const std::uint32_t j = it->second;
    if (judgments_[j].state == JudgmentState::kListed) delist(j, ExitCause::kCorrected, t);
    else if (judgments_[j].state == JudgmentState::kOutstanding) close_unlisted(j, ExitCause::kCorrected);
  }
  // Business judgments: a per-business weekly rate, found by geometric skipping.
  const std::size_t nb = ctx.society.businesses.size_rows();
  if (nb > 0 && spec_.business_judgment_rate > 0) {
    Rng rng(ctx.seed, ctx.replicate, t, 0, named_stream(kBusinessStream, name_));
    for (std::size_t b = 0;;) {
      const std::uint64_t skip = rng.geometric_skip(spec_.business_judgment_rate);
      if (skip >= nb - b) break;
      b += skip;
      Judgment j{};
      j.debtor = static_cast<NodeId>(b);
      j.business = 1;
      j.origin = Origin::kTrue;
      j.state = JudgmentState::kOutstanding;
      j.debt = spec_.debt_fixed;
      j.created = t;
      judgments_.push_back(j);
      ++business_outstanding_;
      if (++b >= nb) break;
    }
  }
}

Tick CourtList::term_for(NodeId person, bool business, Rng& rng) const {
  Tick term = spec_.term_ticks;
  const auto it = business ? counts_.end() : counts_.find(person);
  const bool repeated = it != counts_.end() && it->second.ever_listed;
  const bool serious = rng.bernoulli(spec_.serious_prob);
  if (serious || repeated) term += spec_.ticks_per_year * static_cast<Tick>(1 + rng.below(3));  // 1–3 years
  return term;
}

void CourtList::person_listing_changed(NodeId i, bool wrongful, int delta, std::uint8_t circumstance, ExitCause cause) {
  Counts& k = counts_[i];
  const bool was = k.right + k.wrong > 0;
  const bool was_wrongful = k.right == 0 && k.wrong > 0;
  auto& c = wrongful ? k.wrong : k.right;
  c = static_cast<std::uint16_t>(c + delta);
  const bool is = k.right + k.wrong > 0;
  const bool is_wrongful = k.right == 0 && k.wrong > 0;
  if (!was && is) {
    ++listed_count_;
    ++entries_tick_;
    ++entries_total_;
    ++entries_circ_tick_[circumstance];
    ++entries_circ_total_[circumstance];
  } else if (was && !is) {
    --listed_count_;
    ++exits_cause_tick_[static_cast<int>(cause)];
    ++exits_cause_total_[static_cast<int>(cause)];
  }
  wrongful_listed_ = wrongful_listed_ + is_wrongful - was_wrongful;
  listed_[i] = is;
  refresh_restricted(i, k);
}

void CourtList::rep_restriction_changed(NodeId rep, int delta) {
  if (rep == kNoNode || rep >= n_) return;
  Counts& k = counts_[rep];
  k.rep = static_cast<std::uint16_t>(k.rep + delta);
  refresh_restricted(rep, k);
  if (k.right == 0 && k.wrong == 0 && k.rep == 0 && !k.ever_listed) counts_.erase(rep);
}

void CourtList::list(std::size_t id, std::uint8_t circumstance, Tick t, Rng& rng) {
  Judgment& j = judgments_[id];
  j.state = JudgmentState::kListed;
  j.circumstance = circumstance;
  j.listed_at = t;
  if (j.business) {
    j.until = 0;
    ++businesses_listed_;
    rep_restriction_changed(business_rep_[j.debtor], +1);
    return;
  }
  j.until = circumstance == 1 ? 0 : t + term_for(j.debtor, false, rng);
  j.notified = rng.bernoulli(spec_.notify_prob);
  if (j.notified) {
    const bool w = j.wrongful();
    if (rng.bernoulli(w ? spec_.appeal_prob_wrongful : spec_.appeal_prob_rightful)) {
      j.appeal_pending = 1;
      j.appealed = 1;
      j.appeal_due = t + (w ? spec_.appeal_delay_wrongful : spec_.appeal_delay_rightful);
      ++appeals_started_;
    }
  } else {
    ++appeals_never_notified_;
  }
  person_listing_changed(j.debtor, j.wrongful(), +1, circumstance, ExitCause::kPaid);
  counts_[j.debtor].ever_listed = 1;
}

void CourtList::delist(std::size_t id, ExitCause cause, Tick t) {
  Judgment& j = judgments_[id];
  j.state = JudgmentState::kClosed;
  j.closed_by = static_cast<std::uint8_t>(cause);
  j.appeal_pending = 0;
  if (j.business) {
    --businesses_listed_;
    --business_outstanding_;
    rep_restriction_changed(business_rep_[j.debtor], -1);
    return;
  }
  --outstanding_;
  duration_sum_[j.wrongful()] += static_cast<double>(t - j.listed_at);
  ++duration_count_[j.wrongful()];
  person_listing_changed(j.debtor, j.wrongful(), -1, 0, cause);
}

void CourtList::close_unlisted(std::size_t id, ExitCause cause) {
  Judgment& j = judgments_[id];
  j.state = JudgmentState::kClosed;
  j.closed_by = static_cast<std::uint8_t>(cause);
  if (j.business) --business_outstanding_;
  else --outstanding_;
}

void CourtList::score(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const Persons& p = ctx.society.persons;
  if (business_rep_.size() != ctx.society.businesses.size_rows()) business_rep_ = ctx.society.businesses.legal_representative;
  payments_.clear();
  committed_.clear();
  auto compliance = [&](NodeId i) {
    if (spec_.compliance_elasticity == 0 || i >= p.size()) return 1.0;
    return std::pow(static_cast<double>(p.misconduct(i)), spec_.compliance_elasticity);
  };
  const Stream ts = named_stream(kTickStream, name_);
  // Leaving the list (adaptation, SPEC §3): payment probability × pay_mult; a wrongly listed,
  // notified person who has not appealed appeals with a per-tick hazard (own stream, so the
  // judgment's other draws are those of the unadapted model).
  const AdaptView::Lists leaving = adapt_lists(ctx.adapt_view);
  const Stream as = named_stream(Stream::kAdaptLists, name_);
  for (std::size_t id = 0; id < judgments_.size(); ++id) {
    Judgment& j = judgments_[id];
    if (j.state == JudgmentState::kClosed) continue;
    Rng rng(ctx.seed, ctx.replicate, t, id, ts);
    if (j.business) {
      if (rng.bernoulli(spec_.business_pay_prob)) {
        if (j.state == JudgmentState::kListed) delist(id, ExitCause::kPaid, t);
        else close_unlisted(id, ExitCause::kPaid);
      } else if (j.state == JudgmentState::kOutstanding && t == j.created + spec_.grace_ticks &&
                 rng.bernoulli(spec_.business_listing_prob)) {
        list(id, 1, t, rng);
      }
      continue;
    }
    const NodeId i = j.debtor;
    const bool wrongful = j.wrongful();
    // 1. An appeal due this tick is decided.
    if (j.appeal_pending && t >= j.appeal_due) {
      j.appeal_pending = 0;
      if (rng.bernoulli(wrongful ? spec_.appeal_success_wrongful : spec_.appeal_success_rightful)) {
        ++appeals_won_;
        delist(id, ExitCause::kAppeal, t);
        continue;
      }
    }
    if (leaving && wrongful && j.state == JudgmentState::kListed && j.notified && !j.appealed &&
        leaving.appeal_hazard(i) > 0) {
      Rng arng(ctx.seed, ctx.replicate, t, id, as);
      if (arng.bernoulli(leaving.appeal_hazard(i))) {
        j.appeal_pending = 1;
        j.appealed = 1;
        j.appeal_due = t + spec_.appeal_delay_wrongful;
        ++appeals_started_;
      }
    }
    // 2. Performance: a debtor whose wealth (less what they paid this tick) covers the debt pays.
    const double c = compliance(i);
    double& already = committed_[i];
    const double available = p.wealth[i] - already;
    const double pay = leaving ? spec_.pay_prob / c * leaving.pay_mult(i) : spec_.pay_prob / c;
    if (available >= j.debt && rng.bernoulli(std::min(1.0, pay))) {
      already += j.debt;
      payments_.emplace_back(i, j.debt);
      paid_yuan_ += j.debt;
      if (wrongful) paid_wrongful_yuan_ += j.debt;
      ++judgments_performed_;
      if (j.state == JudgmentState::kListed) delist(id, ExitCause::kPaid, t);
      else close_unlisted(id, ExitCause::kPaid);
      continue;
    }
    // 3. Term expiry (circumstances 2–6).
    if (j.state == JudgmentState::kListed) {
      if (j.until != 0 && t >= j.until) delist(id, ExitCause::kExpiry, t);
      continue;
    }
    // 4. Listing after the grace period: (1) able but refuses; else (2), (3), (4), (6) by hazard.
    if (t < j.created + spec_.grace_ticks) continue;
    if (available >= j.debt) {
      list(id, 1, t, rng);
      continue;
    }
    const double hazards[4] = {spec_.obstruct_rate, spec_.evade_rate, spec_.asset_report_rate, spec_.settlement_refusal_rate};
    const std::uint8_t circ[4] = {2, 3, 4, 6};
    for (int h = 0; h < 4; ++h)
      if (rng.bernoulli(std::min(1.0, hazards[h] * c))) {
        list(id, circ[h], t, rng);
        break;
      }
  }
  // Circumstance (5): a restricted person breaks a consumption restriction. Their listings on
  // (2)–(6) are renewed as repeated cases; their unlisted judgments past grace are listed.
  if (spec_.restriction_breach_rate > 0) {
    const Stream ps = named_stream(kPersonStream, name_);
    for (NodeId i = 0; i < n_; ++i) {
      if (!restricted_[i]) continue;
      Rng rng(ctx.seed, ctx.replicate, t, i, ps);
      if (!rng.bernoulli(std::min(1.0, spec_.restriction_breach_rate * compliance(i)))) continue;
      ++restriction_breaches_;
      auto it = of_person_.find(i);
      if (it == of_person_.end()) continue;
      for (std::uint32_t id : it->second) {
        Judgment& j = judgments_[id];
        if (j.state == JudgmentState::kListed && j.circumstance >= 2) {
          j.until = std::max(j.until, t + term_for(i, false, rng));
          j.circumstance = 5;
        } else if (j.state == JudgmentState::kOutstanding && t >= j.created + spec_.grace_ticks) {
          list(id, 5, t, rng);
        }
      }
    }
  }
}

void CourtList::add_consequences(const SimContext&, std::size_t first, std::span<double> delta) const {
  // Payments made this tick leave the debtor's wealth ("bring your money"); sorted by debtor in
  // prepare_consequences, a debtor's own in the order the judgments were paid.
  const auto by_debtor = [](const std::pair<NodeId, double>& a, NodeId i) { return a.first < i; };
  const auto lo = std::lower_bound(payments_.begin(), payments_.end(), static_cast<NodeId>(first), by_debtor);
  const auto hi = std::lower_bound(lo, payments_.end(), static_cast<NodeId>(first + delta.size()), by_debtor);
  for (auto it = lo; it != hi; ++it) delta[it->first - first] -= it->second;
}

void CourtList::prepare_consequences(const SimContext& ctx) {
  std::stable_sort(payments_.begin(), payments_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Blocked travel: every try by a restricted person is refused and counted (person-times).
  if (spec_.flight_rate <= 0 && spec_.train_rate <= 0) return;
  const Persons& p = ctx.society.persons;
  const double e = spec_.travel_wealth_elasticity;
  const Stream ps = named_stream(kPersonStream, name_);
  for (NodeId i = 0; i < n_; ++i) {
    if (!restricted_[i]) continue;
    // Offset the entity so these draws never share a counter with the breach draws above.
    Rng rng(ctx.seed, ctx.replicate, ctx.tick, (std::uint64_t{1} << 40) | i, ps);
    const double z = i < p.size() ? static_cast<double>(p.wealth_z(i)) : 0.0;
    const double f = std::exp(e * z - 0.5 * e * e);
    flights_blocked_ += rng.poisson(spec_.flight_rate * f);
    trains_blocked_ += rng.poisson(spec_.train_rate * f);
  }
}

double CourtList::metric_value(const std::string& m) const {
  const double n = static_cast<double>(n_);
  if (m == "listed_share") return n ? static_cast<double>(listed_count_) / n : 0.0;
  if (m == "flights_blocked_per_capita") return n ? static_cast<double>(flights_blocked_) / n : 0.0;
  if (m == "trains_blocked_per_capita") return n ? static_cast<double>(trains_blocked_) / n : 0.0;
  if (m == "performed_share")
    return judgments_total_ ? static_cast<double>(judgments_performed_) / static_cast<double>(judgments_total_)
                            : std::numeric_limits<double>::quiet_NaN();
  if (m == "wrongful_listed_share")
    return listed_count_ ? static_cast<double>(wrongful_listed_) / static_cast<double>(listed_count_)
                         : std::numeric_limits<double>::quiet_NaN();
  return std::numeric_limits<double>::quiet_NaN();
}

void CourtList::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  const Tick t = ctx.tick;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto row = [&](std::string_view metric, std::string_view key, double v) { out.row(t, name_, metric, key, v); };
  row("listed_count", "", static_cast<double>(listed_count_));
  row("listed_share", "", metric_value("listed_share"));
  std::uint64_t restricted = 0, reps_only = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    restricted += restricted_[i];
    reps_only += restricted_[i] && !listed_[i];
  }
  row("restricted_count", "", static_cast<double>(restricted));
  row("restricted_as_legal_representative", "", static_cast<double>(reps_only));
  row("entries", "", static_cast<double>(entries_tick_));
  row("entries_total", "", static_cast<double>(entries_total_));
  for (int c = 1; c <= 6; ++c) {
    row("entries_by_circumstance", fmt::format("c{}", c), static_cast<double>(entries_circ_tick_[c]));
    row("entries_by_circumstance_total", fmt::format("c{}", c), static_cast<double>(entries_circ_total_[c]));
  }
  row("exits", "", static_cast<double>(exits_this_tick()));
  row("exits_total", "", static_cast<double>(exits_total()));
  for (int k = 0; k < kExitCauses; ++k) {
    row("exits_by_cause", kExitCauseNames[k], static_cast<double>(exits_cause_tick_[k]));
    row("exits_by_cause_total", kExitCauseNames[k], static_cast<double>(exits_cause_total_[k]));
  }
  row("judgments_total", "", static_cast<double>(judgments_total_));
  row("judgments_wrongful_total", "", static_cast<double>(judgments_wrongful_));
  row("judgments_outstanding", "", static_cast<double>(outstanding_));
  row("judgments_performed_total", "", static_cast<double>(judgments_performed_));
  row("performed_share", "", metric_value("performed_share"));
  row("paid_yuan_total", "", paid_yuan_);
  row("paid_on_wrongful_judgments_yuan_total", "", paid_wrongful_yuan_);
  row("wrongful_listed_count", "", static_cast<double>(wrongful_listed_));
  row("wrongful_listed_share", "", metric_value("wrongful_listed_share"));
  row("mean_listing_duration", "rightful", duration_count_[0] ? duration_sum_[0] / static_cast<double>(duration_count_[0]) : nan);
  row("mean_listing_duration", "wrongful", duration_count_[1] ? duration_sum_[1] / static_cast<double>(duration_count_[1]) : nan);
  row("completed_listings", "rightful", static_cast<double>(duration_count_[0]));
  row("completed_listings", "wrongful", static_cast<double>(duration_count_[1]));
  row("appeals_started_total", "", static_cast<double>(appeals_started_));
  row("appeals_won_total", "", static_cast<double>(appeals_won_));
  row("listings_not_notified_total", "", static_cast<double>(appeals_never_notified_));
  row("restriction_breaches_total", "", static_cast<double>(restriction_breaches_));
  row("flights_blocked", "", static_cast<double>(flights_blocked_));
  row("trains_blocked", "", static_cast<double>(trains_blocked_));
  row("flights_blocked_per_capita", "", metric_value("flights_blocked_per_capita"));
  row("trains_blocked_per_capita", "", metric_value("trains_blocked_per_capita"));
  row("business_judgments_outstanding", "", static_cast<double>(business_outstanding_));
  row("businesses_listed", "", static_cast<double>(businesses_listed_));
  std::vector<std::uint8_t> own;  // only if no shared ranking (a system measured on its own)
  const auto& decile = ctx.wealth_decile ? *ctx.wealth_decile : (own = measure::deciles(ctx.society.persons.wealth));
  const measure::DecileTally tally = measure::tally_by_decile(decile, 1, [&](std::size_t i) { return listed_[i] != 0; });
  const auto rate = tally.rate(0);
  const auto share = tally.share(0);
  for (int d = 0; d < 10; ++d) {
    row("listed_rate_by_wealth_decile", fmt::format("d{:02}", d + 1), rate[d]);
    row("listed_by_wealth_decile", fmt::format("d{:02}", d + 1), share[d]);
  }
}

SystemOutputs CourtList::outputs() const {
  SystemOutputs o;
  o.listed = &restricted_;  // the rules restrict the listed and the legal representatives of listed businesses
  return o;
}

std::size_t CourtList::memory_bytes() const {
  // Hash-table entries: key, value and about two pointers of node and bucket overhead.
  return n_ * 2 * sizeof(std::uint8_t) + counts_.size() * (sizeof(NodeId) + sizeof(Counts) + 16) +
         judgments_.capacity() * sizeof(Judgment) +
         of_person_.size() * (sizeof(NodeId) + sizeof(std::vector<std::uint32_t>) + 24) +
         of_record_.size() * (sizeof(std::uint64_t) + sizeof(std::uint32_t) + 16) + judgments_.size() * sizeof(std::uint32_t) +
         business_rep_.capacity() * sizeof(NodeId);
}

// Everything but the name and the spec (which the scenario gives again on resume).
void CourtList::checkpoint(ckpt::Archive& a) {
  a(n_, judicial_type_, listed_, restricted_, counts_, judgments_, business_rep_, of_person_,
    of_record_, payments_, committed_, listed_count_, wrongful_listed_, businesses_listed_, entries_tick_, entries_total_,
    entries_circ_tick_, entries_circ_total_, exits_cause_tick_, exits_cause_total_, judgments_total_, judgments_wrongful_,
    outstanding_, business_outstanding_, judgments_performed_, paid_yuan_, paid_wrongful_yuan_, duration_sum_,
    duration_count_, flights_blocked_, trains_blocked_, restriction_breaches_, appeals_started_, appeals_won_,
    appeals_never_notified_);
}

}  // namespace credsim
