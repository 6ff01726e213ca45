// The court list on hand-computed cases: a default becomes a judgment, listing waits for the
// grace period, exits come by payment (wealth falls by the debt), by appeal only when notified,
// and by expiry at exactly the term; wrong records give wrongful listings; a listed business
// restricts its legal representative. Then properties on a random population, and the preset.
#include "credsim/systems/court_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "credsim/graph/build.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/scenario/scenario.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

// A spec with every random mechanic switched off; each test switches on what it checks.
CourtListSpec quiet_spec() {
  CourtListSpec s;
  s.judgment_given_default = 1;
  s.judgment_given_judicial = 1;
  s.debt_income_weeks = 10;  // debt = 10 × 1000 + 5000 = 15000 for the persons below
  s.debt_fixed = 5000;
  s.grace_ticks = 4;
  s.pay_prob = 0;
  s.compliance_elasticity = 0;
  s.obstruct_rate = s.evade_rate = s.asset_report_rate = s.settlement_refusal_rate = 0;
  s.restriction_breach_rate = 0;
  s.serious_prob = 0;
  s.notify_prob = 0;
  s.flight_rate = s.train_rate = 0;
  s.business_judgment_rate = 0;
  return s;
}

// A tiny world: n persons in one region (income 1000/week), a ledger fed by hand-made
// occurrences, and one CourtList, advanced through record → score → consequences.
struct World {
  Scenario sc;
  Society soc;
  graph::Csr g;
  std::unique_ptr<Exchange> ex;
  TickEvents ev;
  std::vector<Occurrence> occ;
  Ledger ledger;
  std::unique_ptr<CourtList> court;
  std::vector<double> last_delta;
  Tick tick = 0;

  World(std::size_t n, const CourtListSpec& spec, double wealth = 100000) {
    sc.data.appeal_prob = 0;  // the data layer's own appeals stay out of the way
    Persons& p = soc.persons;
    p.region.assign(n, 0);
    p.income.assign(n, 1000);
    p.wealth.assign(n, wealth);
    // Persons built by hand: misconduct 1 and wealth_z 0 (TraitSource not generated).
    p.traits.assign(n, 0);
    soc.region_start = {0, static_cast<NodeId>(n)};
    g = graph::build_csr(static_cast<NodeId>(n), {});
    ex = std::make_unique<Exchange>(g);
    ev.resize(n);
    court = std::make_unique<CourtList>("court", spec, n);
    court->initialise(ctx());
  }
  SimContext ctx() const {
    return SimContext{sc, soc, g, *ex, sc.events, ev, occ, ledger, 7, 0, tick, nullptr};
  }
  // One tick with these occurrences (person, event type), sorted by person.
  void step(std::vector<Occurrence> o = {}) {
    ++tick;
    occ = std::move(o);
    ledger.record_tick(sc.data, sc.events, soc, occ, 7, 0, tick);
    const SimContext c = ctx();
    court->record(c);
    court->score(c);
    last_delta.assign(soc.persons.size(), 0.0);
    court->consequences(c, last_delta);
    // The stage runs block by block: any blocking gives every person the same sum, bit for bit.
    for (std::size_t block : {1, 3, 64}) {
      std::vector<double> blocked(last_delta.size(), 0.0);
      for (std::size_t first = 0; first < blocked.size(); first += block)
        court->add_consequences(c, first, std::span<double>(blocked).subspan(first, std::min(block, blocked.size() - first)));
      for (std::size_t i = 0; i < blocked.size(); ++i) EXPECT_EQ(blocked[i], last_delta[i]) << "person " << i << ", blocks of " << block;
    }
    for (std::size_t i = 0; i < last_delta.size(); ++i) soc.persons.wealth[i] += last_delta[i];
  }
  void run_to(Tick t) {
    while (tick < t) step();
  }
  // The rows measure() writes now, as "metric|key" → value.
  std::map<std::string, double> metrics() {
    test::TempDir dir("court");
    {
      io::MetricsCsv out(dir.path() / "m.csv");
      court->measure(ctx(), out);
      out.end_tick();
      out.commit();
    }
    std::ifstream in(dir.path() / "m.csv");
    std::map<std::string, double> m;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string t, sys, metric, key, value;
      std::getline(ss, t, ',');
      std::getline(ss, sys, ',');
      std::getline(ss, metric, ',');
      std::getline(ss, key, ',');
      std::getline(ss, value, ',');
      m[metric + "|" + key] = value == "NA" ? std::nan("") : std::stod(value);
    }
    return m;
  }
};

