// The scenario schema: every key credsim understands, its default, range and meaning (see
// docs/MODEL.md, which lists the same keys). Unknown keys are errors (Reader::finish).
#include "credsim/scenario/scenario.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <numeric>
#include <cmath>
#include <filesystem>

#include "credsim/consequences/rules.hpp"
#include "credsim/scenario/reader.hpp"

namespace credsim {
namespace {
using scenario::Reader;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxPersons = 4294967294.0;

template <std::size_t K>
std::array<double, K> shares(const Reader& r, std::string_view key, const std::array<double, K>& def) {
  const auto v = r.get_double_array(key, std::vector<double>(def.begin(), def.end()), 0.0, kInf, K, K);
  if (std::accumulate(v.begin(), v.end(), 0.0) <= 0)
    throw r.error(key, "all shares are zero", "at least one positive share", "give the relative sizes, e.g. [1, 2, 1]");
  std::array<double, K> a{};
  std::copy(v.begin(), v.end(), a.begin());
  return a;
}

bool is_identifier(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

RunSpec read_run(const Reader& r, const std::string& default_name) {
  RunSpec s;
  s.name = r.get_string("name", default_name);
  if (!is_identifier(s.name))
    throw r.error("name", "'" + s.name + "' cannot name an output folder", "letters, digits and '_'",
                  "rename it, e.g. name = \"my_run\"");
  s.seed = static_cast<std::uint64_t>(r.get_int("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  s.replicate = static_cast<std::uint64_t>(r.get_int("replicate", 0, 0, 1'000'000'000));
  s.ticks = static_cast<Tick>(r.get_int("ticks", 52, 1, 10'000'000));
  s.measure_every = static_cast<Tick>(r.get_int("measure_every", 1, 1, 10'000'000));
  return s;
}

SocietySpec read_society(const Reader& r, bool persons_from_graph) {
  SocietySpec s;
  if (persons_from_graph && r.has("persons"))
    throw r.error("persons", "conflicting settings: graph.model = \"edge_list\" takes the number of persons from the file",
                  "no society.persons with an edge list", "remove society.persons (or choose a generated graph)");
  if (!persons_from_graph) s.persons = static_cast<NodeId>(r.get_int("persons", 100000, 2, static_cast<std::int64_t>(kMaxPersons)));
  if (r.has("region_weights") && r.has("regions"))
    throw r.error("regions", "conflicting settings: both regions and region_weights are given", "one of them",
                  "keep regions = N for N equal regions, or region_weights = [...] for unequal ones");
  if (r.has("region_weights")) {
    s.region_weights = r.get_double_array("region_weights", {}, 0.0, kInf, 1, 65535);
    if (std::accumulate(s.region_weights.begin(), s.region_weights.end(), 0.0) <= 0)
      throw r.error("region_weights", "all weights are zero", "at least one positive weight", "give relative sizes, e.g. [3, 2, 1]");
  } else {
    s.region_weights.assign(static_cast<std::size_t>(r.get_int("regions", 8, 1, 65535)), 1.0);
  }
  s.businesses = static_cast<std::uint32_t>(r.get_int("businesses", 0, 0, 4'000'000'000));
  s.wealth_median = r.get_double("wealth_median", s.wealth_median, 0.0, 1e12);
  s.wealth_sigma = r.get_double("wealth_sigma", s.wealth_sigma, 0.0, 5.0);
  s.income_median = r.get_double("income_median", s.income_median, 0.0, 1e9);
  s.income_sigma = r.get_double("income_sigma", s.income_sigma, 0.0, 5.0);
  s.wealth_income_corr = r.get_double("wealth_income_corr", s.wealth_income_corr, -1.0, 1.0);
  s.savings_rate = r.get_double("savings_rate", s.savings_rate, 0.0, 1.0);
  s.wealth_weekly_return = r.get_double("wealth_weekly_return", s.wealth_weekly_return, -0.1, 0.1);
  s.education_shares = shares(r, "education_shares", s.education_shares);
  s.age_shares = shares(r, "age_shares", s.age_shares);
  s.stable_job_share = r.get_double("stable_job_share", s.stable_job_share, 0.0, 1.0);
  s.scrutinised_share = r.get_double("scrutinised_share", s.scrutinised_share, 0.0, 1.0);
  s.parent_share = r.get_double("parent_share", s.parent_share, 0.0, 1.0);
  s.consent_shopping = r.get_double("consent_shopping", s.consent_shopping, 0.0, 1.0);
  s.consent_gaming = r.get_double("consent_gaming", s.consent_gaming, 0.0, 1.0);
  s.consent_social = r.get_double("consent_social", s.consent_social, 0.0, 1.0);
  return s;
}

GraphSpec read_graph(const Reader& r) {
  GraphSpec g;
  const std::string model = r.get_choice("model", "stochastic_block",
                                         {"erdos_renyi", "watts_strogatz", "barabasi_albert", "stochastic_block", "edge_list"});
  if (model == "erdos_renyi") g.model = GraphModel::kErdosRenyi;
  else if (model == "watts_strogatz") g.model = GraphModel::kWattsStrogatz;
  else if (model == "barabasi_albert") g.model = GraphModel::kBarabasiAlbert;
  else if (model == "stochastic_block") g.model = GraphModel::kStochasticBlock;
  else g.model = GraphModel::kEdgeList;
  // Every generator key is read whatever the model (recorded in the resolved scenario, used
  // only by its model), so a preset can switch models with one --set graph.model=...
  g.mean_degree = r.get_double("mean_degree", g.mean_degree, 0.0, 1e6);
  g.rewire = r.get_double("rewire", g.rewire, 0.0, 1.0);
  g.within_region = r.get_double("within_region", g.within_region, 0.0, 1.0);
  if (g.model == GraphModel::kEdgeList) {
    g.path = r.require_string("path");
  } else {
    if (r.has("path"))
      throw r.error("path", "conflicting settings: graph.path is given but graph.model is not \"edge_list\"",
                    "graph.path only with model = \"edge_list\"", "remove graph.path, or set graph.model = \"edge_list\"");
    if (g.model == GraphModel::kWattsStrogatz) {
      const double k = g.mean_degree;
      if (k < 2 || std::fmod(k, 2.0) != 0.0)
        throw r.error("mean_degree", "Watts–Strogatz needs an even whole mean degree", "2, 4, 6, ...", "e.g. mean_degree = 10");
    }
    if (g.model == GraphModel::kBarabasiAlbert) {
      const double k = g.mean_degree;
      if (k < 2 || std::fmod(k, 2.0) != 0.0)
        throw r.error("mean_degree", "Barabási–Albert adds mean_degree/2 ties per new person", "an even whole number >= 2",
                      "e.g. mean_degree = 10");
    }
  }
  return g;
}

BehaviourSpec read_behaviour(const Reader& r) {
  BehaviourSpec b;
  b.loan_share = r.get_double("loan_share", b.loan_share, 0, 1);
  b.repayment_period = static_cast<Tick>(r.get_int("repayment_period", b.repayment_period, 1, 520));
  b.miss_prob = r.get_double("miss_prob", b.miss_prob, 0, 1);
  b.miss_wealth_elasticity = r.get_double("miss_wealth_elasticity", b.miss_wealth_elasticity, -5, 5);
  b.default_given_miss = r.get_double("default_given_miss", b.default_given_miss, 0, 1);
  b.late_fee = r.get_double("late_fee", b.late_fee, 0, 1e9);
  b.heterogeneity = r.get_double("heterogeneity", b.heterogeneity, 0, 5);
  b.rate_baby_parent = r.get_double("rate_baby_parent", b.rate_baby_parent, 0, 1000);
  b.rate_baby_other = r.get_double("rate_baby_other", b.rate_baby_other, 0, 1000);
  b.rate_games = r.get_double("rate_games", b.rate_games, 0, 1000);
  b.rate_domestic = r.get_double("rate_domestic", b.rate_domestic, 0, 1000);
  b.rate_luxury = r.get_double("rate_luxury", b.rate_luxury, 0, 1000);
  b.luxury_wealth_elasticity = r.get_double("luxury_wealth_elasticity", b.luxury_wealth_elasticity, -5, 5);
  b.price_baby = r.get_double("price_baby", b.price_baby, 0, 1e9);
  b.price_games = r.get_double("price_games", b.price_games, 0, 1e9);
  b.price_domestic = r.get_double("price_domestic", b.price_domestic, 0, 1e9);
  b.price_luxury = r.get_double("price_luxury", b.price_luxury, 0, 1e9);
  b.platform_share = r.get_double("platform_share", b.platform_share, 0, 1);
  b.gamer_share = r.get_double("gamer_share", b.gamer_share, 0, 1);
  b.gaming_hours = r.get_double("gaming_hours", b.gaming_hours, 0, 168);
  b.unapproved_post_rate = r.get_double("unapproved_post_rate", b.unapproved_post_rate, 0, 1000);
  b.embarrassing_post_rate = r.get_double("embarrassing_post_rate", b.embarrassing_post_rate, 0, 1000);
  b.dissent_sigma = r.get_double("dissent_sigma", b.dissent_sigma, 0, 5);
  b.misconduct_sigma = r.get_double("misconduct_sigma", b.misconduct_sigma, 0, 5);
  b.civic_sigma = r.get_double("civic_sigma", b.civic_sigma, 0, 5);
  b.civic_misconduct_corr = r.get_double("civic_misconduct_corr", b.civic_misconduct_corr, -1, 1);
  return b;
}

PrivilegeSpec read_privileges(const Reader& r) {
  PrivilegeSpec p;
  const auto t = r.get_double_array("thresholds", {p.thresholds.begin(), p.thresholds.end()}, 350, 950, 4, 4);
  if (!std::is_sorted(t.begin(), t.end()))
    throw r.error("thresholds", "thresholds must not decrease", "four scores in ascending order", "e.g. [600, 650, 700, 750]");
  std::copy(t.begin(), t.end(), p.thresholds.begin());
  p.instant_loan = r.get_double("instant_loan", p.instant_loan, 0, 1e9);
  p.loan_weekly_return = r.get_double("loan_weekly_return", p.loan_weekly_return, -1, 1);
  p.hotel_deposit_saving = r.get_double("hotel_deposit_saving", p.hotel_deposit_saving, 0, 1e9);
  p.rental_deposit_saving = r.get_double("rental_deposit_saving", p.rental_deposit_saving, 0, 1e9);
  p.singapore_fast_track_value = r.get_double("singapore_fast_track_value", p.singapore_fast_track_value, 0, 1e9);
  p.schengen_fast_track_value = r.get_double("schengen_fast_track_value", p.schengen_fast_track_value, 0, 1e9);
  return p;
}

CompositeSpec read_composite(const Reader& r, const std::string& name) {
  CompositeSpec c;
  c.name = name;
  c.recompute_every = static_cast<Tick>(r.get_int("recompute_every", c.recompute_every, 1, 520));
  c.record_half_life = r.get_double("record_half_life", c.record_half_life, 0.1, 1e6);
  c.data_exchange = r.get_bool("data_exchange", c.data_exchange);
  c.expected_history = r.get_choice("initial_history", "expected", {"expected", "empty"}) == "expected";
  {
    const Reader w = r.section("weights");
    const char* keys[] = {"credit_history", "fulfilment_capacity", "identity", "behaviour", "relationships"};
    for (int k = 0; k < 5; ++k) c.weights[k] = w.get_double(keys[k], c.weights[k], 0, 1e6);
    if (c.weights[0] + c.weights[1] + c.weights[2] + c.weights[3] + c.weights[4] <= 0)
      throw r.error("weights", "all five weights are zero", "at least one positive weight", "e.g. credit_history = 35");
  }
  {
    const Reader h = r.section("credit_history");
    c.prior_good = h.get_double("prior_good", c.prior_good, 0, 1e6);
    c.prior_bad = h.get_double("prior_bad", c.prior_bad, 0, 1e6);
    if (c.prior_good + c.prior_bad <= 0)
      throw h.error("prior_good", "prior_good + prior_bad is zero", "a positive prior", "e.g. prior_good = 2, prior_bad = 2");
    c.missed_weight = h.get_double("missed_weight", c.missed_weight, 0, 1e6);
    c.default_weight = h.get_double("default_weight", c.default_weight, 0, 1e6);
  }
  {
    const Reader k = r.section("capacity");
    c.wealth_ref = k.get_double("wealth_ref", c.wealth_ref, 1e-9, 1e12);
    c.income_ref = k.get_double("income_ref", c.income_ref, 1e-9, 1e12);
  }
  {
    const Reader i = r.section("identity");
    c.identity_education = i.get_double("education", c.identity_education, 0, 1e6);
    c.identity_job = i.get_double("stable_job", c.identity_job, 0, 1e6);
    c.identity_age = i.get_double("age", c.identity_age, 0, 1e6);
    const auto f = i.get_double_array("age_factor", {c.age_factor.begin(), c.age_factor.end()}, 0, 1, kAgeBands, kAgeBands);
    std::copy(f.begin(), f.end(), c.age_factor.begin());
  }
  {
    const Reader b = r.section("behaviour");
    c.use_purchases = b.get_bool("use_purchases", c.use_purchases);
    c.use_platform = b.get_bool("use_platform", c.use_platform);
    c.use_gaming = b.get_bool("use_gaming", c.use_gaming);
    c.use_posts = b.get_bool("use_posts", c.use_posts);
    c.behaviour_bias = b.get_double("bias", c.behaviour_bias, -100, 100);
    c.beta_approved = b.get_double("beta_approved", c.beta_approved, -1e3, 1e3);
    c.beta_games = b.get_double("beta_games", c.beta_games, -1e3, 1e3);
    c.beta_platform = b.get_double("beta_platform", c.beta_platform, -1e3, 1e3);
    c.beta_gaming = b.get_double("beta_gaming", c.beta_gaming, -1e3, 1e3);
    c.beta_unapproved = b.get_double("beta_unapproved", c.beta_unapproved, -1e3, 1e3);
    c.beta_embarrassing = b.get_double("beta_embarrassing", c.beta_embarrassing, -1e3, 1e3);
  }
  {
    const Reader d = r.section("detection");
    c.detect_offplatform_purchase = d.get_double("offplatform_purchase", c.detect_offplatform_purchase, 0, 1);
    c.detect_gaming = d.get_double("gaming", c.detect_gaming, 0, 1);
    c.detect_posts = d.get_double("posts", c.detect_posts, 0, 1);
  }
  {
    const Reader rel = r.section("relationships");
    c.rel_friends_mean = rel.get_double("friends_mean", c.rel_friends_mean, 0, 1e6);
    c.rel_friends_below = rel.get_double("friends_below", c.rel_friends_below, 0, 1e6);
    c.rel_friends_posts = rel.get_double("friends_posts", c.rel_friends_posts, 0, 1e6);
    c.rel_below_threshold = rel.get_double("below_threshold", c.rel_below_threshold, 350, 950);
    c.rel_posts_cap = rel.get_double("posts_cap", c.rel_posts_cap, 1e-9, 1e6);
    c.rel_no_friends = rel.get_double("no_friends", c.rel_no_friends, 0, 1);
  }
  c.privileges = read_privileges(r.section("privileges"));
  return c;
}

void read_events(const Reader& r, EventCatalog& cat) {
  for (const std::string& name : r.table_keys()) {
    const Reader e = r.section(name);
    if (!is_identifier(name))
      throw r.error(name, "event type name '" + name + "' is not an identifier", "letters, digits and '_'", "rename it");
    auto id = cat.find(name);
    if (!id) {
      // A new event type: its domain and rate are required.
      EventTypeSpec t;
      t.name = name;
      t.source = "scenario";
      const std::string d = e.require_choice("domain", {"finance", "shopping", "gaming", "social", "traffic", "public_order",
                                                         "utilities", "tax", "judicial", "civic", "market"});
      t.domain = *domain_from_name(d);
      const std::string kind = e.get_choice("kind", "misconduct", {"misconduct", "civic", "neutral"});
      t.kind = kind == "civic" ? EventKind::kCivic : kind == "neutral" ? EventKind::kNeutral : EventKind::kMisconduct;
      t.rate = e.require_double("rate", 0, 1000);
      id = cat.add(t);
    }
    EventTypeSpec& t = cat.mutable_types()[*id];
    if (t.kind != EventKind::kDerived) t.rate = e.get_double("rate", t.rate, 0, 1000);
    if (t.kind != EventKind::kDerived) t.wealth_elasticity = e.get_double("wealth_elasticity", t.wealth_elasticity, -5, 5);
    t.detection = e.get_double("detection", t.detection, 0, 1);
    t.false_rate = e.get_double("false_rate", t.false_rate, 0, 1);
    t.misattribution = e.get_double("misattribution", t.misattribution, 0, 1);
  }
}

DataSpec read_data(const Reader& r, const EventCatalog& catalog) {
  DataSpec d;
  d.region_detection = r.get_double_array("region_detection", {}, 0, 100, 0, 65535);
  d.notify_prob = r.get_double("notify_prob", d.notify_prob, 0, 1);
  d.appeal_prob = r.get_double("appeal_prob", d.appeal_prob, 0, 1);
  d.appeal_delay = static_cast<Tick>(r.get_int("appeal_delay", d.appeal_delay, 1, 10000));
  d.appeal_success = r.get_double("appeal_success", d.appeal_success, 0, 1);
  const Reader rep = r.section("reporting");
  d.reporting.rate = rep.get_double("rate", d.reporting.rate, 0, 100);
  d.reporting.reward = rep.get_double("reward", d.reporting.reward, 0, 1e9);
  d.reporting.false_share = rep.get_double("false_share", d.reporting.false_share, 0, 1);
  d.reporting.false_type = rep.get_string("false_type", d.reporting.false_type);
  if (!catalog.find(d.reporting.false_type))
    throw rep.error("false_type", "'" + d.reporting.false_type + "' is not an event type", "an event type of the catalog",
                    "e.g. false_type = \"jaywalking\"");
  return d;
}

void read_effects(const Reader& r, EffectLibrary& lib) {
  for (const std::string& name : r.table_keys()) {
    const Reader e = r.section(name);
    if (!is_identifier(name))
      throw r.error(name, "effect name '" + name + "' is not an identifier", "letters, digits and '_'", "rename it");
    auto k = lib.find(name);
    if (!k) {
      if (lib.effects().size() >= kMaxEffects)
        throw r.error(name, "too many effects", "at most 64 effects in all", "reuse an existing effect");
      EffectSpec x;
      x.name = name;
      x.source = "scenario";
      x.sanction = e.require_bool("sanction");
      k = lib.add(x);
    }
    EffectSpec& x = lib.mutable_effects()[*k];
    x.sanction = e.get_bool("sanction", x.sanction);
    x.weekly_value = e.get_double("weekly_value", x.weekly_value, -1e9, 1e9);
    x.income_factor = e.get_double("income_factor", x.income_factor, 0, 10);
    x.requires_visibility = *visibility_from_name(e.get_choice(
        "requires_visibility", std::string(visibility_name(x.requires_visibility)), {"private", "friends", "public"}));
    x.applies_to = *applies_to_from_name(e.get_choice("applies_to", std::string(applies_to_name(x.applies_to)),
                                                      {"everyone", "parents", "scrutinised", "legal_representatives"}));
  }
}

std::vector<RuleSpec> read_rules(const Reader& r, const std::string& source) {
  std::vector<RuleSpec> rules;
  for (const std::string& name : r.table_keys()) {
    const Reader c = r.section(name);
    RuleSpec rule;
    rule.name = name;
    rule.system = c.require_string("system");
    rule.when_text = c.require_string("when");
    std::string problem;
    const auto cond = parse_condition(rule.when_text, &problem);
    if (!cond) throw c.error("when", "cannot read the condition '" + rule.when_text + "'", problem, "e.g. when = \"score < 600\"");
    rule.when = *cond;
    rule.effects = c.get_string_array("effects", {}, 1, 64);
    const SourcePos pos = c.pos_of("system");
    rule.where = pos.file.empty() ? source : pos.file + ":" + std::to_string(pos.line);
    rules.push_back(std::move(rule));
  }
  return rules;
}

std::vector<TargetSpec> read_targets(const Reader& r) {
  std::vector<TargetSpec> out;
  for (const std::string& name : r.table_keys()) {
    const Reader t = r.section(name);
    if (!is_identifier(name))
      throw r.error(name, "target name '" + name + "' is not an identifier", "letters, digits and '_'", "rename it");
    TargetSpec s;
    s.name = name;
    s.system = t.require_string("system");
    s.metric = t.require_string("metric");
    s.key = t.get_string("key", "");
    s.value = t.require_double("value", -1e18, 1e18);
    s.source = t.get_string("source", "");
    out.push_back(std::move(s));
  }
  return out;
}

Scenario build(scenario::Document doc, const std::string& source, const std::vector<std::string>& overrides) {
  for (std::size_t k = 0; k < overrides.size(); ++k) doc.apply_override(overrides[k], static_cast<int>(k + 1));
  const Reader root(doc);
  Scenario sc;
  sc.source = source;
  sc.overrides = overrides;
  std::string stem = std::filesystem::path(source).stem().string();
  std::replace_if(stem.begin(), stem.end(), [](char c) { return !is_identifier(std::string(1, c)); }, '_');
  sc.run = read_run(root.section("run"), stem.empty() ? "scenario" : stem);
  sc.graph = read_graph(root.section("graph"));
  // A relative edge-list path is relative to the scenario file's folder, so a scenario runs
  // the same from any working directory (as given, for a scenario held in memory).
  if (sc.graph.model == GraphModel::kEdgeList && std::filesystem::path(sc.graph.path).is_relative()) {
    const auto folder = std::filesystem::path(source).parent_path();
    if (!folder.empty()) sc.graph.path = (folder / sc.graph.path).lexically_normal().string();
  }
  sc.society = read_society(root.section("society"), sc.graph.model == GraphModel::kEdgeList);
  if (sc.graph.model != GraphModel::kEdgeList && sc.graph.mean_degree >= static_cast<double>(sc.society.persons) - 1)
    throw root.section("graph").error(
        "mean_degree",
        fmt::format("mean degree {} is not below society.persons − 1 = {}", sc.graph.mean_degree, sc.society.persons - 1),
        "a mean degree < society.persons − 1", "lower graph.mean_degree or raise society.persons");
  sc.behaviour = read_behaviour(root.section("behaviour"));
  read_events(root.section("events"), sc.events);
  sc.data = read_data(root.section("data"), sc.events);
  const Reader systems = root.section("systems");
  for (const std::string& name : systems.table_keys()) {
    const Reader s = systems.section(name);
    if (!is_identifier(name))
      throw systems.error(name, "system name '" + name + "' is not an identifier", "letters, digits and '_'",
                          "rename the [systems." + name + "] table");
    const std::string type = s.require_choice("type", {std::begin(kSystemTypes), std::end(kSystemTypes)});
    if (type == "composite") sc.systems.push_back({name, type, read_composite(s, name)});
    else if (type == "points") sc.systems.push_back({name, type, read_points_spec(s, sc.events)});
    else if (type == "court_list") sc.systems.push_back({name, type, read_court_list_spec(s, sc.events)});
    else if (type == "agency_lists") sc.systems.push_back({name, type, read_agency_lists_spec(s, sc.events)});
    else if (type == "corporate") sc.systems.push_back({name, type, read_corporate_spec(s, sc.events)});
    else if (type == "fico") sc.systems.push_back({name, type, read_fico_spec(s, sc.events)});
    else if (type == "platform_rating") sc.systems.push_back({name, type, read_platform_rating_spec(s, sc.events)});
    // Defaults: scores are shared with friends on Sesame (seeds 002, 003); lists are published
    // (Credit China, seed 001); bureau scores and points are private to the person.
    const std::string def = type == "composite" ? "friends"
                            : (type == "court_list" || type == "agency_lists" || type == "corporate") ? "public"
                                                                                                      : "private";
    sc.systems.back().visibility = *visibility_from_name(s.get_choice("visibility", def, {"private", "friends", "public"}));
    // The sharing matrix (SPEC §1.6): which data domains this system may read. The private
    // operator sees its own domains (and, per person, only those consented to, unless
    // data_exchange); government systems see every domain unless the scenario narrows it.
    std::vector<std::string> all_domains;
    for (int d = 0; d < kDomains; ++d) all_domains.emplace_back(domain_name(static_cast<Domain>(d)));
    const std::vector<std::string> def_sees =
        type == "composite" ? std::vector<std::string>{"finance", "shopping", "gaming", "social"} : all_domains;
    std::uint32_t mask = 0;
    for (const std::string& d : s.get_string_array("sees", def_sees, 0, kDomains)) {
      const auto dom = domain_from_name(d);
      if (!dom)
        throw s.error("sees", "'" + d + "' is not a data domain", "a list of: finance, shopping, gaming, social, traffic, "
                      "public_order, utilities, tax, judicial, civic, market", "correct the domain name");
      mask |= 1u << static_cast<int>(*dom);
    }
    sc.systems.back().sees = mask;
  }
  if (sc.systems.empty())
    throw root.error("systems", "no scoring system is defined", "at least one [systems.NAME] table",
                     "add e.g. [systems.sesame] with type = \"composite\"");
  read_effects(root.section("effects"), sc.effects);
  sc.rules = read_rules(root.section("consequences"), source);
  sc.targets = read_targets(root.section("targets"));
  sc.adapt = read_adapt_spec(root.section("adapt"));
  {
    const Reader m = root.section("measure");
    sc.measure.histogram_bin = m.get_double("histogram_bin", sc.measure.histogram_bin, 1, 600);
    sc.measure.window = static_cast<Tick>(m.get_int("window", sc.measure.window, 1, 10'000'000));
    sc.measure.spiral_score_drop = m.get_double("spiral_score_drop", sc.measure.spiral_score_drop, 0, 1e9);
    sc.measure.spiral_wealth_drop = m.get_double("spiral_wealth_drop", sc.measure.spiral_wealth_drop, 0, 1);
  }
  root.finish();
  sc.resolved_json = scenario::to_json(root.resolved()).dump(2);
  return sc;
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  Scenario sc = build(scenario::Document::parse_file(path), path, overrides);
  std::ifstream in(path, std::ios::binary);
  sc.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return sc;
}

Scenario load_scenario_string(std::string_view text, const std::string& source_name,
                              const std::vector<std::string>& overrides) {
  Scenario sc = build(scenario::Document::parse_string(text, source_name), source_name, overrides);
  sc.text = std::string(text);
  return sc;
}

}  // namespace credsim
