// credsim report, data side: the tidy reader, which charts a run gets, and — the point — that every
// number the page draws equals the row of metrics.csv it claims to come from, checked against an
// independent, naive parse of the file.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "credsim/core/error.hpp"
#include "credsim/report/charts.hpp"
#include "credsim/report/html.hpp"
#include "credsim/report/report.hpp"
#include "credsim/report/run_data.hpp"
#include "preset_run.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using report::MetricsTable;

// ---- an independent reading of metrics.csv ------------------------------------------------------
// (tick, system, metric, key) → the value's text, straight from the file.
using Key = std::tuple<Tick, std::string, std::string, std::string>;
std::map<Key, std::string> naive_csv(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::map<Key, std::string> rows;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string f[5];
    for (int i = 0; i < 5; ++i) std::getline(ss, f[i], i < 4 ? ',' : '\n');
    rows[{static_cast<Tick>(std::stoul(f[0])), f[1], f[2], f[3]}] = f[4];
  }
  return rows;
}

// Every "part" object in the document (the holders of drawn numbers), wherever it sits.
void collect_parts(const json& j, std::vector<const json*>& out) {
  if (j.is_object()) {
    if (j.contains("metric") && j.contains("y") && j.contains("t") && j.contains("run")) out.push_back(&j);
    for (const auto& [k, v] : j.items()) collect_parts(v, out);
  } else if (j.is_array()) {
    for (const auto& v : j) collect_parts(v, out);
  }
}

// Checks every drawn number of run `run` against the file; returns how many were checked.
std::size_t check_parts_against_csv(const json& doc, std::size_t run, const std::map<Key, std::string>& csv) {
  std::vector<const json*> parts;
  collect_parts(doc, parts);
  std::size_t checked = 0;
  for (const json* p : parts) {
    if ((*p)["run"].get<std::size_t>() != run) continue;
    const auto& t = (*p)["t"];
    const auto& y = (*p)["y"];
    EXPECT_EQ(t.size(), y.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      const Key k{t[i].get<Tick>(), (*p)["system"], (*p)["metric"], (*p)["key"]};
      const auto it = csv.find(k);
      if (it == csv.end()) {
        // A drawn slot with no row (a cell of a table the run never wrote) must be empty.
        EXPECT_TRUE(y[i].is_null()) << "a value drawn for a row that metrics.csv lacks: " << (*p).dump();
        continue;
      }
      if (it->second == "NA") {
        EXPECT_TRUE(y[i].is_null()) << it->second << " drawn as " << y[i];
      } else {
        if (y[i].is_null()) {
          ADD_FAILURE() << "a number drawn as missing: " << std::get<1>(k) << "," << std::get<2>(k) << "," << std::get<3>(k);
          continue;
        }
        EXPECT_EQ(y[i].get<double>(), std::strtod(it->second.c_str(), nullptr))
            << std::get<1>(k) << "," << std::get<2>(k) << "," << std::get<3>(k) << " at tick " << std::get<0>(k);
      }
      ++checked;
    }
    // A time series has every measured tick the file has a row for, in order.
    if ((*p)["t"].size() > 1) {
      std::vector<Tick> want;
      for (const auto& [key, v] : csv)
        if (std::get<1>(key) == (*p)["system"] && std::get<2>(key) == (*p)["metric"] && std::get<3>(key) == (*p)["key"])
          want.push_back(std::get<0>(key));
      EXPECT_EQ(t.get<std::vector<Tick>>(), want) << (*p)["metric"];
    }
  }
  return checked;
}

const json* find_chart(const json& doc, const std::string& id) {
  for (const auto& s : doc["sections"])
    for (const auto& c : s["charts"])
      if (c["id"] == id) return &c;
  return nullptr;
}

std::set<std::string> ids_of(const json& doc) {
  const auto v = report::chart_ids(doc);
  return {v.begin(), v.end()};
}

// One small run of a preset into dir (2000 persons; measured at ticks 0, 4, 8).
fs::path small_run(const std::string& preset, const fs::path& dir, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> o{"society.persons=2000", "run.ticks=8", "run.measure_every=4"};
  o.insert(o.end(), extra.begin(), extra.end());
  test::run_preset_metrics(preset, o, dir, 2);
  return dir;
}