Occurrence defaulted(NodeId i) { return {i, ev::kLoanDefault, 1}; }

TEST(CourtListHand, DefaultGivesJudgmentListedOnlyAfterGraceAndStaysUntilPerformed) {
  World w(2, quiet_spec());
  w.step({defaulted(0)});  // tick 1
  ASSERT_EQ(w.court->judgments().size(), 1u);
  const Judgment& j = w.court->judgments()[0];
  EXPECT_EQ(j.debtor, 0u);
  EXPECT_EQ(j.created, 1u);
  EXPECT_DOUBLE_EQ(j.debt, 15000.0);
  EXPECT_EQ(j.origin, Origin::kTrue);
  // Grace 4: not listed at ticks 1–4, listed at tick 5 on circumstance (1) (wealth 100000 ≥ 15000).
  for (Tick t = 2; t <= 4; ++t) {
    w.step();
    EXPECT_EQ(w.court->listed()[0], 0) << "tick " << t;
  }
  w.step();
  EXPECT_EQ(w.court->listed()[0], 1);
  EXPECT_EQ(w.court->judgments()[0].circumstance, 1);
  EXPECT_EQ(w.court->judgments()[0].until, 0u);  // until performed
  EXPECT_EQ(w.court->entries_by_circumstance_total()[1], 1u);
  EXPECT_EQ(w.court->listed()[1], 0);
  // Circumstance (1) never expires: still listed three years later.
  w.run_to(5 + 3 * 52);
  EXPECT_EQ(w.court->listed()[0], 1);
  EXPECT_EQ(w.court->exits_total(), 0u);
  auto m = w.metrics();
  EXPECT_DOUBLE_EQ(m["listed_count|"], 1);
  EXPECT_DOUBLE_EQ(m["listed_share|"], 0.5);
  EXPECT_DOUBLE_EQ(m["judgments_outstanding|"], 1);
}

TEST(CourtListHand, NoJudgmentWhenProbabilityZeroAndNoneFromOtherEvents) {
  CourtListSpec s = quiet_spec();
  s.judgment_given_default = 0;
  World w(2, s);
  const auto traffic = *w.sc.events.find("traffic_ticket");
  w.sc.events.mutable_types()[traffic].detection = 1;
  w.step({defaulted(0), {1, traffic, 1}});
  EXPECT_TRUE(w.court->judgments().empty());
  // A recorded judicial event is a judgment (probability 1 here).
  const auto sued = *w.sc.events.find("sued_found_in_breach");
  w.step({{1, sued, 1}});
  ASSERT_EQ(w.court->judgments().size(), 1u);
  EXPECT_EQ(w.court->judgments()[0].debtor, 1u);
}

