// credsim explain: the account as text and JSON (documented fields), and clear errors.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "credsim/core/error.hpp"
#include "credsim/explain/explain.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {
using Json = nlohmann::ordered_json;
using test::run_cli;

class Explain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new test::TempDir("explain");
    const auto r = run_cli(*tmp_, CREDSIM_SOURCE_DIR,
                           {"run", "scenarios/integrated_2020.toml", "--out", (tmp_->path() / "r").string(), "--ticks",
                            "30", "--set", "society.persons=3000", "--trace", "4", "--trace-ids", "5,17"});
    ASSERT_EQ(r.code, 0) << r.err;
    run_cli(*tmp_, CREDSIM_SOURCE_DIR,
            {"run", "scenarios/integrated_2020.toml", "--out", (tmp_->path() / "plain").string(), "--ticks", "2",
             "--set", "society.persons=500"});
  }
  static void TearDownTestSuite() { delete tmp_; }
  static test::TempDir* tmp_;
};
test::TempDir* Explain::tmp_ = nullptr;

TEST_F(Explain, JsonHasTheDocumentedFields) {
  const auto r = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", (tmp_->path() / "r").string(), "--person", "17", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json a = Json::parse(r.out);
  for (const char* k : {"run", "person", "complete", "ticks", "seed", "systems", "consequences", "events"})
    EXPECT_TRUE(a.contains(k)) << k;
  EXPECT_EQ(a["person"], 17);
  EXPECT_TRUE(a["complete"].get<bool>());
  ASSERT_EQ(a["systems"].size(), 5u);  // sesame, city, court, agencies, firms
  for (const auto& s : a["systems"]) {
    for (const char* k : {"name", "type", "initial", "now", "changes", "counterfactual"}) EXPECT_TRUE(s.contains(k)) << k;
    EXPECT_TRUE(s["counterfactual"].contains("no_network"));
    EXPECT_TRUE(s["counterfactual"].contains("no_political"));
  }
  EXPECT_EQ(a["systems"][0]["type"], "composite");
  EXPECT_EQ(a["systems"][0]["dimensions"].size(), 5u);
  EXPECT_TRUE(a["systems"][1].contains("counted_records"));
  // Points: the initial balance plus the records still counted is the balance now.
  double sum = a["systems"][1]["initial"]["score"].get<double>();
  for (const auto& c : a["systems"][1]["counted_records"]) sum += c["points"].get<double>();
  EXPECT_EQ(sum, a["systems"][1]["now"]["score"].get<double>());
  // Every event is this person's, in tick order, starting with the tick-0 state.
  long long last = 0;
  for (const auto& e : a["events"]) {
    EXPECT_EQ(e["person"], 17);
    EXPECT_GE(e["tick"].get<long long>(), last);
    last = e["tick"].get<long long>();
  }
  EXPECT_EQ(a["events"][0]["event"], "initial");
}

TEST_F(Explain, TextEndsWithWhyAndCounterfactuals) {
  const auto r = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", (tmp_->path() / "r").string(), "--person", "5"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "Person 5 in");
  EXPECT_CONTAINS(r.out, "tick 0 (start):");
  EXPECT_CONTAINS(r.out, "Now:");
  EXPECT_CONTAINS(r.out, "sesame (composite):");
  EXPECT_CONTAINS(r.out, "350 base + credit_history");
  EXPECT_CONTAINS(r.out, "counterfactual: without the network:");
  EXPECT_CONTAINS(r.out, "without political inputs:");
}

TEST_F(Explain, SystemFilterKeepsOneSystem) {
  const Json a = explain_person(tmp_->path() / "r", 17, "city");
  ASSERT_EQ(a["systems"].size(), 1u);
  EXPECT_EQ(a["systems"][0]["name"], "city");
  for (const auto& e : a["events"])
    if (e.contains("system") && e["event"] != "consequence_started" && e["event"] != "consequence_ended") {
      EXPECT_EQ(e["system"], "city");
    }
}

TEST_F(Explain, BadInputIsAClearErrorExit2) {
  const auto untraced = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", (tmp_->path() / "r").string(), "--person", "6"});
  EXPECT_EQ(untraced.code, 2);
  EXPECT_CONTAINS(untraced.err, "person 6 was not traced");
  EXPECT_CONTAINS(untraced.err, "--trace-ids 6");
  EXPECT_CONTAINS(untraced.err, "17");  // lists the traced persons
  const auto notrace = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", (tmp_->path() / "plain").string(), "--person", "1"});
  EXPECT_EQ(notrace.code, 2);
  EXPECT_CONTAINS(notrace.err, "traced nobody");
  const auto nodir = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", (tmp_->path() / "nope").string(), "--person", "1"});
  EXPECT_EQ(nodir.code, 2);
  EXPECT_CONTAINS(nodir.err, "no such run folder");
  const auto sys = run_cli(*tmp_, CREDSIM_SOURCE_DIR,
                           {"explain", (tmp_->path() / "r").string(), "--person", "17", "--system", "sesam"});
  EXPECT_EQ(sys.code, 2);
  EXPECT_CONTAINS(sys.err, "one of: sesame, city");
  const auto beyond = run_cli(*tmp_, CREDSIM_SOURCE_DIR,
                              {"run", "scenarios/default.toml", "--out", (tmp_->path() / "b").string(), "--set",
                               "society.persons=100", "--ticks", "1", "--trace-ids", "3,100"});
  EXPECT_EQ(beyond.code, 2);
  EXPECT_CONTAINS(beyond.err, "person 100 does not exist");
  EXPECT_FALSE(std::filesystem::exists(tmp_->path() / "b"));  // refused before the folder is made
  const auto notnum = run_cli(*tmp_, CREDSIM_SOURCE_DIR,
                              {"run", "scenarios/default.toml", "--out", (tmp_->path() / "c").string(), "--trace-ids", "x"});
  EXPECT_EQ(notnum.code, 2);
  const auto negative = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", (tmp_->path() / "r").string(), "--person", "-1"});
  EXPECT_EQ(negative.code, 2);
  // A line with a field of the wrong kind is an input error naming the file, not a crash.
  test::TempDir wrong("explain-wrong");
  {
    std::ofstream f(wrong.path() / "trace.jsonl");
    const std::string all = test::slurp(tmp_->path() / "r" / "trace.jsonl");
    f << all.substr(0, all.find('\n') + 1) << R"({"tick":0,"person":17,"event":"initial","system":5})" << "\n";
  }
  const auto kind = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", wrong.path().string(), "--person", "17"});
  EXPECT_EQ(kind.code, 2) << kind.err;
  EXPECT_CONTAINS(kind.err, "trace.jsonl");
  // A broken trace line names the file and line.
  test::TempDir bad("explain-bad");
  {
    std::ofstream f(bad.path() / "trace.jsonl");
    f << test::slurp(tmp_->path() / "r" / "trace.jsonl").substr(0, 2000) << "\n{not json\n";
  }
  try {
    explain_person(bad.path(), 17);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_CONTAINS(std::string(e.what()), "trace.jsonl");
  }
}

TEST_F(Explain, HelpHasExamples) {
  const auto r = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"explain", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_CONTAINS(r.out, "credsim explain runs/i --person 17");
  const auto run = run_cli(*tmp_, CREDSIM_SOURCE_DIR, {"run", "--help"});
  EXPECT_CONTAINS(run.out, "--trace-ids");
}

}  // namespace
}  // namespace credsim