// ---- the reader ----------------------------------------------------------------------------------

TEST(MetricsTable, ReadsRowsKeysOrderAndNA) {
  const auto t = MetricsTable::parse(
      "tick,system,metric,key,value\n"
      "0,society,persons,,100\n"
      "0,s,band_share,poor,0.25\n"
      "0,s,band_share,good,0.75\n"
      "0,harm,chilling_ratio,,NA\n"
      "4,s,band_share,poor,0.5\n"
      "4,s,band_share,good,0.5\n",
      "m.csv");
  EXPECT_EQ(t.ticks(), (std::vector<Tick>{0, 4}));
  EXPECT_EQ(t.systems(), (std::vector<std::string>{"society", "s", "harm"}));
  EXPECT_EQ(t.keys("s", "band_share"), (std::vector<std::string>{"poor", "good"}));
  EXPECT_EQ(*t.at(4, "s", "band_share", "poor"), 0.5);
  EXPECT_EQ(*t.at(0, "society", "persons", ""), 100);
  EXPECT_TRUE(std::isnan(*t.at(0, "harm", "chilling_ratio", "")));
  EXPECT_FALSE(t.at(4, "harm", "chilling_ratio", "").has_value());
  EXPECT_FALSE(t.has("s", "score_quantile"));
  EXPECT_EQ(t.rows(), 6u);
}