TEST(CourtListHand, ObstructionListsForExactlyTheTermThenExpires) {
  CourtListSpec s = quiet_spec();
  s.obstruct_rate = 1;  // circumstance (2) at the first eligible tick
  World w(1, s, /*wealth=*/0);  // cannot perform: never circumstance (1)
  w.step({defaulted(0)});
  w.run_to(5);
  ASSERT_EQ(w.court->listed()[0], 1);
  const Judgment& j = w.court->judgments()[0];
  EXPECT_EQ(j.circumstance, 2);
  EXPECT_EQ(j.listed_at, 5u);
  EXPECT_EQ(j.until, 5u + 104u);
  w.run_to(5 + 103);
  EXPECT_EQ(w.court->listed()[0], 1);
  w.step();  // tick 109: exactly 104 ticks after listing
  EXPECT_EQ(w.court->listed()[0], 0);
  EXPECT_EQ(w.court->exits_by_cause_total()[static_cast<int>(ExitCause::kExpiry)], 1u);
  auto m = w.metrics();
  EXPECT_DOUBLE_EQ(m["mean_listing_duration|rightful"], 104);
  EXPECT_TRUE(std::isnan(m["mean_listing_duration|wrongful"]));
  EXPECT_DOUBLE_EQ(m["judgments_outstanding|"], 0);
}

TEST(CourtListHand, SeriousCasesGetOneToThreeExtraYears) {
  CourtListSpec s = quiet_spec();
  s.obstruct_rate = 1;
  s.serious_prob = 1;
  World w(50, s, 0);
  std::vector<Occurrence> o;
  for (NodeId i = 0; i < 50; ++i) o.push_back(defaulted(i));
  w.step(o);
  w.run_to(5);
  std::map<Tick, int> seen;
  for (const Judgment& j : w.court->judgments()) {
    const Tick term = j.until - j.listed_at;
    EXPECT_TRUE(term == 104 + 52 || term == 104 + 104 || term == 104 + 156) << term;
    seen[term]++;
  }
  EXPECT_EQ(seen.size(), 3u);  // all three lengths occur among 50 draws
}

TEST(CourtListHand, PayingExitsTheListAndTakesTheDebtFromWealth) {
  CourtListSpec s = quiet_spec();
  s.obstruct_rate = 1;
  s.pay_prob = 1;  // pays the first tick the wealth covers the debt
  World w(1, s, 0);
  w.step({defaulted(0)});
  w.run_to(9);
  ASSERT_EQ(w.court->listed()[0], 1);
  w.soc.persons.wealth[0] = 50000;
  w.step();  // tick 10
  EXPECT_EQ(w.court->listed()[0], 0);
  EXPECT_DOUBLE_EQ(w.last_delta[0], -15000.0);
  EXPECT_DOUBLE_EQ(w.soc.persons.wealth[0], 35000.0);
  EXPECT_EQ(w.court->exits_by_cause_total()[static_cast<int>(ExitCause::kPaid)], 1u);
  auto m = w.metrics();
  EXPECT_DOUBLE_EQ(m["paid_yuan_total|"], 15000);
  EXPECT_DOUBLE_EQ(m["mean_listing_duration|rightful"], 5);  // listed at 5, paid at 10
  EXPECT_DOUBLE_EQ(m["performed_share|"], 1);
}

TEST(CourtListHand, TwoDebtsAreNotPaidFromTheSameWealth) {
  CourtListSpec s = quiet_spec();
  s.pay_prob = 1;
  // Wealth 20000 covers one debt of 15000, not two: of two judgments the same tick, one is paid.
  World w2(1, s, 20000);
  const auto sued = *w2.sc.events.find("sued_found_in_breach");
  w2.step({defaulted(0), {0, sued, 1}});
  ASSERT_EQ(w2.court->judgments().size(), 2u);
  EXPECT_DOUBLE_EQ(w2.last_delta[0], -15000.0);
  EXPECT_DOUBLE_EQ(w2.soc.persons.wealth[0], 5000.0);
}

TEST(CourtListHand, WithoutNoticeNoAppealStarts) {
  CourtListSpec s = quiet_spec();
  s.appeal_prob_wrongful = s.appeal_prob_rightful = 1;
  s.appeal_success_wrongful = s.appeal_success_rightful = 1;
  s.notify_prob = 0;
  World w(1, s);
  const auto sued = *w.sc.events.find("sued_found_in_breach");
  w.sc.events.mutable_types()[sued].false_rate = 50;  // a false record at tick 1 for sure
  w.step();
  w.sc.events.mutable_types()[sued].false_rate = 0;
  ASSERT_EQ(w.court->judgments().size(), 1u);
  EXPECT_EQ(w.court->judgments()[0].origin, Origin::kFalse);
  w.run_to(200);
  EXPECT_EQ(w.court->listed()[0], 1);
  EXPECT_EQ(w.court->appeals_started(), 0u);
  EXPECT_EQ(w.court->exits_total(), 0u);
}

