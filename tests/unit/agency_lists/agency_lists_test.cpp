// Agency lists: hand-computed black-list windows and terms, the three-fields rule, red lists,
// wrongful listings and deletion on appeal, the spec reader, and the preset (short run,
// determinism across thread counts).
#include "credsim/systems/agency_lists.hpp"

#include <gtest/gtest.h>

#include "preset_run.hpp"

#include "ledger_world.hpp"
#include <omp.h>

#include <fstream>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/reader.hpp"
#include "credsim/scenario/scenario.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

using World = test::LedgerWorld;

AgencySpec agency(std::string name, std::vector<std::string> watch, std::uint32_t n, Tick window, Tick term) {
  AgencySpec a;
  a.name = std::move(name);
  a.watch = std::move(watch);
  a.black_count = n;
  a.black_window = window;
  a.black_ticks = term;
  return a;
}

AgencyListsSpec spec_of(std::vector<AgencySpec> agencies, std::uint32_t big_fields = 0) {
  AgencyListsSpec s;
  s.agencies = std::move(agencies);
  s.big_data_fields = big_fields;
  return s;
}

TEST(AgencyLists, ExactlyNRecordsInTheWindowList) {
  World w(10);
  // Three recorded tickets within 4 ticks (t−4, t] → black list for 5 ticks.
  AgencyLists s("agencies", spec_of({agency("traffic", {"traffic_ticket"}, 3, 4, 5)}), 10);
  s.initialise(w.ctx());
  const std::string tk = "traffic_ticket";
  w.step(s, {{0, tk}, {1, tk}, {2, tk}});                       // tick 1
  w.step(s, {{0, tk}, {1, tk}, {2, tk}, {3, tk}});              // tick 2
  w.step(s, {{0, tk}, {3, tk}});                                 // tick 3: person 0 has 3 → listed
  EXPECT_EQ(s.listed()[0], 1);
  EXPECT_EQ(s.grade()[0], AgencyLists::kBlack);
  EXPECT_EQ(s.listed()[1], 0);  // N − 1 = 2 records: not listed
  EXPECT_EQ(s.grade()[1], AgencyLists::kWarning);
  EXPECT_EQ(s.listed()[3], 0);
  w.step(s, {});                                                 // tick 4
  w.step(s, {{2, tk}, {3, tk}});                                 // tick 5
  // Person 2: ticks 1, 2, 5 — tick 1 has left the window (1 + 4 ≤ 5): 2 records, not listed.
  EXPECT_EQ(s.listed()[2], 0);
  // Person 3: ticks 2, 3, 5 all inside (1, 5]: listed.
  EXPECT_EQ(s.listed()[3], 1);
  EXPECT_EQ(s.entries(0), 2u);
}

TEST(AgencyLists, ListingExpiresAfterItsTerm) {
  World w(4);
  AgencyLists s("agencies", spec_of({agency("tax", {"tax_evasion"}, 1, 52, 3)}), 4);
  s.initialise(w.ctx());
  w.step(s, {{1, "tax_evasion"}});  // tick 1: listed for ticks 1, 2, 3
  EXPECT_EQ(s.listed()[1], 1);
  w.step(s, {});
  w.step(s, {});
  EXPECT_EQ(s.listed()[1], 1);
  w.step(s, {});  // tick 4: the term is over
  EXPECT_EQ(s.listed()[1], 0);
  EXPECT_FALSE(s.black_in(1, 0, 4));
}

