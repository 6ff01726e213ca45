// Municipal points (Rongcheng): hand-computed balances and grades, warnings, automatic grades,
// reversal on appeal, expiry, region coverage, reward-only catalogs, and the spec reader.
#include "credsim/systems/points.hpp"

#include <gtest/gtest.h>

#include "ledger_world.hpp"

#include "credsim/core/error.hpp"
#include "credsim/scenario/reader.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim {
namespace {

using World = test::LedgerWorld;

PointsSpec rongcheng() {
  const auto doc = scenario::Document::parse_string("", "t.toml");
  return read_points_spec(scenario::Reader(doc), EventCatalog{});
}

TEST(Points, GradeCutOffs) {
  Points p("city", rongcheng(), 1);
  // AAA ≥ 1050, AA 1030–1049, A 960–1029, B 850–959, C 600–849, D ≤ 599 (SPEC §1.2).
  const std::pair<double, int> cases[] = {{1200, 0}, {1050, 0}, {1049, 1}, {1030, 1}, {1029, 2}, {960, 2},
                                          {959, 3},  {850, 3},  {849, 4},  {600, 4},  {599, 5}, {-50, 5}};
  for (auto [b, g] : cases) EXPECT_EQ(p.grade_of(b), g) << b;
}

TEST(Points, WarningFirstThenDeductionsRewardsAndGrades) {
  World w(10);
  Points p("city", rongcheng(), 10);
  p.initialise(w.ctx());
  EXPECT_EQ(p.balance()[0], 1000.0f);
  EXPECT_EQ(p.grade()[0], 2);  // A
  w.step(p, {{0, "traffic_ticket"}, {1, "heroic_act"}, {2, "utility_theft"}});
  // First negative record of a type is a warning only; rewards count at once.
  EXPECT_EQ(p.balance()[0], 1000.0f);
  EXPECT_EQ(p.balance()[1], 1030.0f);  // +30: AA
  EXPECT_EQ(p.grade()[1], 1);
  EXPECT_EQ(p.balance()[2], 1000.0f);
  EXPECT_EQ(p.warnings(), 2u);
  w.step(p, {{0, "traffic_ticket"}, {2, "utility_theft"}, {2, "destroying_public_equipment"}});
  EXPECT_EQ(p.balance()[0], 995.0f);   // −5
  EXPECT_EQ(p.balance()[2], 940.0f);   // −60, and a warning for the first equipment record
  EXPECT_EQ(p.grade()[2], 3);          // B
  w.step(p, {{2, "destroying_public_equipment"}, {2, "court_utility_arrears"}});
  EXPECT_EQ(p.balance()[2], 840.0f);   // −100; arrears warned
  EXPECT_EQ(p.grade()[2], 4);          // C
}

TEST(Points, EveryNegativeEntryWarnsOncePerPersonWhateverItsBit) {
  // Each negative entry has its own warning bit (several bytes of them in the default catalog):
  // person 0 gets every negative entry twice, person 1 once; only the first of each warns.
  const PointsSpec s = rongcheng();
  std::vector<const PointsCatalogEntry*> negative;
  for (const PointsCatalogEntry& e : s.catalog)
    if (e.delta < 0 && e.automatic_grade.empty()) negative.push_back(&e);
  ASSERT_GT(negative.size(), 8u) << "the test needs warning bits beyond the first byte";
  World w(3);
  Points p("city", s, 3);
  p.initialise(w.ctx());
  EXPECT_EQ(p.memory_bytes(), 3 * (4 + 1 + (negative.size() + 7) / 8)) << "balance, grade and the warning bits";
  double expected0 = 1000;
  for (std::size_t k = 0; k < negative.size(); ++k) {
    w.step(p, {{0, negative[k]->event}, {1, negative[k]->event}});
    EXPECT_EQ(p.warnings(), 2 * (k + 1)) << negative[k]->event;
    EXPECT_EQ(p.balance()[0], static_cast<float>(expected0)) << negative[k]->event;
    w.step(p, {{0, negative[k]->event}});
    expected0 = std::max(s.min, expected0 + negative[k]->delta);
    EXPECT_EQ(p.warnings(), 2 * (k + 1)) << negative[k]->event;
    EXPECT_FLOAT_EQ(p.balance()[0], static_cast<float>(expected0)) << negative[k]->event;
  }
  EXPECT_EQ(p.balance()[1], 1000.0f);  // warned for everything, never deducted
  EXPECT_EQ(p.balance()[2], 1000.0f);
}

TEST(Points, AutomaticGradesTakeTheWorseGradeAndTheLaterEnd) {
  World w(3);
  PointsSpec s = rongcheng();
  s.automatic_grade_ticks = 2;
  for (PointsCatalogEntry& e : s.catalog)  // a second automatic grade, for the test
    if (e.event == "heroic_act") e = {"heroic_act", 0, "D"};
  Points p("city", s, 3);
  p.initialise(w.ctx());
  w.step(p, {{1, "drunk_driving"}});  // tick 1: C until tick 3
  EXPECT_EQ(p.grade()[1], 4);
  w.step(p, {{1, "heroic_act"}});     // tick 2: D (worse) until tick 4
  EXPECT_EQ(p.grade()[1], 5);
  w.step(p, {{1, "drunk_driving"}});  // tick 3: C does not lift D; the term now ends at tick 5
  EXPECT_EQ(p.grade()[1], 5);
  w.step(p, {});
  EXPECT_EQ(p.grade()[1], 5);         // tick 4
  w.step(p, {});
  EXPECT_EQ(p.grade()[1], 2);         // tick 5: back to A (1000 points)
  EXPECT_EQ(p.grade()[0], 2);
}

TEST(Points, DrunkDrivingSetsGradeCForItsTerm) {
  World w(4);
  PointsSpec s = rongcheng();
  s.automatic_grade_ticks = 3;
  Points p("city", s, 4);
  p.initialise(w.ctx());
  w.step(p, {{1, "heroic_act"}, {1, "drunk_driving"}});
  EXPECT_EQ(p.balance()[1], 1030.0f);
  EXPECT_EQ(p.grade()[1], 4);  // C despite AA points
  w.step(p, {});
  w.step(p, {});
  EXPECT_EQ(p.grade()[1], 4);  // ticks 1..3 under the automatic grade
  w.step(p, {});
  EXPECT_EQ(p.grade()[1], 1);  // tick 4: back to AA
}

TEST(Points, CorrectedRecordIsReversed) {
  World w(20000);
  PointsSpec s = rongcheng();
  s.warning_first = false;
  w.sc.events.mutable_types()[*w.sc.events.find("late_utility_fee")].false_rate = 0.01;
  w.sc.data.notify_prob = 1;
  w.sc.data.appeal_prob = 1;
  w.sc.data.appeal_success = 1;
  w.sc.data.appeal_delay = 2;
  Points p("city", s, 20000);
  p.initialise(w.ctx());
  w.step(p, {});
  w.sc.events.mutable_types()[*w.sc.events.find("late_utility_fee")].false_rate = 0;
  std::size_t hit = 0;
  for (std::size_t i = 0; i < 20000; ++i) hit += p.balance()[i] < 1000.0f;
  ASSERT_GT(hit, 100u);  // false records deducted −20 each
  w.step(p, {});
  w.step(p, {});  // tick 3 = 1 + delay: every appeal succeeds
  for (std::size_t i = 0; i < 20000; ++i) ASSERT_EQ(p.balance()[i], 1000.0f) << i;
}

TEST(Points, DeductionsExpireAfterTheirValidity) {
  World w(3);
  PointsSpec s = rongcheng();
  s.warning_first = false;
  s.record_validity = 2;
  Points p("city", s, 3);
  p.initialise(w.ctx());
  w.step(p, {{0, "contract_breach"}});
  EXPECT_EQ(p.balance()[0], 980.0f);
  w.step(p, {});
  EXPECT_EQ(p.balance()[0], 980.0f);
  w.step(p, {});  // recorded at tick 1, counts until tick 1 + 2
  EXPECT_EQ(p.balance()[0], 1000.0f);
}

TEST(Points, OnlyResidentsOfCoveredRegionsAreRated) {
  World w(10);  // regions 0 = ids 0..4, 1 = ids 5..9
  PointsSpec s = rongcheng();
  s.regions = {1};
  s.warning_first = false;
  Points p("city", s, 10);
  p.initialise(w.ctx());
  w.step(p, {{0, "fraud"}, {7, "fraud"}});
  EXPECT_EQ(p.balance()[0], 1000.0f);
  EXPECT_EQ(p.balance()[7], 970.0f);
  EXPECT_EQ(p.outputs().grade_names[p.grade()[0]], "unrated");
  EXPECT_EQ(p.outputs().grade_names[p.grade()[7]], "A");
}

TEST(Points, RewardOnlyCatalogFromTheScenario) {
  const Scenario sc = load_scenario_string(R"(
[society]
persons = 100
[graph]
mean_degree = 4
[systems.xiamen]
type = "points"
replace_catalog = true
[systems.xiamen.catalog]
volunteering = 10
blood_donation = 20
)", "x.toml", {});
  const auto& s = sc.systems[0].as<PointsSpec>();
  ASSERT_EQ(s.catalog.size(), 2u);
  for (const auto& e : s.catalog) EXPECT_GT(e.delta, 0);
}

TEST(Points, CatalogNamesMustBeEventTypes) {
  try {
    load_scenario_string("[society]\npersons = 100\n[graph]\nmean_degree = 4\n[systems.c]\ntype = \"points\"\n"
                         "[systems.c.catalog]\ntrafic_ticket = -5\n",
                         "x.toml", {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("x.toml:8:"), std::string::npos) << m;
    EXPECT_NE(m.find("systems.c.catalog.trafic_ticket"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'traffic_ticket'?"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

TEST(SharingMatrix, ASystemReadsOnlyTheDomainsInItsRow) {
  World w(4);
  PointsSpec s = rongcheng();
  s.warning_first = false;
  Points p("city", s, 4);
  p.set_sees(1u << static_cast<int>(Domain::kTraffic));  // only traffic data is shared with the city
  p.initialise(w.ctx());
  w.step(p, {{0, "traffic_ticket"}, {1, "utility_theft"}, {2, "heroic_act"}});
  EXPECT_EQ(p.balance()[0], 995.0f);   // traffic: seen
  EXPECT_EQ(p.balance()[1], 1000.0f);  // utilities: not shared
  EXPECT_EQ(p.balance()[2], 1000.0f);  // civic: not shared
}

TEST(SharingMatrix, ScenarioRowsAndDefaults) {
  const Scenario sc = load_scenario_string(R"(
[society]
persons = 100
[graph]
mean_degree = 4
[systems.op]
type = "composite"
[systems.city]
type = "points"
sees = ["traffic", "civic"]
)", "x.toml", {});
  auto bit = [](Domain d) { return 1u << static_cast<int>(d); };
  EXPECT_EQ(sc.systems[0].sees, bit(Domain::kFinance) | bit(Domain::kShopping) | bit(Domain::kGaming) | bit(Domain::kSocial));
  EXPECT_EQ(sc.systems[1].sees, bit(Domain::kTraffic) | bit(Domain::kCivic));
  try {
    load_scenario_string("[society]\npersons = 100\n[graph]\nmean_degree = 4\n[systems.c]\ntype = \"points\"\nsees = [\"trafic\"]\n",
                         "x.toml", {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("x.toml:7:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'trafic' is not a data domain"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace credsim