TEST(CourtListHand, NotifiedWrongfulListingExitsByAppealAfterTheDelay) {
  CourtListSpec s = quiet_spec();
  s.notify_prob = 1;
  s.appeal_prob_wrongful = 1;
  s.appeal_success_wrongful = 1;
  s.appeal_delay_wrongful = 12;
  World w(1, s);
  const auto sued = *w.sc.events.find("sued_found_in_breach");
  w.sc.events.mutable_types()[sued].false_rate = 50;
  w.step();
  w.sc.events.mutable_types()[sued].false_rate = 0;
  w.run_to(5);
  ASSERT_EQ(w.court->listed()[0], 1);
  EXPECT_EQ(w.court->appeals_started(), 1u);
  w.run_to(16);
  EXPECT_EQ(w.court->listed()[0], 1);
  w.step();  // tick 17 = 5 + 12
  EXPECT_EQ(w.court->listed()[0], 0);
  EXPECT_EQ(w.court->exits_by_cause_total()[static_cast<int>(ExitCause::kAppeal)], 1u);
  auto m = w.metrics();
  EXPECT_DOUBLE_EQ(m["mean_listing_duration|wrongful"], 12);
}

TEST(CourtListHand, FalseAndMisattributedRecordsGiveWrongfulListings) {
  CourtListSpec s = quiet_spec();
  World w(3, s);
  const auto sued = *w.sc.events.find("sued_found_in_breach");
  w.sc.events.mutable_types()[sued].misattribution = 1;  // recorded against someone else
  w.step({{0, sued, 1}, defaulted(2)});
  w.run_to(5);
  // Person 0 acted, someone else (1 or 2) was recorded; person 2 also defaulted for real.
  int wrongful = 0;
  for (const Judgment& j : w.court->judgments()) {
    if (j.origin == Origin::kMisattributed) {
      ++wrongful;
      EXPECT_NE(j.debtor, 0u);
    }
  }
  EXPECT_EQ(wrongful, 1);
  EXPECT_EQ(w.court->listed()[0], 0);
  auto m = w.metrics();
  const NodeId victim = w.court->judgments()[0].origin == Origin::kMisattributed ? w.court->judgments()[0].debtor
                                                                                   : w.court->judgments()[1].debtor;
  if (victim == 1) {  // person 1 is listed only because of the wrong record
    EXPECT_DOUBLE_EQ(m["wrongful_listed_count|"], 1);
    EXPECT_DOUBLE_EQ(m["wrongful_listed_share|"], 0.5);
  } else {  // person 2 also has a rightful listing: not wrongfully listed as a person
    EXPECT_DOUBLE_EQ(m["wrongful_listed_count|"], 0);
  }
  EXPECT_DOUBLE_EQ(m["judgments_wrongful_total|"], 1);
}

TEST(CourtListHand, CorrectedRecordRemovesTheListing) {
  CourtListSpec s = quiet_spec();
  World w(1, s);
  w.sc.data.notify_prob = 1;
  w.sc.data.appeal_prob = 1;
  w.sc.data.appeal_success = 1;
  w.sc.data.appeal_delay = 8;
  const auto sued = *w.sc.events.find("sued_found_in_breach");
  w.sc.events.mutable_types()[sued].false_rate = 50;
  w.step();
  w.sc.events.mutable_types()[sued].false_rate = 0;
  w.run_to(8);
  EXPECT_EQ(w.court->listed()[0], 1);
  w.step();  // tick 9: the data layer corrects the record
  EXPECT_EQ(w.court->listed()[0], 0);
  EXPECT_EQ(w.court->exits_by_cause_total()[static_cast<int>(ExitCause::kCorrected)], 1u);
}

