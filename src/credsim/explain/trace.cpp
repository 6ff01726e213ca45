// The trace writer and the traced persons' shadow state (see trace.hpp; format: docs/MODEL.md,
// "Explain").
#include "credsim/explain/trace.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_set>

#include "credsim/consequences/privileges.hpp"
#include "credsim/consequences/rules.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/systems/agency_lists.hpp"
#include "credsim/systems/composite.hpp"
#include "credsim/systems/court_list.hpp"
#include "credsim/systems/fico.hpp"
#include "credsim/systems/platform_rating.hpp"
#include "credsim/systems/points.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {
namespace {
constexpr const char* kDimensionNames[5] = {"credit_history", "fulfilment_capacity", "identity", "behaviour",
                                            "relationships"};
const char* origin_name(Origin o) {
  switch (o) {
    case Origin::kTrue: return "true";
    case Origin::kFalse: return "false";
    case Origin::kMisattributed: return "misattributed";
  }
  return "?";
}
// A score as JSON: null for NaN (a system that does not score this person).
Tracer::Json num(double v) { return std::isfinite(v) ? Tracer::Json(v) : Tracer::Json(nullptr); }
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
constexpr const char* kFicoNames[5] = {"payment_history", "amounts_owed", "length_of_history", "credit_mix",
                                       "new_credit"};

// Exact decomposition of a weighted score lo + range·Σ w_d x_d / Σ w (then rounded and clamped):
// each sub-score moves the unrounded score by range·w_d/Σw·Δx_d; rounding (and clamping) is a
// term of its own, set so that the terms summed left to right give `delta` exactly.
void decompose(std::vector<Tracer::Json>& items, const char* const* names, const double* w, const double* before,
               const double* after, double range, double delta) {
  const double wsum = w[0] + w[1] + w[2] + w[3] + w[4];
  double sum = 0;
  for (int d = 0; d < 5; ++d) {
    const double term = range * w[d] * (after[d] - before[d]) / wsum;
    Tracer::Json it;
    it["cause"] = "subscore";
    it["dimension"] = names[d];
    it["before"] = before[d];
    it["after"] = after[d];
    it["weight"] = w[d] / wsum;
    it["points"] = term;
    items.push_back(std::move(it));
    sum += term;
  }
  double r = delta - sum;
  for (int it = 0; it < 8 && sum + r != delta; ++it) r = std::nextafter(r, sum + r < delta ? INFINITY : -INFINITY);
  Tracer::Json it;
  it["cause"] = "rounding";
  it["points"] = r;
  items.push_back(std::move(it));
}
}  // namespace

bool is_political_type(std::uint16_t t) { return t == ev::kUnapprovedPost || t == ev::kEmbarrassingPost; }