// Per-person state is sparse (a "party" per person with a kept record, listing or warning):
// a party exists exactly while something of the person lasts, is freed afterwards, and a party
// created again behaves as if the person had never been listed.
TEST(AgencyLists, PartiesLastExactlyWhileSomethingOfThePersonDoes) {
  World w(5);
  AgencyListsSpec sp = spec_of({agency("tax", {"tax_evasion"}, 1, 2, 3)});
  sp.warning_ticks = 2;
  sp.big_data_ticks = 1;  // the longest term is then the tax list's 3 ticks
  AgencyLists s("agencies", sp, 5);
  s.initialise(w.ctx());
  EXPECT_EQ(s.parties(), 0u);
  w.step(s, {{1, "tax_evasion"}, {3, "tax_evasion"}});  // tick 1: both listed for ticks 1..3
  EXPECT_EQ(s.parties(), 2u);
  EXPECT_EQ(s.listing_blocks(), 2u);  // listing terms only for the listed
  EXPECT_TRUE(s.black_in(1, 0, 1));
  EXPECT_FALSE(s.black_in(0, 0, 1));  // no party: nothing listed, warned or wrongful
  EXPECT_FALSE(s.warned_in(0, 0, 1));
  EXPECT_FALSE(s.wrongful_in(0, 0));
  // Records are kept for black_window + the longest term = 2 + 3 ticks: (tick 1) + 5 ≤ t from tick 6.
  for (int k = 0; k < 4; ++k) w.step(s, {});  // ticks 2..5
  EXPECT_EQ(s.listed()[1], 0);                 // the term ended at tick 4
  EXPECT_EQ(s.parties(), 2u);                  // the records are still kept
  EXPECT_EQ(s.listing_blocks(), 0u);           // but no listing terms
  EXPECT_FALSE(s.wrongful_in(1, 0));
  w.step(s, {});                               // tick 6: nothing of them lasts
  EXPECT_EQ(s.parties(), 0u);
  EXPECT_EQ(s.grade()[1], AgencyLists::kClear);
  w.step(s, {{3, "tax_evasion"}});             // tick 7: a new party (the freed slot), a new entry
  EXPECT_EQ(s.parties(), 1u);
  EXPECT_EQ(s.listing_blocks(), 1u);
  EXPECT_EQ(s.listed()[3], 1);
  EXPECT_TRUE(s.black_in(3, 0, 7));
  EXPECT_FALSE(s.black_in(1, 0, 7));
  EXPECT_EQ(s.entries(0), 3u);
}

TEST(AgencyLists, WarningsInThreeFieldsBlackList) {
  World w(6);
  AgencyListsSpec sp = spec_of({agency("tax", {"tax_evasion"}, 0, 52, 52), agency("traffic", {"traffic_ticket"}, 0, 52, 52),
                                agency("transport", {"fare_evasion"}, 0, 52, 52)},
                               3);
  sp.warning_ticks = 4;
  sp.big_data_ticks = 10;
  AgencyLists s("agencies", sp, 6);
  s.initialise(w.ctx());
  w.step(s, {{0, "tax_evasion"}, {1, "tax_evasion"}, {2, "traffic_ticket"}});  // tick 1
  w.step(s, {{0, "traffic_ticket"}, {1, "traffic_ticket"}, {2, "traffic_ticket"}});  // tick 2
  EXPECT_EQ(s.grade()[0], AgencyLists::kWarning);
  w.step(s, {{0, "fare_evasion"}, {2, "traffic_ticket"}});  // tick 3
  // Person 0: tax, traffic, transport warnings at once → black (three-fields rule).
  EXPECT_EQ(s.listed()[0], 1);
  EXPECT_TRUE(s.black_in(0, 3, 3));  // slot 3 = three-fields list
  EXPECT_EQ(s.grade()[0], AgencyLists::kBlack);
  // Person 2: three records in one field → only a warning.
  EXPECT_EQ(s.listed()[2], 0);
  EXPECT_EQ(s.grade()[2], AgencyLists::kWarning);
  w.step(s, {});
  w.step(s, {{1, "fare_evasion"}});  // tick 5: person 1's tax warning (tick 1 + 4) has lapsed
  EXPECT_EQ(s.listed()[1], 0);
  EXPECT_EQ(s.grade()[1], AgencyLists::kWarning);
  EXPECT_EQ(s.entries(3), 1u);
  for (int k = 0; k < 7; ++k) w.step(s, {});  // tick 12: listed for ticks 3 … 12
  EXPECT_EQ(s.listed()[0], 1);
  w.step(s, {});  // tick 13
  EXPECT_EQ(s.listed()[0], 0);
  EXPECT_EQ(s.grade()[0], AgencyLists::kClear);
}

TEST(AgencyLists, RedListNeedsCleanRecordAndCivicRecords) {
  World w(6);
  AgencySpec a = agency("civilisation", {"jaywalking"}, 0, 52, 52);
  a.red_window = 4;
  a.red_min_positive = 2;
  a.red_positive = {"charity", "volunteering"};
  AgencyLists s("agencies", spec_of({a}), 6);
  s.initialise(w.ctx());
  EXPECT_EQ(s.red()[0], 0);
  w.step(s, {{0, "charity"}, {1, "charity"}, {2, "charity"}, {3, "blood_donation"}});  // tick 1
  w.step(s, {{0, "volunteering"}, {2, "volunteering"}, {3, "blood_donation"}});       // tick 2
  EXPECT_EQ(s.red()[0], 1);  // two civic records, no negative record
  EXPECT_EQ(s.grade()[0], AgencyLists::kRed);
  EXPECT_EQ(s.red()[1], 0);  // one civic record only
  EXPECT_EQ(s.red()[3], 0);  // blood donation does not count for this list
  w.step(s, {{2, "jaywalking"}});                                                      // tick 3
  EXPECT_EQ(s.red()[2], 0);  // a negative record in the window
  EXPECT_EQ(s.grade()[2], AgencyLists::kWarning);
  EXPECT_EQ(s.red()[0], 1);
  w.step(s, {});  // tick 4: charity at tick 1 still in (0, 4]
  EXPECT_EQ(s.red()[0], 1);
  w.step(s, {});  // tick 5: charity left the window
  EXPECT_EQ(s.red()[0], 0);
}