TEST(CourtListHand, ListedBusinessRestrictsItsLegalRepresentative) {
  CourtListSpec s = quiet_spec();
  s.business_judgment_rate = 1;  // every business, every tick
  s.business_listing_prob = 1;
  s.business_pay_prob = 0;
  World w(4, s);
  w.soc.businesses.region = {0};
  w.soc.businesses.sector = {0};
  w.soc.businesses.size = {10};
  w.soc.businesses.legal_representative = {2};
  w.soc.persons.set_legal_rep(2, 1);
  w.run_to(4);
  EXPECT_EQ(w.court->restricted()[2], 0);
  w.step();  // tick 5: the tick-1 judgment is listed
  EXPECT_EQ(w.court->restricted()[2], 1);
  EXPECT_EQ(w.court->listed()[2], 0);  // not personally listed
  EXPECT_EQ((*w.court->outputs().listed)[2], 1);
  for (NodeId i : {0u, 1u, 3u}) EXPECT_EQ((*w.court->outputs().listed)[i], 0);
  EXPECT_EQ(w.court->listed_count(), 0u);
  auto m = w.metrics();
  EXPECT_DOUBLE_EQ(m["restricted_as_legal_representative|"], 1);
  EXPECT_DOUBLE_EQ(m["businesses_listed|"], 1);
}

TEST(CourtListHand, RestrictedPersonsHaveTheirTravelBlocked) {
  CourtListSpec s = quiet_spec();
  s.flight_rate = 2;
  s.travel_wealth_elasticity = 0;
  World w(2, s);
  w.step({defaulted(0)});
  w.run_to(4);
  EXPECT_EQ(w.court->flights_blocked(), 0u);
  w.run_to(404);  // 400 listed weeks × 2 tries: about 800, within ±5 sd
  EXPECT_NEAR(static_cast<double>(w.court->flights_blocked()), 800.0, 5 * std::sqrt(800.0));
  EXPECT_EQ(w.court->trains_blocked(), 0u);
}

TEST(CourtListHand, RestrictionBreachRenewsATermAsRepeated) {
  CourtListSpec s = quiet_spec();
  s.obstruct_rate = 1;
  World w(1, s, 0);
  w.step({defaulted(0)});
  w.run_to(5);
  ASSERT_EQ(w.court->judgments()[0].until, 109u);
  // Switch breaches on by rebuilding: a fresh world with breach rate 1 breaks at tick 5 itself.
  CourtListSpec b = s;
  b.restriction_breach_rate = 1;
  World v(1, b, 0);
  v.step({defaulted(0)});
  v.run_to(5);
  const Judgment& j = v.court->judgments()[0];
  EXPECT_EQ(j.circumstance, 5);
  const Tick term = j.until - 5;  // renewed at tick 5 as a repeated case: 104 + 1–3 years
  EXPECT_TRUE(term == 156 || term == 208 || term == 260) << term;
}