std::vector<NodeId> choose_traced(std::uint64_t seed, std::uint64_t replicate, std::size_t n, std::uint32_t count,
                                  const std::vector<std::uint64_t>& ids) {
  std::vector<NodeId> out;
  for (std::uint64_t id : ids) {
    if (id >= n)
      throw InputError(SourcePos{"--trace-ids", 0, 0}, "trace-ids",
                       "person " + std::to_string(id) + " does not exist: the population has " + std::to_string(n) +
                           " persons",
                       "ids from 0 to " + std::to_string(n == 0 ? 0 : n - 1),
                       "pick ids below the population size, or use --trace N for N random persons");
    out.push_back(static_cast<NodeId>(id));
  }
  if (count > n)
    throw InputError(SourcePos{"--trace", 0, 0}, "trace",
                     "cannot trace " + std::to_string(count) + " persons in a population of " + std::to_string(n),
                     "at most " + std::to_string(n), "lower --trace");
  // N distinct persons drawn uniformly, in draw order, from the run's seed.
  std::unordered_set<NodeId> drawn;
  Rng rng(seed, replicate, Rng::kNoTick, 0, Stream::kTrace);
  while (drawn.size() < count) {
    const auto i = static_cast<NodeId>(rng.below(n));
    if (drawn.insert(i).second) out.push_back(i);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Tracer::Tracer(std::vector<NodeId> persons, const std::filesystem::path& path)
    : persons_(std::move(persons)), out_(std::make_unique<io::OutputFile>(path)) {}

Tracer::Tracer(std::vector<NodeId> persons, std::uint64_t bytes_written)
    : persons_(std::move(persons)), bytes_(bytes_written) {}

void Tracer::reopen(const std::filesystem::path& path) { out_ = std::make_unique<io::OutputFile>(path, bytes_); }

void Tracer::checkpoint(ckpt::Archive& a) {
  CREDSIM_ASSERT(causes_.empty());  // written out at the end of every tick
  a(state_);
}

bool Tracer::traced(NodeId i) const { return std::binary_search(persons_.begin(), persons_.end(), i); }

std::size_t Tracer::slot(NodeId i) const {
  return static_cast<std::size_t>(std::lower_bound(persons_.begin(), persons_.end(), i) - persons_.begin());
}

std::size_t Tracer::system_index(const System& s) const {
  for (std::size_t k = 0; k < systems_.size(); ++k)
    if (systems_[k] == &s) return k;
  return systems_.size();
}

void Tracer::line(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  s += '\n';
  out_->write(s);
  bytes_ += s.size();
}

void Tracer::flush() { out_->flush(); }
void Tracer::sync() { out_->sync(); }
void Tracer::commit() { out_->commit(); }

Tracer::SystemState Tracer::read(const System& s, NodeId i) const {
  const SystemOutputs o = s.outputs();
  SystemState st;
  st.score = o.score ? static_cast<double>(o.score[i]) : std::nan("");
  st.grade = o.grade ? o.grade[i] : -1;
  st.listed = o.listed ? (*o.listed)[i] : -1;
  st.red = o.red ? (*o.red)[i] : -1;
  return st;
}

Tracer::Json Tracer::state_json(const System& s, const SystemState& st) const {
  const SystemOutputs o = s.outputs();
  Json j = Json::object();
  if (o.score) j["score"] = num(st.score);
  if (o.grade)
    j["grade"] = st.grade >= 0 && static_cast<std::size_t>(st.grade) < o.grade_names.size() ? Json(o.grade_names[st.grade])
                                                                                             : Json(st.grade);
  if (o.listed) j["listed"] = st.listed != 0;
  if (o.red) j["red"] = st.red != 0;
  return j;
}

// The counterfactual scores of system si for person i (docs/MODEL.md, "Explain"): exact for the
// composite score and for points; for other systems, the actual score when the system has not
// counted any political (or reported) record about the person, otherwise null with the reason.
Tracer::Json Tracer::counterfactual_json(std::size_t si, NodeId i) const {
  const System& s = *systems_[si];
  const PersonState& ps = state_[slot(i)];
  auto score = [](double v) {
    Json j = Json::object();
    j["score"] = num(v);
    return j;
  };
  Json j = Json::object();
  if (dynamic_cast<const Composite*>(&s)) {
    j["no_network"] = score(ps.comp[si].cf_no_network);
    j["no_political"] = score(ps.comp[si].cf_no_political);
    return j;
  }
  if (const auto* f = dynamic_cast<const Fico*>(&s)) {
    // A bureau file holds no network and no political domain (fico.cpp refuses them).
    const Json now = score(f->scores()[i]);
    j["no_network"] = now;
    j["no_political"] = now;
    j["true_records_only"] = score(f->counterfactual_scores()[i]);
    return j;
  }
  if (s.type() == "points") {
    j["no_network"] = score(ps.shadow[2 * si + 1].balance);
    j["no_political"] = score(ps.shadow[2 * si].balance);
    return j;
  }
  const Json now = state_json(s, read(s, i));
  j["no_network"] = ps.reported_seen[si] ? Json(nullptr) : now;
  if (ps.reported_seen[si]) j["no_network_note"] = "this system counted a record reported by a friend";
  j["no_political"] = ps.political_seen[si] ? Json(nullptr) : now;
  if (ps.political_seen[si]) j["no_political_note"] = "this system counted a political record";
  return j;
}

void Tracer::bind(const SimContext& ctx) {
  systems_.clear();
  for (const auto& s : *ctx.systems) systems_.push_back(s.get());
  type_names_.clear();
  for (const auto& t : ctx.catalog.types()) type_names_.push_back(t.name);
  // Which event types each system's own rules count: the court list judgments from defaults
  // and its judicial types, the agencies their watched and red-list types, a points scheme its
  // catalog entries, a FICO-style bureau the types of its domains; the composite score (its own
  // detection of behaviour), corporate credit and platform ratings read no person's ledger
  // records; any other system counts every type (conservative).
  reads_type_.assign(systems_.size(), std::vector<std::uint8_t>(type_names_.size(), 1));
  auto only = [&](std::size_t si, const std::vector<std::string>& names) {
    std::fill(reads_type_[si].begin(), reads_type_[si].end(), 0);
    for (const auto& n : names)
      if (auto k = ctx.catalog.find(n)) reads_type_[si][*k] = 1;
  };
  for (std::size_t si = 0; si < systems_.size(); ++si) {
    if (const auto* cl = dynamic_cast<const CourtList*>(systems_[si])) {
      auto names = cl->spec().judicial_events;
      names.push_back(type_names_[ev::kLoanDefault]);
      only(si, names);
    } else if (const auto* al = dynamic_cast<const AgencyLists*>(systems_[si])) {
      std::vector<std::string> names;
      for (const auto& a : al->spec().agencies) {
        names.insert(names.end(), a.watch.begin(), a.watch.end());
        names.insert(names.end(), a.red_positive.begin(), a.red_positive.end());
      }
      only(si, names);
    } else if (const auto* pt = dynamic_cast<const Points*>(systems_[si])) {
      std::vector<std::string> names;
      for (const auto& e : pt->spec().catalog) names.push_back(e.event);
      only(si, names);
    } else if (const auto* f = dynamic_cast<const Fico*>(systems_[si])) {
      std::vector<std::string> names;
      for (const auto& t : ctx.catalog.types())
        if (std::find(f->spec().domains.begin(), f->spec().domains.end(), domain_name(t.domain)) != f->spec().domains.end())
          names.push_back(t.name);
      only(si, names);
    } else if (dynamic_cast<const Composite*>(systems_[si]) || systems_[si]->type() == "corporate" ||
               systems_[si]->type() == "platform_rating") {
      only(si, {});
    }
  }
}

void Tracer::header(const SimContext& ctx) {
  bind(ctx);
  state_.assign(persons_.size(), PersonState{});
  for (PersonState& ps : state_) {
    ps.sys.assign(systems_.size(), SystemState{});
    ps.comp.assign(systems_.size(), CompositeState{});
    ps.shadow.assign(2 * systems_.size(), PointsShadow{});
    ps.political_seen.assign(systems_.size(), 0);
    ps.reported_seen.assign(systems_.size(), 0);
    ps.privileges.assign(systems_.size(), 0);
    ps.court_listed.assign(systems_.size(), {});
  }
  Json h;
  h["event"] = "header";
  h["format"] = "credsim-trace-1";
  h["seed"] = ctx.seed;
  h["replicate"] = ctx.replicate;
  h["ticks"] = ctx.scenario.run.ticks;
  h["persons"] = persons_;
  Json sys = Json::array();
  for (const System* s : systems_) {
    const SystemOutputs o = s->outputs();
    Json e;
    e["name"] = s->name();
    e["type"] = std::string(s->type());
    e["score"] = static_cast<bool>(o.score);
    e["grades"] = o.grade_names;
    e["listed"] = o.listed != nullptr;
    e["red"] = o.red != nullptr;
    if (const auto* c = dynamic_cast<const Composite*>(s)) {
      e["weights"] = c->spec().weights;
      e["dimensions"] = std::vector<std::string>(std::begin(kDimensionNames), std::end(kDimensionNames));
    }
    sys.push_back(e);
  }
  h["systems"] = sys;
  h["political_types"] = {type_names_[ev::kUnapprovedPost], type_names_[ev::kEmbarrassingPost]};
  line(h);
}

void Tracer::cause(const System& system, NodeId person, Json item) {
  causes_[{system_index(system), slot(person)}].push_back(std::move(item));
}

void Tracer::composite_scored(const Composite& c, const Persons& p, const Exchange& ex,
                              std::span<const std::uint16_t> new_scores) {
  const std::size_t si = system_index(c);
  if (si >= systems_.size()) return;
  const CompositeSpec& s = c.spec();
  const auto& w = s.weights;
  CompositeSpec no_net = s;
  no_net.weights[4] = 0;
  const double no_net_wsum = w[0] + w[1] + w[2] + w[3];
  for (std::size_t k = 0; k < persons_.size(); ++k) {
    const NodeId i = persons_[k];
    const Subscores x = c.subscores_of(p, i, ex);
    const double xs[5] = {x.credit, x.capacity, x.identity, x.behaviour, x.relationships};
    CompositeState& cs = state_[k].comp[si];
    if (cs.scored) {
      const double delta = static_cast<double>(new_scores[i]) - static_cast<double>(c.scores()[i]);
      decompose(causes_[{si, k}], kDimensionNames, w.data(), cs.sub, xs, kCompositeMax - kCompositeMin, delta);
    }
    std::copy(std::begin(xs), std::end(xs), cs.sub);
    cs.scored = true;
    // Without the network: the relationships dimension's weight removed (the other four
    // weights renormalised), same inputs otherwise.
    cs.cf_no_network = no_net_wsum > 0 ? static_cast<double>(composite_score(no_net, x)) : std::nan("");
    // Without political inputs: the person's recorded unapproved and embarrassing posts and the
    // friends' unapproved posts counted as zero; friends' scores as they are.
    Subscores xp = x;
    BehaviourRates r = c.rates_of(i);
    r.unapproved = 0;
    r.embarrassing = 0;
    xp.behaviour = behaviour_subscore(s, r);
    if (w[4] > 0) {
      RelationshipInputs in = c.relationship_inputs_of(i, ex);
      in.mean_friend_unapproved = 0;
      xp.relationships = relationships_subscore(s, in);
    }
    cs.cf_no_political = static_cast<double>(composite_score(s, xp));
  }
}

void Tracer::points_record(const System& sys, const Record& r, std::uint64_t k, int entry, double delta,
                           bool warning_first, double min, double max) {
  const std::size_t si = system_index(sys);
  PersonState& ps = state_[slot(r.person)];
  // The scheme's own rule (points.cpp) replayed on two shadow balances: 0 without political
  // records, 1 without records reported by friends (the network's input to a points scheme).
  for (int v = 0; v < 2; ++v) {
    if (v == 0 && is_political_type(r.type)) continue;
    if (v == 1 && r.channel == Channel::kReported) continue;
    if (delta == 0) continue;
    PointsShadow& sh = ps.shadow[2 * si + v];
    const std::uint64_t bit = std::uint64_t{1} << entry;
    if (delta < 0 && warning_first && !(sh.warned & bit)) {
      sh.warned |= bit;
      continue;
    }
    const float d = static_cast<float>(delta * r.count);
    const float b = static_cast<float>(sh.balance);
    sh.balance = static_cast<float>(std::clamp<double>(b + d, min, max));
    sh.applied[k] = d;
  }
}

void Tracer::points_removed(const System& sys, NodeId person, std::uint64_t k, double min, double max) {
  const std::size_t si = system_index(sys);
  PersonState& ps = state_[slot(person)];
  for (int v = 0; v < 2; ++v) {
    PointsShadow& sh = ps.shadow[2 * si + v];
    auto it = sh.applied.find(k);
    if (it == sh.applied.end()) continue;
    const float b = static_cast<float>(sh.balance);
    sh.balance = static_cast<float>(std::clamp<double>(b - static_cast<float>(it->second), min, max));
    sh.applied.erase(it);
  }
}

void Tracer::points_cause(const System& sys, NodeId person, std::string_view cause, std::uint64_t k,
                          std::uint16_t type, double points, std::string_view note) {
  Json j;
  j["cause"] = cause;
  j["ledger"] = k;
  j["type"] = type_names_[type];
  j["points"] = points;
  if (!note.empty()) j["note"] = note;
  this->cause(sys, person, std::move(j));
}

void Tracer::initial(const SimContext& ctx, const Consequences& cons) {
  for (std::size_t k = 0; k < persons_.size(); ++k) {
    const NodeId i = persons_[k];
    PersonState& ps = state_[k];
    for (std::size_t si = 0; si < systems_.size(); ++si) {
      ps.sys[si] = read(*systems_[si], i);
      for (int v = 0; v < 2; ++v) ps.shadow[2 * si + v].balance = ps.sys[si].score;
    }
  }
  outputs_changed(ctx, /*initial=*/true);
  consequences_changed(ctx, cons, /*initial=*/true);
  causes_.clear();
}

void Tracer::recorded(const SimContext& ctx) {
  const auto& records = ctx.ledger.records();
  const std::uint64_t first = records.size() - ctx.ledger.added().size();
  const Tick t = ctx.tick;
  for (std::uint64_t k = first; k < records.size(); ++k) {
    const Record& r = records[k];
    const bool person = traced(r.person);
    if (person) {
      PersonState& ps = state_[slot(r.person)];
      const EventTypeSpec& type = ctx.catalog[r.type];
      Json j;
      j["tick"] = t;
      j["person"] = r.person;
      j["event"] = "record";
      j["ledger"] = k;
      j["type"] = type.name;
      j["domain"] = std::string(domain_name(type.domain));
      j["political"] = is_political_type(r.type);
      j["origin"] = origin_name(r.origin);
      j["actor"] = r.actor == kNoNode ? Json(nullptr) : Json(r.actor);
      j["channel"] = r.channel == Channel::kReported ? "reported" : "detected";
      j["count"] = r.count;
      j["notified"] = r.notified != 0;
      j["appeal"] = r.appealed ? "opened" : "none";
      if (r.appealed) j["appeal_decided_at"] = r.decided;
      Json seen = Json::array();
      for (std::size_t si = 0; si < systems_.size(); ++si)
        if (reads_type_[si][r.type] && ctx.sees(*systems_[si], r)) {
          seen.push_back(systems_[si]->name());
          if (is_political_type(r.type)) ps.political_seen[si] = 1;
          if (r.channel == Channel::kReported) ps.reported_seen[si] = 1;
        }
      j["read_by"] = seen;
      line(j);
      if (r.appealed) ps.pending_appeals.emplace_back(k, r.decided);
    }
    if (r.actor != kNoNode && r.actor != r.person && traced(r.actor)) {
      Json j;
      j["tick"] = t;
      j["person"] = r.actor;
      j["event"] = "own_act_recorded_against_other";
      j["ledger"] = k;
      j["type"] = ctx.catalog[r.type].name;
      j["recorded_against"] = r.person;
      line(j);
    }
  }
  // Appeals decided this tick: won (the record is corrected) or lost.
  for (std::uint64_t k : ctx.ledger.corrected()) {
    const Record& r = records[k];
    if (!traced(r.person)) continue;
    Json j;
    j["tick"] = t;
    j["person"] = r.person;
    j["event"] = "appeal_won";
    j["ledger"] = k;
    j["type"] = ctx.catalog[r.type].name;
    j["note"] = "the record is corrected: systems stop counting it";
    line(j);
  }
  for (std::size_t s = 0; s < persons_.size(); ++s) {
    auto& pend = state_[s].pending_appeals;
    std::size_t kept = 0;
    for (const auto& [k, due] : pend) {
      if (due > t) {
        pend[kept++] = {k, due};
        continue;
      }
      if (records[k].status != RecordStatus::kCorrected) {
        Json j;
        j["tick"] = t;
        j["person"] = persons_[s];
        j["event"] = "appeal_lost";
        j["ledger"] = k;
        j["type"] = ctx.catalog[records[k].type].name;
        line(j);
      }
    }
    pend.resize(kept);
  }
}

void Tracer::outputs_changed(const SimContext& ctx, bool initial) {
  const Tick t = ctx.tick;
  const auto& records = ctx.ledger.records();
  for (std::size_t k = 0; k < persons_.size(); ++k) {
    const NodeId i = persons_[k];
    PersonState& ps = state_[k];
    for (std::size_t si = 0; si < systems_.size(); ++si) {
      const System& s = *systems_[si];
      const SystemState now = read(s, i);
      const SystemState& before = ps.sys[si];
      if (const auto* f = dynamic_cast<const Fico*>(&s); f && (initial || t % f->spec().recompute_every == 0)) {
        // FICO-style: the same exact decomposition over its five sub-scores (300 + 550·…), at
        // each recompute; the sub-scores are read back from the file as the score stage used it.
        const auto sub = f->subscores(ctx, i, false);
        CompositeState& cs = ps.comp[si];
        if (cs.scored)
          decompose(causes_[{si, k}], kFicoNames, f->spec().weights.data(), cs.sub, sub.data(), 550.0,
                    now.score - before.score);
        std::copy(sub.begin(), sub.end(), cs.sub);
        cs.scored = true;
      }
      auto it = causes_.find({si, k});
      const bool changed = !same(now.score, before.score) || now.grade != before.grade || now.listed != before.listed ||
                           now.red != before.red;
      if (!initial && !changed && it == causes_.end()) continue;
      Json j;
      j["tick"] = t;
      j["person"] = i;
      j["event"] = initial ? "initial" : "score";
      j["system"] = s.name();
      if (!initial) j["before"] = state_json(s, before);
      j[initial ? "state" : "after"] = state_json(s, now);
      Json causes = Json::array();
      if (it != causes_.end())
        for (auto& c : it->second) causes.push_back(std::move(c));
      if (const auto* cl = dynamic_cast<const CourtList*>(&s); cl && !initial && changed) {
        // The judgments behind a listing or an exit (scanned only when this person's listing
        // changed): listed now and not before → listed; listed before and not now → exit.
        const auto& js = cl->judgments();
        std::vector<std::uint32_t> listed_now;
        for (std::size_t g = 0; g < js.size(); ++g)
          if (!js[g].business && js[g].debtor == i && js[g].state == JudgmentState::kListed)
            listed_now.push_back(static_cast<std::uint32_t>(g));
        auto& known = ps.court_listed[si];
        for (std::uint32_t g : listed_now) {
          if (std::find(known.begin(), known.end(), g) != known.end()) continue;
          const Judgment& jd = js[g];
          Json c;
          c["cause"] = "listed";
          c["judgment"] = g;
          c["circumstance"] = jd.circumstance;
          c["debt"] = jd.debt;
          c["record_origin"] = origin_name(jd.origin);
          c["notified"] = jd.notified != 0;
          c["until"] = jd.until == 0 ? Json("performed") : Json(jd.until);
          causes.push_back(c);
        }
        bool own_exit = false;
        for (std::uint32_t g : known) {
          if (std::find(listed_now.begin(), listed_now.end(), g) != listed_now.end()) continue;
          own_exit = true;
          Json c;
          c["cause"] = "exit";
          c["judgment"] = g;
          c["reason"] = js[g].state == JudgmentState::kClosed ? kExitCauseNames[js[g].closed_by] : "delisted";
          c["listed_at"] = js[g].listed_at;
          causes.push_back(c);
        }
        known = std::move(listed_now);
        if (causes.empty() && now.listed == 1) {
          Json c;
          c["cause"] = "representative_of_listed_business";
          c["note"] = "restricted as the legal representative of a listed business (joint punishment)";
          causes.push_back(c);
        }
        if (now.listed == 0 && before.listed == 1 && !own_exit) {
          // Restricted only as a legal representative: the listed business left the list.
          Json c;
          c["cause"] = "representative_exit";
          c["note"] = "the listed business this person represents left the list (joint punishment ended)";
          causes.push_back(c);
        }
      }
      if (const auto* al = dynamic_cast<const AgencyLists*>(&s); al && !initial && changed) {
        // Which agencies list or warn this person now.
        const auto& ag = al->spec().agencies;
        for (std::size_t a = 0; a <= ag.size(); ++a) {
          if (!al->black_in(i, a, t)) continue;
          Json c;
          c["cause"] = "black_list";
          c["agency"] = a < ag.size() ? ag[a].name : "three_fields";
          c["wrongful"] = al->wrongful_in(i, a);
          causes.push_back(c);
        }
        for (std::size_t a = 0; a < ag.size(); ++a) {
          if (!al->warned_in(i, a, t)) continue;
          Json c;
          c["cause"] = "warning_list";
          c["agency"] = ag[a].name;
          causes.push_back(c);
        }
      }
      if (const auto* pr = dynamic_cast<const PlatformRating*>(&s); pr && !initial && changed) {
        // The ratings behind the displayed mean: the last K the provider received.
        const auto& prov = pr->providers();
        const auto it = std::lower_bound(prov.begin(), prov.end(), i);
        if (it != prov.end() && *it == i) {
          const std::size_t p = static_cast<std::size_t>(it - prov.begin());
          Json c;
          c["cause"] = "ratings";
          c["received_total"] = pr->rings().count(p);
          c["in_window"] = pr->rings().filled(p);
          c["window"] = pr->rings().window();
          c["mean"] = num(pr->rings().mean(p));
          c["defect_rate"] = pr->rings().defect_rate(p);
          causes.push_back(c);
          if (now.listed == 1 && before.listed != 1) {
            Json d;
            d["cause"] = "deactivated";
            d["note"] = "the mean of the last ratings fell below the platform's cut-off";
            causes.push_back(d);
          }
        }
      }
      const bool own_account = dynamic_cast<const Composite*>(&s) || dynamic_cast<const Fico*>(&s) ||
                               dynamic_cast<const PlatformRating*>(&s) || s.type() == "points";
      if (!initial && changed && !own_account) {
        // Systems without their own account: this person's records the system could see this
        // tick, and corrections of their records (the system's own rule decides their weight).
        for (std::uint64_t r = records.size() - ctx.ledger.added().size(); r < records.size(); ++r)
          if (records[r].person == i && ctx.sees(s, records[r])) {
            Json c;
            c["cause"] = "record_seen";
            c["ledger"] = r;
            c["type"] = ctx.catalog[records[r].type].name;
            c["origin"] = origin_name(records[r].origin);
            causes.push_back(c);
          }
        for (std::uint64_t r : ctx.ledger.corrected())
          if (records[r].person == i && ctx.sees(s, records[r])) {
            Json c;
            c["cause"] = "record_corrected";
            c["ledger"] = r;
            c["type"] = ctx.catalog[records[r].type].name;
            causes.push_back(c);
          }
        if (causes.empty()) {
          Json c;
          c["cause"] = "system_rule";
          c["note"] = "no new record of this person: the system's own dynamics (term expiry, payment, ratings, "
                      "decay, recomputation from wealth or friends)";
          causes.push_back(c);
        }
      }
      if (!initial || !causes.empty()) j["causes"] = causes;
      if (initial && (dynamic_cast<const Composite*>(&s) || dynamic_cast<const Fico*>(&s))) {
        const char* const* names = dynamic_cast<const Fico*>(&s) ? kFicoNames : kDimensionNames;
        Json sub = Json::object();
        for (int d = 0; d < 5; ++d) sub[names[d]] = ps.comp[si].sub[d];
        j["subscores"] = sub;
      }
      j["counterfactual"] = counterfactual_json(si, i);
      line(j);
      ps.sys[si] = now;
    }
  }
  causes_.clear();
}

void Tracer::consequences_changed(const SimContext& ctx, const Consequences& cons, bool initial) {
  const Tick t = ctx.tick;
  const auto& lib = cons.library().effects();
  for (std::size_t k = 0; k < persons_.size(); ++k) {
    const NodeId i = persons_[k];
    PersonState& ps = state_[k];
    const std::uint64_t now = cons.active()[i], before = initial ? 0 : ps.effects;
    std::vector<std::uint8_t> held(cons.rule_count());
    for (std::size_t r = 0; r < held.size(); ++r) held[r] = cons.rule_holds(r, i);
    if (ps.rules_held.size() != held.size()) ps.rules_held.assign(held.size(), 0);
    for (std::uint64_t bits = now ^ before; bits; bits &= bits - 1) {
      const int e = std::countr_zero(bits);
      const std::uint64_t bit = std::uint64_t{1} << e;
      const bool started = (now & bit) != 0;
      Json j;
      j["tick"] = t;
      j["person"] = i;
      j["event"] = started ? "consequence_started" : "consequence_ended";
      j["effect"] = lib[e].name;
      j["sanction"] = lib[e].sanction;
      j["weekly_value"] = lib[e].weekly_value;
      j["income_factor"] = lib[e].income_factor;
      Json rules = Json::array();
      for (std::size_t r = 0; r < cons.rule_count(); ++r) {
        if (!(cons.rule_effects(r) & bit)) continue;
        if (started ? !held[r] : !ps.rules_held[r]) continue;  // ended: the rules that gave it until now
        const RuleSpec& spec = ctx.scenario.rules[r];
        Json rj;
        rj["rule"] = spec.name;
        rj["system"] = spec.system;
        rj["when"] = spec.when_text;
        rules.push_back(rj);
      }
      j[started ? "rules" : "rules_no_longer_met"] = rules;
      line(j);
    }
    ps.effects = now;
    ps.rules_held = std::move(held);
    // The composite score's own threshold privileges (SPEC §1.9).
    for (std::size_t si = 0; si < systems_.size(); ++si) {
      const auto* c = dynamic_cast<const Composite*>(systems_[si]);
      if (!c) continue;
      const std::uint8_t pn = c->privileges()[i], pb = initial ? 0 : ps.privileges[si];
      for (int b = 0; b < kPrivileges; ++b) {
        const std::uint8_t bit = static_cast<std::uint8_t>(1u << b);
        if (!((pn ^ pb) & bit)) continue;
        Json j;
        j["tick"] = t;
        j["person"] = i;
        j["event"] = (pn & bit) ? "consequence_started" : "consequence_ended";
        j["effect"] = std::string(kPrivilegeNames[b]);
        j["sanction"] = false;
        j["system"] = c->name();
        j["rule"] = "built-in privilege: score >= " + std::to_string(static_cast<int>(c->spec().privileges.thresholds[b]));
        line(j);
      }
      ps.privileges[si] = pn;
    }
  }
}

void Tracer::end_tick(const SimContext& ctx, const Consequences& cons) {
  outputs_changed(ctx, /*initial=*/false);
  consequences_changed(ctx, cons, /*initial=*/false);
}

void Tracer::finish(const SimContext& ctx) {
  for (std::size_t k = 0; k < persons_.size(); ++k) {
    const NodeId i = persons_[k];
    for (std::size_t si = 0; si < systems_.size(); ++si) {
      const System& s = *systems_[si];
      Json j;
      j["tick"] = ctx.tick;
      j["person"] = i;
      j["event"] = "final";
      j["system"] = s.name();
      j["state"] = state_json(s, read(s, i));
      if (const auto* c = dynamic_cast<const Composite*>(&s)) {
        // score = 350 + Σ_d 600·w_d/Σw·x_d, then rounded: the points each dimension contributes.
        const auto& w = c->spec().weights;
        const double wsum = w[0] + w[1] + w[2] + w[3] + w[4];
        Json parts = Json::array();
        for (int d = 0; d < 5; ++d) {
          Json p;
          p["dimension"] = kDimensionNames[d];
          p["subscore"] = state_[k].comp[si].sub[d];
          p["weight"] = w[d] / wsum;
          p["points"] = (kCompositeMax - kCompositeMin) * w[d] * state_[k].comp[si].sub[d] / wsum;
          parts.push_back(p);
        }
        j["base"] = kCompositeMin;
        j["dimensions"] = parts;
      }
      j["counterfactual"] = counterfactual_json(si, i);
      line(j);
    }
  }
}

}  // namespace credsim