TEST(AgencyLists, WrongfulListingsCountedAndDeletedOnAppeal) {
  const NodeId n = 20000;
  World w(n);
  auto& t = w.sc.events.mutable_types()[*w.sc.events.find("late_utility_fee")];
  t.false_rate = 0.01;
  w.sc.data.notify_prob = 1;
  w.sc.data.appeal_prob = 1;
  w.sc.data.appeal_success = 1;
  w.sc.data.appeal_delay = 2;
  AgencyLists s("agencies", spec_of({agency("utilities", {"late_utility_fee"}, 1, 52, 100)}), n);
  s.initialise(w.ctx());
  w.step(s, {{5, "late_utility_fee"}});  // one true record and ~200 false ones
  t.false_rate = 0;
  std::size_t listed = 0;
  for (NodeId i = 0; i < n; ++i) listed += s.listed()[i];
  ASSERT_GT(listed, 100u);
  EXPECT_EQ(s.entries(0), listed);
  EXPECT_EQ(s.wrongful_entries(), listed - 1);  // all but person 5's
  EXPECT_FALSE(s.wrongful_in(5, 0));
  w.step(s, {});
  w.step(s, {});  // tick 3: every appeal succeeds, the listings they carried are deleted
  std::size_t still = 0;
  for (NodeId i = 0; i < n; ++i) still += s.listed()[i];
  EXPECT_EQ(still, 1u);
  EXPECT_EQ(s.listed()[5], 1);
  EXPECT_EQ(s.delisted_on_appeal(), listed - 1);
}

TEST(AgencyLists, ReaderMergesDefaultsAndChecksEventNames) {
  const Scenario sc = load_scenario_string(R"(
[society]
persons = 100
[graph]
mean_degree = 4
[systems.agencies]
type = "agency_lists"
warning_ticks = 13
[systems.agencies.agencies.tax]
black_count = 2
[systems.agencies.agencies.cyberspace]
watch = ["unapproved_post"]
black_count = 5
[systems.agencies.agencies.environment]
watch_domains = ["utilities"]
)", "x.toml", {});
  const auto& s = sc.systems[0].as<AgencyListsSpec>();
  EXPECT_EQ(s.warning_ticks, 13u);
  ASSERT_EQ(s.agencies.size(), 9u);  // 7 defaults + 2 new
  EXPECT_EQ(s.agencies[0].name, "tax");
  EXPECT_EQ(s.agencies[0].black_count, 2u);
  EXPECT_EQ(s.agencies[7].name, "cyberspace");
  const auto& env = s.agencies[8].watch;
  EXPECT_NE(std::find(env.begin(), env.end(), "late_utility_fee"), env.end());
  EXPECT_NE(std::find(env.begin(), env.end(), "utility_theft"), env.end());
  try {
    load_scenario_string("[society]\npersons = 100\n[graph]\nmean_degree = 4\n[systems.a]\ntype = \"agency_lists\"\n"
                         "[systems.a.agencies.x]\nwatch = [\"tax_evsion\"]\n",
                         "x.toml", {});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("systems.a.agencies.x.watch"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'tax_evasion'?"), std::string::npos) << m;
  }
}

using test::slurp;

std::string run_preset(const std::filesystem::path& dir, int threads) {
  return test::run_preset_metrics("agency_lists", {"society.persons=5000", "run.ticks=8"}, dir, threads);
}

TEST(AgencyLists, PresetRunsAndIsTheSameForOneAndTwoThreads) {
  test::TempDir tmp("agency");
  const int before = omp_get_max_threads();
  const std::string one = run_preset(tmp.path() / "t1", 1);
  const std::string two = run_preset(tmp.path() / "t2", 2);
  omp_set_num_threads(before);
  ASSERT_GT(one.size(), 1000u);
  EXPECT_TRUE(one == two) << "metrics.csv differs between 1 and 2 threads";
  EXPECT_NE(one.find("agencies,black_share"), std::string::npos);
  EXPECT_NE(one.find("three_fields_share"), std::string::npos);
  EXPECT_NE(one.find("consequences,effect_share"), std::string::npos);
}

}  // namespace
}  // namespace credsim
