// Tests of the scenario schema (scenario.cpp): the preset loads as stated, defaults are applied and
// resolved, and every class of bad input is an InputError naming file, line, column, key and expectation.
#include "credsim/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "credsim/core/error.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

// gmock is not linked, so substring checks print the whole message themselves.

// The smallest valid scenario: everything else takes its default.
const std::string kSystem = "[systems.sesame]\ntype = \"composite\"\n";

// Loads `text` (as "t.toml") and returns the InputError it must raise.
InputError load_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_string(text, "t.toml", overrides);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return InputError(SourcePos{}, "", "none");
}

std::string default_toml() { return std::string(CREDSIM_SOURCE_DIR) + "/scenarios/default.toml"; }

// ---- valid input -----------------------------------------------------------------------------

TEST(Scenario, DefaultPresetHasTheValuesItStates) {
  const Scenario sc = load_scenario(default_toml(), {});
  EXPECT_EQ(sc.society.persons, 100000u);
  EXPECT_EQ(sc.run.ticks, 52u);
  EXPECT_EQ(sc.run.seed, 20261122u);
  EXPECT_EQ(sc.run.name, "default");
  EXPECT_EQ(sc.society.region_weights.size(), 8u);
  EXPECT_EQ(sc.society.businesses, 2000u);
  EXPECT_EQ(sc.graph.model, GraphModel::kStochasticBlock);
  EXPECT_DOUBLE_EQ(sc.graph.mean_degree, 12);
  ASSERT_EQ(sc.systems.size(), 1u);
  EXPECT_EQ(sc.systems[0].name, "sesame");
  const std::array<double, 5> w{35, 25, 15, 20, 5};
  EXPECT_EQ(sc.systems[0].as<CompositeSpec>().weights, w);
  EXPECT_EQ(sc.systems[0].as<CompositeSpec>().recompute_every, 4u);
  EXPECT_DOUBLE_EQ(sc.systems[0].as<CompositeSpec>().privileges.instant_loan, 5600);
  EXPECT_EQ(sc.source, default_toml());
}

TEST(Scenario, DefaultsAreAppliedAndResolved) {
  const Scenario sc = load_scenario_string(kSystem, "my-file.toml", {});
  // The struct defaults (scenario.hpp) and the loader defaults (scenario.cpp) agree.
  const CompositeSpec def;
  EXPECT_EQ(sc.society.persons, 100000u);
  EXPECT_EQ(sc.run.ticks, 52u);
  EXPECT_EQ(sc.run.seed, 1u);
  EXPECT_EQ(sc.society.region_weights, std::vector<double>(8, 1.0));
  EXPECT_EQ(sc.graph.model, GraphModel::kStochasticBlock);
  EXPECT_EQ(sc.systems.at(0).as<CompositeSpec>().weights, def.weights);
  EXPECT_EQ(sc.systems.at(0).as<CompositeSpec>().privileges.thresholds, def.privileges.thresholds);
  EXPECT_TRUE(sc.systems.at(0).as<CompositeSpec>().expected_history);
  // The run name comes from the file name, made into an identifier.
  EXPECT_EQ(sc.run.name, "my_file");

  const auto j = nlohmann::json::parse(sc.resolved_json);
  EXPECT_EQ(j["run"]["name"], "my_file");
  EXPECT_EQ(j["run"]["ticks"], 52);
  EXPECT_EQ(j["run"]["seed"], 1);
  EXPECT_EQ(j["run"]["measure_every"], 1);
  EXPECT_EQ(j["society"]["persons"], 100000);
  EXPECT_EQ(j["society"]["regions"], 8);
  EXPECT_EQ(j["society"]["education_shares"].size(), 4u);
  EXPECT_EQ(j["graph"]["model"], "stochastic_block");
  EXPECT_EQ(j["graph"]["mean_degree"], 10.0);
  EXPECT_EQ(j["graph"]["within_region"], 0.8);
  EXPECT_EQ(j["behaviour"]["miss_prob"], 0.05);
  EXPECT_EQ(j["systems"]["sesame"]["type"], "composite");
  EXPECT_EQ(j["systems"]["sesame"]["initial_history"], "expected");
  EXPECT_EQ(j["systems"]["sesame"]["weights"]["credit_history"], 35.0);
  EXPECT_EQ(j["systems"]["sesame"]["weights"]["relationships"], 5.0);
  EXPECT_EQ(j["systems"]["sesame"]["privileges"]["thresholds"], nlohmann::json({600.0, 650.0, 700.0, 750.0}));
  EXPECT_EQ(j["systems"]["sesame"]["detection"]["posts"], 0.6);
  EXPECT_EQ(j["measure"]["histogram_bin"], 25.0);
}