// Properties on a random population: shares in [0, 1]; person entries − exits = change of the
// listed count each tick; the listed flag equals "has a listed judgment".
TEST(CourtListProperty, BoundsAndConservation) {
  CourtListSpec s;  // the defaults, with business judgments off (no businesses here)
  s.judgment_given_default = 0.8;
  s.notify_prob = 0.7;
  s.grace_ticks = 2;
  const std::size_t n = 2000;
  World w(n, s);
  const auto sued = *w.sc.events.find("sued_found_in_breach");
  w.sc.events.mutable_types()[sued].false_rate = 0.002;
  w.sc.events.mutable_types()[sued].misattribution = 0.3;
  w.sc.data.appeal_prob = 0.5;
  w.sc.data.notify_prob = 0.5;
  // Misconduct lognormal (sigma 0.8, mean 1), wealth_z the standardised log wealth, as generated
  // persons have them (society.hpp).
  Persons& p = w.soc.persons;
  p.source = {true, 3, 0, 0.8, 0.5, 0.0};
  p.misconduct_mult.resize(n);
  p.civic_mult.resize(n);
  p.wealth_z_codes.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    Rng r(3, 0, Rng::kNoTick, i, Stream::kSocietyTraits);
    const double zw = r.normal();
    p.wealth[i] = 40000 * std::exp(zw);
    p.wealth_z_codes[i] = wealth_z_code(zw);
    p.misconduct_mult.set(i, std::exp(0.8 * r.normal() - 0.32));
    p.civic_mult.set(i, 1.0);
  }
  std::uint64_t before = 0;
  for (Tick t = 1; t <= 150; ++t) {
    std::vector<Occurrence> o;
    for (NodeId i = 0; i < n; ++i) {
      Rng r(5, 0, t, i, Stream::kRepayment);
      if (r.bernoulli(0.003)) o.push_back(defaulted(i));
      if (r.bernoulli(0.002)) o.push_back({i, sued, 1});
    }
    w.step(o);
    // Income trickles in so some debtors become able to pay.
    for (auto& x : w.soc.persons.wealth) x += 150;
    const std::uint64_t now = w.court->listed_count();
    EXPECT_EQ(static_cast<std::int64_t>(now) - static_cast<std::int64_t>(before),
              static_cast<std::int64_t>(w.court->entries_this_tick()) - static_cast<std::int64_t>(w.court->exits_this_tick()))
        << "tick " << t;
    before = now;
    std::uint64_t flagged = 0;
    for (std::size_t i = 0; i < n; ++i) flagged += w.court->listed()[i];
    ASSERT_EQ(flagged, now);
    const double share = static_cast<double>(now) / static_cast<double>(n);
    EXPECT_GE(share, 0.0);
    EXPECT_LE(share, 1.0);
    EXPECT_LE(w.court->wrongful_listed_count(), now);
    for (std::size_t i = 0; i < n; ++i) EXPECT_GE(w.soc.persons.wealth[i], -1e-9);
  }
  // Listed-judgment flags agree with the judgments themselves.
  std::vector<int> listed_j(n, 0);
  for (const Judgment& j : w.court->judgments())
    if (j.state == JudgmentState::kListed) listed_j[j.debtor] = 1;
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(listed_j[i], w.court->listed()[i]);
  EXPECT_EQ(w.court->entries_total() - w.court->exits_total(), w.court->listed_count());
  EXPECT_GT(w.court->entries_total(), 50u);
  EXPECT_GT(w.court->exits_total(), 10u);
  auto m = w.metrics();
  EXPECT_GT(m["judgments_wrongful_total|"], 0);
  for (int c : {1, 2, 3, 4, 6}) EXPECT_GT(m["entries_by_circumstance_total|c" + std::to_string(c)], 0) << c;
}

TEST(CourtListScenario, ReadsKeysAndRejectsBadOnes) {
  const char* base = R"(
[society]
persons = 500
[systems.court]
type = "court_list"
grace_ticks = 6
)";
  const Scenario sc = load_scenario_string(base, "c.toml", {});
  ASSERT_EQ(sc.systems.size(), 1u);
  const auto& spec = sc.systems[0].as<CourtListSpec>();
  EXPECT_EQ(spec.grace_ticks, 6u);
  // Published figures go in the generic [targets.NAME] tables; the old per-system table is an
  // unknown key now, so a scenario still using it fails loudly instead of losing its targets.
  EXPECT_THROW(load_scenario_string(std::string(base) + "[systems.court.targets]\nlisted_share = 0.0093\n", "c.toml", {}),
               InputError);
  EXPECT_THROW(load_scenario_string(base, "c.toml", {"systems.court.judicial_events=[\"sued\"]"}), InputError);
  EXPECT_THROW(load_scenario_string(base, "c.toml", {"systems.court.pay_prob=1.5"}), InputError);
  EXPECT_THROW(load_scenario_string(base, "c.toml", {"systems.court.grace_tick=3"}), InputError);
}