TEST(MetricsTable, BadFilesNameFileAndLine) {
  auto message = [](const std::string& text) {
    try {
      MetricsTable::parse(text, "m.csv");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_CONTAINS(message("a,b\n"), "m.csv:1:1");
  EXPECT_CONTAINS(message("tick,system,metric,key,value\n0,s,m,,1\n0,s,m,1\n"), "m.csv:3:1");
  EXPECT_CONTAINS(message("tick,system,metric,key,value\n0,s,m,,1\n0,s,m,,x1\n"), "m.csv:3:");
  EXPECT_CONTAINS(message("tick,system,metric,key,value\n-1,s,m,,1\n"), "not a tick");
  // The same row twice: tolerated with the same value, an error with another.
  EXPECT_EQ(message("tick,system,metric,key,value\n0,s,m,,1\n0,s,m,,1\n"), "no error");
  EXPECT_CONTAINS(message("tick,system,metric,key,value\n0,s,m,,1\n0,s,m,,2\n"), "different value");
}

TEST(LoadRun, ClearErrorsForFoldersThatAreNotRuns) {
  test::TempDir tmp("report-load");
  auto message = [](const fs::path& d) {
    try {
      report::load_run(d);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_CONTAINS(message(tmp.path() / "nope"), "no such folder");
  EXPECT_CONTAINS(message(tmp.path()), "no metrics.csv");
  std::ofstream(tmp.path() / "metrics.csv.partial") << "tick,system,metric,key,value\n";
  EXPECT_CONTAINS(message(tmp.path()), "did not finish");
  std::ofstream(tmp.path() / "metrics.csv") << "tick,system,metric,key,value\n0,society,persons,,5\n";
  EXPECT_CONTAINS(message(tmp.path()), "manifest.json");
  std::ofstream(tmp.path() / "manifest.json") << "{not json";
  EXPECT_CONTAINS(message(tmp.path()), "not valid JSON");
}

// ---- every drawn number comes from its row ---------------------------------------------------------

TEST(ReportData, EveryDrawnNumberEqualsItsRowInMetricsCsv) {
  test::TempDir tmp("report-data");
  const fs::path run = small_run("integrated_2020", tmp.path() / "run");
  report::ReportOptions opt;
  opt.dirs = {run};
  const json doc = report::report_data(opt);
  const auto csv = naive_csv(run / "metrics.csv");
  const std::size_t checked = check_parts_against_csv(doc, 0, csv);
  EXPECT_GT(checked, 400u);  // hundreds of values over three measured ticks

  // Every kind of chart appears for this run, and the charts its systems imply.
  std::set<std::string> kinds;
  for (const auto& s : doc["sections"])
    for (const auto& c : s["charts"]) kinds.insert(c["kind"].get<std::string>());
  EXPECT_EQ(kinds, (std::set<std::string>{"line", "stack", "bars", "heat", "calib"}));
  const auto ids = ids_of(doc);
  for (const char* id : {"society-wealth", "society-gini", "sesame-score", "sesame-shares", "sesame-privilege-deciles",
                         "city-score", "city-shares", "court-lists", "court-deciles", "agencies-lists",
                         "agencies-deciles", "firms-shares", "harm-deciles", "harm-data-errors", "effects-deciles",
                         "sesame-transitions", "calibration"})
    EXPECT_TRUE(ids.count(id)) << id;
}

TEST(ReportData, BarsAreTheTenDecilesAtTheLastTickAndStacksAddUpToOne) {
  test::TempDir tmp("report-bars");
  const fs::path run = small_run("sesame", tmp.path() / "run");
  report::ReportOptions opt;
  opt.dirs = {run};
  const json doc = report::report_data(opt);
  const json* bars = find_chart(doc, "harm-deciles");
  ASSERT_NE(bars, nullptr);
  for (const auto& s : (*bars)["series"]) {
    ASSERT_EQ(s["parts"].size(), 10u);
    for (int d = 0; d < 10; ++d) {
      EXPECT_EQ(s["parts"][d]["key"], d < 9 ? "d0" + std::to_string(d + 1) : "d10");
      EXPECT_EQ(s["parts"][d]["t"][0], 8);
    }
  }
  const json* stack = find_chart(doc, "sesame-shares");
  ASSERT_NE(stack, nullptr);
  ASSERT_EQ((*stack)["series"].size(), 5u);  // poor … excellent
  for (std::size_t i = 0; i < 3; ++i) {
    double sum = 0;
    for (const auto& s : (*stack)["series"]) sum += s["parts"][0]["y"][i].get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-9);
  }
  EXPECT_EQ((*stack)["series"][0]["label"], "poor");
  EXPECT_EQ((*stack)["series"][4]["label"], "excellent");
}

TEST(ReportData, ChartsOnlyForWhatTheRunHas) {
  test::TempDir tmp("report-only");
  report::ReportOptions court;
  court.dirs = {small_run("court_list", tmp.path() / "court")};
  const json cdoc = report::report_data(court);
  for (const auto& id : ids_of(cdoc)) {
    EXPECT_EQ(id.find("-shares"), std::string::npos) << id;  // no bands: the court list has none
    EXPECT_EQ(id.find("-score"), std::string::npos) << id;
  }
  for (const auto& s : cdoc["sections"])
    for (const auto& c : s["charts"]) {
      EXPECT_NE(c["kind"], "stack");
      EXPECT_FALSE(c["series"].empty() && !c.contains("rows") && !c.contains("cells")) << c["id"];
    }
  EXPECT_TRUE(ids_of(cdoc).count("court-lists"));
  EXPECT_TRUE(ids_of(cdoc).count("calibration"));
}

TEST(ReportData, SeveralRunsOverlayWithDistinctLabels) {
  test::TempDir tmp("report-multi");
  report::ReportOptions opt;
  opt.dirs = {small_run("sesame", tmp.path() / "a"),
              small_run("sesame", tmp.path() / "b", {"systems.sesame.weights.relationships=0"})};
  const json doc = report::report_data(opt);
  ASSERT_EQ(doc["runs"].size(), 2u);
  const std::string la = doc["runs"][0]["label"], lb = doc["runs"][1]["label"];
  EXPECT_NE(la, lb);
  EXPECT_EQ(lb, "sesame (b)");  // same scenario name, no command-line overrides recorded: the folder
  // Time charts overlay both runs; stacked shares get one chart each.
  const json* score = find_chart(doc, "sesame-score");
  ASSERT_NE(score, nullptr);
  std::set<std::size_t> runs;
  for (const auto& s : (*score)["series"]) runs.insert(s["run"].get<std::size_t>());
  EXPECT_EQ(runs, (std::set<std::size_t>{0, 1}));
  EXPECT_TRUE(ids_of(doc).count("sesame-shares-run1"));
  EXPECT_TRUE(ids_of(doc).count("sesame-shares-run2"));
  EXPECT_EQ(check_parts_against_csv(doc, 1, naive_csv(tmp.path() / "b" / "metrics.csv")) > 100, true);

  opt.labels = {"with friends", "no friends"};
  const json named = report::report_data(opt);
  EXPECT_EQ(named["runs"][1]["label"], "no friends");
  opt.labels = {"x", "y", "z"};
  EXPECT_THROW(report::report_data(opt), InputError);
}

TEST(ReportData, CompareFolderGivesIntervalsFromCompareCsv) {
  test::TempDir tmp("report-compare");
  const fs::path dir = tmp.path() / "cmp";
  fs::create_directories(dir);
  std::ofstream(dir / "compare.csv") << "tick,system,metric,key,mean_a,mean_b,diff_mean,diff_sd,ci_low,ci_high,n\n"
                                        "0,society,wealth_gini,,0.5,0.5,0,0,0,0,4\n"
                                        "8,society,wealth_gini,,0.5,0.55,0.05,0.01,0.04,0.06,4\n"
                                        "8,society,wealth_mean,,100,90,-10,2,-12,-8,4\n"
                                        "8,society,wealth_quantile,p50,10,9,-1,0.1,-1.1,-0.9,4\n"
                                        "8,harm,chilling_ratio,,1,0.8,-0.2,0.05,-0.25,-0.15,4\n";
  std::ofstream(dir / "compare.json") << R"({"differences": [{"key": "systems.sesame.weights.relationships", "a": 0.1, "b": 0}]})";
  report::ReportOptions opt;
  opt.dirs = {dir};
  const json doc = report::report_data(opt);
  const json* ci = find_chart(doc, "compare1-society");
  ASSERT_NE(ci, nullptr);
  ASSERT_EQ((*ci)["rows"].size(), 2u);  // scalar rows at the last tick; keyed rows are left out
  EXPECT_EQ((*ci)["rows"][0]["metric"], "wealth_gini");
  EXPECT_EQ((*ci)["rows"][0]["diff"], 0.05);
  EXPECT_EQ((*ci)["rows"][0]["lo"], 0.04);
  EXPECT_EQ((*ci)["rows"][1]["hi"], -8);
  const json* head = find_chart(doc, "compare1-headline");  // the harm rows of every system together
  ASSERT_NE(head, nullptr);
  ASSERT_EQ((*head)["rows"].size(), 2u);
  EXPECT_EQ((*head)["rows"][0]["label"], "society: wealth_gini");
  EXPECT_EQ((*head)["rows"][1]["label"], "harm: chilling_ratio");
  EXPECT_EQ((*head)["rows"][1]["diff"], -0.2);
  const json* line = find_chart(doc, "compare1-society-wealth_gini");
  ASSERT_NE(line, nullptr);
  EXPECT_EQ((*line)["points"].size(), 2u);
  EXPECT_EQ(doc["compares"][0]["label_a"], "systems.sesame.weights.relationships=0.1");
  EXPECT_EQ(doc["compares"][0]["label_b"], "systems.sesame.weights.relationships=0");
  std::ofstream(dir / "compare.csv") << "tick,system,metric\n";
  EXPECT_THROW(report::report_data(opt), InputError);
}

TEST(ReportData, SweepFolderGivesMeansAndIntervalsOverReplicates) {
  test::TempDir tmp("report-sweep");
  const fs::path dir = tmp.path() / "sw";
  fs::create_directories(dir);
  // Grid: x = data.notify_prob (0, 1) × other = k2 (a, b), two replicates each.
  std::ofstream(dir / "sweep.csv") << "point,replicate,data.notify_prob,k2,tick,system,metric,key,value\n"
                                      "p0,0,0,a,8,harm,chilling_ratio,,1\n"
                                      "p0,1,0,a,8,harm,chilling_ratio,,3\n"
                                      "p1,0,0,b,8,harm,chilling_ratio,,5\n"
                                      "p1,1,0,b,8,harm,chilling_ratio,,5\n"
                                      "p2,0,1,a,8,harm,chilling_ratio,,2\n"
                                      "p2,1,1,a,8,harm,chilling_ratio,,NA\n"
                                      "p3,0,1,b,8,harm,chilling_ratio,,6\n"
                                      "p3,1,1,b,8,harm,chilling_ratio,,8\n"
                                      "p3,1,1,b,0,harm,chilling_ratio,,100\n";
  std::ofstream(dir / "sweep.json") << R"({"design": "grid"})";
  report::ReportOptions opt;
  opt.dirs = {dir};
  const json doc = report::report_data(opt);
  const json* c = find_chart(doc, "sweep1-harm-chilling_ratio");
  ASSERT_NE(c, nullptr);
  // Group a: band skipped (x = 1 has one finite replicate), a line; group b: band and line.
  ASSERT_EQ((*c)["series"].size(), 3u);
  const json& a = (*c)["series"][0];
  EXPECT_EQ(a["role"], "line");
  EXPECT_EQ(a["label"], "k2=a");
  EXPECT_EQ(a["parts"][0]["t"], json::array({0.0, 1.0}));
  EXPECT_EQ(a["parts"][0]["y"], json::array({2.0, 2.0}));  // (1+3)/2; NA left out of the mean
  const json& band = (*c)["series"][1];
  EXPECT_EQ(band["role"], "band");
  // b at x = 1: mean 7, sd sqrt(2), half-width t(0.975, 1) * sqrt(2) / sqrt(2) = 12.706.
  EXPECT_NEAR(band["parts"][0]["y"][1].get<double>(), 7 - 12.706, 1e-12);
  EXPECT_NEAR(band["parts"][1]["y"][1].get<double>(), 7 + 12.706, 1e-12);
  EXPECT_EQ(band["parts"][0]["y"][0], 5.0);  // sd 0: a zero-width interval
  EXPECT_EQ((*c)["series"][2]["parts"][0]["y"], json::array({5.0, 7.0}));
  EXPECT_NEAR(report::t975(30), 2.042, 1e-12);
  EXPECT_NEAR(report::t975(60), 2.000, 0.002);
}

// A swept array value holds commas; credsim sweep writes it quoted (RFC 4180) and the report
// reads it as one field.
TEST(ReportData, SweepValuesWithCommasAreOneQuotedField) {
  test::TempDir tmp("report-sweep-quoted");
  const fs::path dir = tmp.path() / "sw";
  fs::create_directories(dir);
  std::ofstream(dir / "sweep.csv") << "point,replicate,data.region_detection,tick,system,metric,key,value\n"
                                      "p0,0,\"[0.5,0.5]\",8,harm,chilling_ratio,,1\n"
                                      "p1,0,\"[0.9,\"\"x\"\"]\",8,harm,chilling_ratio,,2\n";
  std::ofstream(dir / "sweep.json") << R"({"design": "grid"})";
  const report::SweepData sw = report::load_sweep(dir);
  ASSERT_EQ(sw.keys, std::vector<std::string>{"data.region_detection"});
  ASSERT_EQ(sw.rows.size(), 2u);
  EXPECT_EQ(sw.rows[0].values, std::vector<std::string>{"[0.5,0.5]"});
  EXPECT_EQ(sw.rows[1].values, std::vector<std::string>{"[0.9,\"x\"]"});
  EXPECT_EQ(sw.rows[1].value, 2.0);
  std::ofstream(dir / "sweep.csv", std::ios::app) << "p2,0,[1,1],8,harm,chilling_ratio,,3\n";  // unquoted: 9 fields
  EXPECT_THROW(report::load_sweep(dir), InputError);
}

// The real credsim compare output (not a hand-made file): the report reads it, names the arms
// and draws the rows of compare.csv unchanged.
TEST(ReportData, ReadsWhatCredsimCompareWrites) {
  test::TempDir tmp("report-compare-real");
  const fs::path out = tmp.path() / "cmp";
  const auto r = test::run_cli(tmp, CREDSIM_SOURCE_DIR,
                               {"compare", std::string(CREDSIM_SOURCE_DIR) + "/scenarios/court_list.toml", "--toggle",
                                "data.notify_prob=0", "--set", "society.persons=1000", "--set", "run.ticks=8",
                                "--replicates", "2", "--ticks", "all", "--out", out.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  report::ReportOptions opt;
  opt.dirs = {out};
  const json doc = report::report_data(opt);
  ASSERT_EQ(doc["compares"].size(), 1u);
  EXPECT_CONTAINS(doc["compares"][0]["label_b"].get<std::string>(), "data.notify_prob=0");
  const report::CompareData cd = report::load_compare(out);
  std::vector<const json*> rows;
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object() && j.contains("compare")) rows.push_back(&j);
    else if (j.is_object() || j.is_array())
      for (const auto& v : j) walk(v);
  };
  walk(doc["sections"]);
  ASSERT_FALSE(rows.empty());
  for (const json* p : rows) {
    bool found = false;
    for (const auto& c : cd.rows)
      if (c.tick == (*p)["t"] && c.system == (*p)["system"] && c.metric == (*p)["metric"] && c.key == (*p)["key"]) {
        found = true;
        if (std::isfinite(c.diff_mean)) {
          EXPECT_EQ((*p)["diff"].get<double>(), c.diff_mean);
        }
        if (std::isfinite(c.ci_low)) {
          EXPECT_EQ((*p)["lo"].get<double>(), c.ci_low);
        }
      }
    EXPECT_TRUE(found) << p->dump();
  }
}

// ---- the page ---------------------------------------------------------------------------------

TEST(ReportHtml, SelfContainedWithTheDataBlockIntactAndEscaped) {
  test::TempDir tmp("report-html");
  const fs::path run = small_run("court_list", tmp.path() / "run");
  report::ReportOptions opt;
  opt.dirs = {run};
  opt.labels = {"</script><script>alert(1)</script> & co"};
  const auto r = report::make_report(opt);
  EXPECT_EQ(r.path, run / "report.html");
  EXPECT_FALSE(fs::exists(run / "report.html.partial"));
  const std::string html = test::slurp(r.path);
  // Nothing fetched from anywhere: no external scripts, styles, images, fonts or imports.
  for (const char* bad : {"src=", "<link", "href=\"http", "url(", "@import", "@font-face"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  const std::string open = "<script id=\"credsim-data\" type=\"application/json\">";
  const auto a = html.find(open);
  ASSERT_NE(a, std::string::npos);
  const auto b = html.find("</script>", a);
  const json embedded = json::parse(html.substr(a + open.size(), b - a - open.size()));
  EXPECT_EQ(embedded, r.data);
  EXPECT_EQ(embedded["runs"][0]["label"], "</script><script>alert(1)</script> & co");
  // Written again over itself: the page is derived data, replaced atomically.
  EXPECT_NO_THROW(report::make_report(opt));
  opt.out = tmp.path() / "no_such_dir" / "r.html";
  EXPECT_THROW(report::make_report(opt), ResourceError);
}

TEST(ReportCli, HelpExamplesAndErrors) {
  test::TempDir tmp("report-cli");
  auto r = test::run_cli(tmp, CREDSIM_SOURCE_DIR, {"report", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_CONTAINS(r.out, "Examples:");
  r = test::run_cli(tmp, CREDSIM_SOURCE_DIR, {"report", (tmp.path() / "missing").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_CONTAINS(r.err, "no such folder");
  const fs::path run = small_run("sesame", tmp.path() / "run");
  r = test::run_cli(tmp, CREDSIM_SOURCE_DIR, {"report", run.string(), "--out", (tmp.path() / "x.html").string(), "--list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_CONTAINS(r.out, "sesame-shares");
  EXPECT_TRUE(fs::exists(tmp.path() / "x.html"));

  // Two runs of one scenario from the command line: labelled by the override they do not share.
  const std::string scen = std::string(CREDSIM_SOURCE_DIR) + "/scenarios/sesame.toml";
  for (const char* w : {"0", "5"})
    ASSERT_EQ(test::run_cli(tmp, CREDSIM_SOURCE_DIR,
                            {"run", scen, "--set", "society.persons=1000", "--ticks", "4", "--set",
                             std::string("systems.sesame.weights.relationships=") + w, "--out",
                             (tmp.path() / (std::string("w") + w)).string()})
                  .code,
              0);
  report::ReportOptions opt;
  opt.dirs = {tmp.path() / "w0", tmp.path() / "w5"};
  const json doc = report::report_data(opt);
  EXPECT_EQ(doc["runs"][0]["label"], "sesame (systems.sesame.weights.relationships=0)");
  EXPECT_EQ(doc["runs"][1]["label"], "sesame (systems.sesame.weights.relationships=5)");
}

}  // namespace
}  // namespace credsim