TEST(Scenario, SystemsInFileOrderThenFromSet) {
  const Scenario sc = load_scenario_string(
      "[systems.zeta]\ntype = \"composite\"\n[systems.alpha]\ntype = \"composite\"\n", "t.toml",
      {"systems.extra.type=composite"});
  ASSERT_EQ(sc.systems.size(), 3u);
  EXPECT_EQ(sc.systems[0].name, "zeta");
  EXPECT_EQ(sc.systems[1].name, "alpha");
  EXPECT_EQ(sc.systems[2].name, "extra");
}

TEST(Scenario, OverrideBeatsTheFileAndIsResolved) {
  const Scenario sc = load_scenario(default_toml(), {"society.persons=5000", "systems.sesame.weights.identity=0"});
  EXPECT_EQ(sc.society.persons, 5000u);
  EXPECT_EQ(sc.systems.at(0).as<CompositeSpec>().weights[2], 0.0);
  const auto j = nlohmann::json::parse(sc.resolved_json);
  EXPECT_EQ(j["society"]["persons"], 5000);
  EXPECT_EQ(j["systems"]["sesame"]["weights"]["identity"], 0.0);
}

TEST(Scenario, OverridesApplyInOrderLaterWins) {
  const Scenario sc = load_scenario(default_toml(), {"run.ticks=10", "run.ticks=20", "graph.mean_degree=6"});
  EXPECT_EQ(sc.run.ticks, 20u);
  EXPECT_DOUBLE_EQ(sc.graph.mean_degree, 6);
  EXPECT_EQ(nlohmann::json::parse(sc.resolved_json)["run"]["ticks"], 20);
}

TEST(Scenario, EdgeListTakesPathAndNoPersons) {
  const Scenario sc = load_scenario_string("[graph]\nmodel = \"edge_list\"\npath = \"g.txt.gz\"\n" + kSystem, "t.toml", {});
  EXPECT_EQ(sc.graph.model, GraphModel::kEdgeList);
  EXPECT_EQ(sc.graph.path, "g.txt.gz");
}

TEST(Scenario, RegionWeightsInsteadOfRegions) {
  const Scenario sc = load_scenario_string("[society]\nregion_weights = [3, 2, 1]\n" + kSystem, "t.toml", {});
  EXPECT_EQ(sc.society.region_weights, (std::vector<double>{3, 2, 1}));
}

// ---- bad input: each message names file, line, column, full key and the expectation ----------

TEST(ScenarioError, UnknownTopLevelSection) {
  const auto e = load_error(kSystem + "[sociey]\npersons = 1000\n");
  EXPECT_CONTAINS(e.what(), "t.toml:3:");
  EXPECT_CONTAINS(e.what(), "key 'sociey': unknown key (did you mean 'society'?)");
  EXPECT_CONTAINS(e.what(), "expected one of the top-level keys: adapt, behaviour, consequences, data, effects, events, graph, measure, run, society, systems");
}

TEST(ScenarioError, UnknownKeyInWeightsSuggests) {
  const auto e = load_error(kSystem + "[systems.sesame.weights]\ncredit_history = 30\ncredit_histroy = 30\n");
  EXPECT_CONTAINS(e.what(), "t.toml:5:1: key 'systems.sesame.weights.credit_histroy': unknown key (did you mean 'credit_history'?)");
  EXPECT_CONTAINS(e.what(), "expected one of the keys of [systems.sesame.weights]: behaviour, credit_history, "
                            "fulfilment_capacity, identity, relationships");
  EXPECT_CONTAINS(e.what(), "Fix: rename it to 'credit_history'");
}