// metrics.csv as "tick,system,metric,key" -> value text (NA for NaN).
std::map<std::string, std::string> read_rows(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::map<std::string, std::string> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto cut = line.rfind(',');
    rows[line.substr(0, cut)] = line.substr(cut + 1);
  }
  return rows;
}

TEST(CourtListScenario, ShortRunOfThePresetWritesCalibrationRows) {
  const std::string preset = std::string(CREDSIM_SOURCE_DIR) + "/scenarios/court_list.toml";
  const Scenario sc = load_scenario(preset, {"society.persons=5000", "society.businesses=100", "run.ticks=20"});
  test::TempDir dir("court-preset");
  RunOptions opt;
  opt.out_dir = dir.path() / "run";
  opt.threads = 1;
  const RunResult r = run_scenario(sc, opt);
  auto rows = read_rows(opt.out_dir / "metrics.csv");
  // The preset's generic targets (docs/MODEL.md, "Calibration targets"): at every measured tick
  // (0 … 20) the model row is exactly the court's metric row it names and the target row is
  // the published figure; the final pair is in the run's summary.
  struct Target {
    std::string name, metric, value;
  };
  const Target targets[] = {{"court_listed_share_2015", "listed_share", "0.00224"},
                            {"court_flights_blocked_per_capita_2015", "flights_blocked_per_capita", "0.00273"},
                            {"court_performed_share_2015", "performed_share", "0.2"}};
  for (const Target& g : targets) {
    for (int t = 0; t <= 20; ++t) {
      const std::string tick = std::to_string(t);
      const std::string metric = tick + ",court," + g.metric + ",", model = tick + ",calibration," + g.name + ",model",
                        target = tick + ",calibration," + g.name + ",target";
      ASSERT_TRUE(rows.count(metric)) << metric;
      ASSERT_TRUE(rows.count(model)) << model;
      ASSERT_TRUE(rows.count(target)) << target;
      EXPECT_EQ(rows[model], rows[metric]) << model;
      EXPECT_EQ(rows[target], g.value) << target;
    }
    const auto it = std::find_if(r.calibration.begin(), r.calibration.end(), [&](const auto& c) { return c.name == g.name; });
    ASSERT_NE(it, r.calibration.end()) << g.name;
    EXPECT_EQ(it->target, std::stod(g.value)) << g.name;
    const std::string last = rows["20,court," + g.metric + ","];
    if (last == "NA")
      EXPECT_TRUE(std::isnan(it->model)) << g.name;
    else
      EXPECT_EQ(it->model, std::stod(last)) << g.name;
  }
  EXPECT_EQ(r.calibration.size(), std::size(targets));
  EXPECT_NE(rows["20,court,listed_share,"], "0");  // the model's value moves: someone is listed
  // The old per-system layout ("court,calibration,listed_share:model") is gone.
  for (const auto& [k, v] : rows) EXPECT_EQ(k.find(",court,calibration,"), std::string::npos) << k;
  // The rules restrict the listed: some travel_ban holders at the end.
  Simulation sim(sc, build_graph(sc.graph, region_sizes(sc.society.persons, sc.society.region_weights), sc.run.seed,
                                 sc.run.replicate));
  sim.initialise(nullptr);
  while (!sim.done()) sim.step(nullptr);
  const auto* court = dynamic_cast<const CourtList*>(sim.systems()[0].get());
  ASSERT_NE(court, nullptr);
  EXPECT_GT(court->listed_count(), 0u);
  const auto bit = std::uint64_t{1} << *sim.consequences().library().find("travel_ban");
  for (std::size_t i = 0; i < court->restricted().size(); ++i)
    EXPECT_EQ((sim.consequences().active()[i] & bit) != 0, court->restricted()[i] != 0) << i;
}

}  // namespace
}  // namespace credsim