TEST(ScenarioError, WrongTypeStringForNumber) {
  auto e = load_error("[graph]\nmean_degree = \"ten\"\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:15: key 'graph.mean_degree': wrong type; expected a number (got string \"ten\")");
  e = load_error("[society]\npersons = \"1000\"\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:11: key 'society.persons': wrong type; expected an integer (got string \"1000\")");
  e = load_error(kSystem + "data_exchange = \"yes\"\n");
  EXPECT_CONTAINS(e.what(), "t.toml:3:17: key 'systems.sesame.data_exchange': wrong type; expected true or false");
}

TEST(ScenarioError, OutOfRange) {
  auto e = load_error("[society]\npersons = -5\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:11: key 'society.persons': out of range: -5; expected an integer in [2, 4294967294]");
  e = load_error("[graph]\nwithin_region = 1.5\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:17: key 'graph.within_region': out of range: 1.5; expected a number in [0, 1]");
  e = load_error("[behaviour]\nmiss_prob = 1.2\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:13: key 'behaviour.miss_prob': out of range: 1.2; expected a number in [0, 1]");
  e = load_error(kSystem + "[systems.sesame.detection]\nposts = 1.01\n");
  EXPECT_CONTAINS(e.what(), "t.toml:4:9: key 'systems.sesame.detection.posts': out of range: 1.01; expected a number in [0, 1]");
  // A single person cannot form a society.
  e = load_error("[society]\npersons = 1\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "key 'society.persons': out of range: 1");
}

TEST(ScenarioError, NaNAndInfinity) {
  // nan and inf are valid TOML floats, so only the schema can refuse them.
  auto e = load_error("[behaviour]\nmiss_prob = nan\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:13: key 'behaviour.miss_prob': not a finite number");
  EXPECT_CONTAINS(e.what(), "expected a number in [0, 1]");
  e = load_error("[society]\nwealth_median = inf\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:17: key 'society.wealth_median': not a finite number: inf");
  e = load_error("[society]\nage_shares = [0.2, nan, 0.2, 0.2, 0.2]\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:20: key 'society.age_shares[1]': not a finite number");
}

TEST(ScenarioError, FloatWhereIntExpected) {
  const auto e = load_error("[run]\nticks = 2.5\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:9: key 'run.ticks': wrong type; expected an integer (got float 2.5)");
  EXPECT_CONTAINS(e.what(), "Fix: write a whole number without a decimal point");
  // 52.0 is still a float: TOML keeps the distinction, and so does the schema.
  EXPECT_CONTAINS(load_error("[run]\nticks = 52.0\n" + kSystem).what(), "(got float 52.0)");
}

TEST(ScenarioError, BadChoiceListsTheChoices) {
  auto e = load_error("[graph]\nmodel = \"small_world\"\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:9: key 'graph.model': unknown value \"small_world\"; expected one of: erdos_renyi, "
                            "watts_strogatz, barabasi_albert, stochastic_block, edge_list");
  e = load_error("[graph]\nmodel = \"erdos_renyl\"\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "(did you mean 'erdos_renyi'?)");
  e = load_error(kSystem + "initial_history = \"full\"\n");
  EXPECT_CONTAINS(e.what(), "t.toml:3:19: key 'systems.sesame.initial_history': unknown value \"full\"; expected one of: expected, empty");
}

TEST(ScenarioError, MissingSystemType) {
  const auto e = load_error("[systems.sesame]\nrecompute_every = 4\n");
  EXPECT_CONTAINS(e.what(), "t.toml:1:");
  EXPECT_CONTAINS(e.what(), "key 'systems.sesame.type': missing required key; expected one of: composite");
  EXPECT_CONTAINS(e.what(), "Fix: add 'type = ...' to [systems.sesame] of t.toml");
}

TEST(ScenarioError, SystemTypeNotComposite) {
  const auto e = load_error("[systems.sesame]\ntype = \"rongcheng\"\n");
  EXPECT_CONTAINS(e.what(), "t.toml:2:8: key 'systems.sesame.type': unknown value \"rongcheng\"; expected one of: composite");
}

TEST(ScenarioError, NoSystemsAtAll) {
  auto e = load_error("[run]\nticks = 5\n");
  EXPECT_CONTAINS(e.what(), "t.toml: key 'systems': no scoring system is defined; expected at least one [systems.NAME] table");
  EXPECT_CONTAINS(e.what(), "Fix: add e.g. [systems.sesame] with type = \"composite\"");
  // An empty [systems] table is the same mistake, and has a line to point at.
  e = load_error("[run]\nticks = 5\n[systems]\n");
  EXPECT_CONTAINS(e.what(), "t.toml:3:");
  EXPECT_CONTAINS(e.what(), "key 'systems': no scoring system is defined");
}

TEST(ScenarioError, SystemNameNotAnIdentifier) {
  auto e = load_error("[systems.\"my sesame\"]\ntype = \"composite\"\n");
  EXPECT_CONTAINS(e.what(), "t.toml:1:");
  EXPECT_CONTAINS(e.what(), "key 'systems.\"my sesame\"': system name 'my sesame' is not an identifier; expected letters, digits and '_'");
  // '-' is fine in a TOML bare key but not in an output column name.
  e = load_error("[systems.my-sesame]\ntype = \"composite\"\n");
  EXPECT_CONTAINS(e.what(), "key 'systems.my-sesame': system name 'my-sesame' is not an identifier");
}

TEST(ScenarioError, RunNameNotAnIdentifier) {
  const auto e = load_error("[run]\nname = \"my run\"\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:8: key 'run.name': 'my run' cannot name an output folder; expected letters, digits and '_'");
}

TEST(ScenarioError, EdgeListWithPersonsConflicts) {
  const auto e = load_error("[graph]\nmodel = \"edge_list\"\npath = \"g.txt\"\n[society]\npersons = 1000\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:5:11: key 'society.persons': conflicting settings: graph.model = \"edge_list\" takes "
                            "the number of persons from the file; expected no society.persons with an edge list");
}

TEST(ScenarioError, RegionsAndRegionWeightsConflict) {
  const auto e = load_error("[society]\nregions = 3\nregion_weights = [1, 2, 3]\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:11: key 'society.regions': conflicting settings: both regions and region_weights "
                            "are given; expected one of them");
}

TEST(ScenarioError, EdgeListWithoutPath) {
  const auto e = load_error("[graph]\nmodel = \"edge_list\"\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:1:");
  EXPECT_CONTAINS(e.what(), "key 'graph.path': missing required key; expected a string");
  EXPECT_CONTAINS(e.what(), "--set graph.path=...");
}

TEST(ScenarioError, WattsStrogatzAndBarabasiAlbertNeedEvenDegree) {
  auto e = load_error("[graph]\nmodel = \"watts_strogatz\"\nmean_degree = 5\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:3:15: key 'graph.mean_degree': Watts–Strogatz needs an even whole mean degree; expected 2, 4, 6, ...");
  e = load_error("[graph]\nmodel = \"watts_strogatz\"\nmean_degree = 4.5\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "key 'graph.mean_degree': Watts–Strogatz needs an even whole mean degree");
  e = load_error("[graph]\nmodel = \"barabasi_albert\"\nmean_degree = 7\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:3:15: key 'graph.mean_degree': Barabási–Albert adds mean_degree/2 ties per new person; "
                            "expected an even whole number >= 2");
  e = load_error("[graph]\nmodel = \"barabasi_albert\"\nmean_degree = 0\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "key 'graph.mean_degree': Barabási–Albert");
  // Even degrees pass.
  EXPECT_NO_THROW(load_scenario_string("[graph]\nmodel = \"watts_strogatz\"\nmean_degree = 4\n" + kSystem, "t.toml", {}));
  EXPECT_NO_THROW(load_scenario_string("[graph]\nmodel = \"barabasi_albert\"\nmean_degree = 6.0\n" + kSystem, "t.toml", {}));
}

TEST(ScenarioError, MeanDegreeMustBeBelowPersonsMinusOne) {
  auto e = load_error("[society]\npersons = 10\n[graph]\nmean_degree = 9\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:4:15: key 'graph.mean_degree': mean degree 9 is not below society.persons − 1 = 9; "
                            "expected a mean degree < society.persons − 1");
  // The default mean degree (10) counts too; the message gives both numbers.
  e = load_error("[society]\npersons = 5\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "key 'graph.mean_degree': mean degree 10 is not below society.persons − 1 = 4");
  EXPECT_NO_THROW(load_scenario_string("[society]\npersons = 10\n[graph]\nmean_degree = 8.5\n" + kSystem, "t.toml", {}));
}

TEST(Scenario, PresetSwitchesGraphModelByOneOverride) {
  for (const char* m : {"erdos_renyi", "watts_strogatz", "barabasi_albert", "stochastic_block"})
    EXPECT_NO_THROW(load_scenario(default_toml(), {std::string("graph.model=") + m})) << m;
  const Scenario sc = load_scenario(default_toml(), {"graph.model=watts_strogatz", "graph.rewire=0.05"});
  EXPECT_EQ(sc.graph.model, GraphModel::kWattsStrogatz);
  EXPECT_DOUBLE_EQ(sc.graph.rewire, 0.05);
}

TEST(ScenarioError, PathWithoutEdgeListConflicts) {
  const auto e = load_error("[graph]\nmodel = \"erdos_renyi\"\npath = \"g.txt\"\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:3:8: key 'graph.path': conflicting settings");
}

TEST(ScenarioError, ThresholdsMustAscend) {
  const auto e = load_error(kSystem + "[systems.sesame.privileges]\nthresholds = [600, 700, 650, 750]\n");
  EXPECT_CONTAINS(e.what(), "t.toml:4:14: key 'systems.sesame.privileges.thresholds': thresholds must not decrease; "
                            "expected four scores in ascending order");
  // Outside the score range 350-950 is a range error on the element.
  EXPECT_CONTAINS(load_error(kSystem + "[systems.sesame.privileges]\nthresholds = [300, 650, 700, 750]\n").what(),
                  "key 'systems.sesame.privileges.thresholds[0]': out of range: 300; expected a number in [350, 950]");
}

TEST(ScenarioError, AllWeightsZero) {
  const auto e = load_error(kSystem +
                            "[systems.sesame.weights]\ncredit_history = 0\nfulfilment_capacity = 0\nidentity = 0\n"
                            "behaviour = 0\nrelationships = 0\n");
  EXPECT_CONTAINS(e.what(), "t.toml:3:");
  EXPECT_CONTAINS(e.what(), "key 'systems.sesame.weights': all five weights are zero; expected at least one positive weight");
}

TEST(ScenarioError, SharesOfWrongLengthOrAllZero) {
  auto e = load_error("[society]\neducation_shares = [0.5, 0.5]\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:20: key 'society.education_shares': wrong length: 2 elements; "
                            "expected an array of 4 numbers, each a number >= 0");
  e = load_error("[society]\nage_shares = [0, 0, 0, 0, 0]\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:2:14: key 'society.age_shares': all shares are zero; expected at least one positive share");
  e = load_error("[society]\nregion_weights = [0, 0]\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "key 'society.region_weights': all weights are zero");
}

TEST(ScenarioError, PriorsSumToZero) {
  const auto e = load_error(kSystem + "[systems.sesame.credit_history]\nprior_good = 0\nprior_bad = 0\n");
  EXPECT_CONTAINS(e.what(), "t.toml:4:14: key 'systems.sesame.credit_history.prior_good': prior_good + prior_bad is zero");
}

TEST(ScenarioError, SectionThatIsNotATable) {
  const auto e = load_error("graph = 3\n" + kSystem);
  EXPECT_CONTAINS(e.what(), "t.toml:1:9: key 'graph': wrong type; expected a table (got integer 3)");
}

TEST(ScenarioError, FileErrorsNameThePath) {
  test::TempDir tmp("scenario");
  const auto path = (tmp.path() / "bad.toml").string();
  std::ofstream(path) << kSystem << "[run]\nticks = 0\n";
  try {
    load_scenario(path, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), path + ":4:9: key 'run.ticks': out of range: 0; expected an integer in [1, 10000000]");
  }
  try {
    load_scenario((tmp.path() / "absent.toml").string(), {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(e.what(), (tmp.path() / "absent.toml").string() + ": scenario file not found");
  }
}

// ---- bad overrides name the --set they came from ----------------------------------------------

TEST(ScenarioOverride, UnknownKeyNamesTheSet) {
  const auto e = load_error(kSystem, {"run.ticks=5", "society.persns=1000"});
  EXPECT_CONTAINS(e.what(), "--set #2 'society.persns=1000': key 'society.persns': unknown key (did you mean 'persons'?)");
}

TEST(ScenarioOverride, WrongTypeNamesTheSet) {
  const auto e = load_error(kSystem, {"run.ticks=ten"});
  EXPECT_CONTAINS(e.what(), "--set #1 'run.ticks=ten': key 'run.ticks': wrong type; expected an integer (got string \"ten\")");
}

TEST(ScenarioOverride, OutOfRangeNamesTheSet) {
  const auto e = load_error(kSystem, {"graph.within_region=1.5"});
  EXPECT_CONTAINS(e.what(), "--set #1 'graph.within_region=1.5': key 'graph.within_region': out of range: 1.5; expected a number in [0, 1]");
}

TEST(ScenarioOverride, NoEqualsSign) {
  const auto e = load_error(kSystem, {"run.ticks"});
  EXPECT_CONTAINS(e.what(), "--set #1 'run.ticks': override has no '='; expected key.path=value");
}

TEST(ScenarioOverride, ConflictCreatedBySetNamesTheSet) {
  const auto e = load_error("[society]\nregions = 3\n" + kSystem, {"society.region_weights=[1, 2]"});
  EXPECT_CONTAINS(e.what(), "t.toml:2:11: key 'society.regions': conflicting settings");
  const auto e2 = load_error(kSystem, {"graph.model=edge_list", "graph.path=\"g.txt\"", "society.persons=50"});
  EXPECT_CONTAINS(e2.what(), "--set #3 'society.persons=50': key 'society.persons': conflicting settings");
}

TEST(ScenarioOverride, PathNeedsTomlQuotes) {
  // Only a single word is taken as a string without quotes; a file name with a dot is not one,
  // and the message says how to quote it. (apps/credsim/main.cpp's run --help shows an unquoted
  // --set graph.path=g.txt.gz, which this refuses.)
  const auto e = load_error(kSystem, {"graph.model=edge_list", "graph.path=g.txt"});
  EXPECT_CONTAINS(e.what(), "--set #2 'graph.path=g.txt': key 'graph.path': value 'g.txt' is not valid TOML");
  EXPECT_CONTAINS(e.what(), "--set 'graph.path=\"my text\"'");
  const Scenario sc = load_scenario_string(kSystem, "t.toml", {"graph.model=edge_list", "graph.path=\"g.txt\""});
  EXPECT_EQ(sc.graph.path, "g.txt");
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

TEST(Scenario, EdgeListPathIsRelativeToTheScenarioFile) {
  test::TempDir tmp("relpath");
  std::filesystem::create_directories(tmp.path() / "sub");
  std::ofstream(tmp.path() / "sub" / "s.toml") << "[graph]\nmodel = \"edge_list\"\npath = \"g.txt\"\n"
                                                   "[systems.s]\ntype = \"composite\"\n";
  const Scenario sc = load_scenario((tmp.path() / "sub" / "s.toml").string(), {});
  EXPECT_EQ(sc.graph.path, (tmp.path() / "sub" / "g.txt").lexically_normal().string());
  // Absolute paths and in-memory scenarios keep the path as given.
  EXPECT_EQ(load_scenario_string("[graph]\nmodel = \"edge_list\"\npath = \"/x/g.txt\"\n[systems.s]\ntype = \"composite\"\n",
                                 "m.toml", {})
                .graph.path,
            "/x/g.txt");
}

}  // namespace
}  // namespace credsim
