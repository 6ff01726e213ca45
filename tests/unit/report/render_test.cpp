// credsim report in a real browser: the page from a small integrated run (every system, every kind
// of chart) plus a compare folder opens in headless Chromium with no network, draws every chart
// without a script error, and every plot area holds marks in the screenshot. Two negative controls
// show the check can fail: a damaged data block (a script error) and charts whose marks are hidden.
// Chromium is a project dependency (scripts/debian-packages.txt): without it these tests fail.
#include <gtest/gtest.h>

#include <fstream>

#include "credsim/report/html.hpp"
#include "credsim/report/report.hpp"
#include "preset_run.hpp"
#include "render_check.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A report of a 1500-person, 8-week integrated run, a small compare folder and a small sweep folder.
struct Page {
  fs::path html;
  json data;
  std::size_t charts = 0;
};
Page make_page(const test::TempDir& tmp) {
  const fs::path run = tmp.path() / "run";
  // Adaptation off: in so small and short a run the preset's adaptive debtors pay and leave the
  // court list, and an all-zero decile chart would be (rightly) reported blank. For the same
  // reason defaults are made likelier (miss_prob 0.3, default_given_miss 0.5) and every default
  // judged: with the preset's rates (≈ 1 listing per 10^4 persons in 8 weeks) whether anyone of
  // 1,500 is on the court list at week 8 is a matter of the draws' luck.
  test::run_preset_metrics("integrated_2020",
                           {"society.persons=1500", "run.ticks=8", "run.measure_every=4", "adapt.model=none",
                            "behaviour.miss_prob=0.3", "behaviour.default_given_miss=0.5",
                            "systems.court.judgment_given_default=1"},
                           run, 2);
  const fs::path cmp = tmp.path() / "cmp";
  fs::create_directories(cmp);
  std::ofstream(cmp / "compare.csv") << "tick,system,metric,key,mean_a,mean_b,diff_mean,diff_sd,ci_low,ci_high,n\n"
                                        "0,society,wealth_gini,,0.5,0.5,0,0,0,0,4\n"
                                        "4,society,wealth_gini,,0.5,0.52,0.02,0.01,0.01,0.03,4\n"
                                        "8,society,wealth_gini,,0.5,0.55,0.05,0.01,0.04,0.06,4\n"
                                        "8,society,wealth_mean,,100,90,-10,2,-12,-8,4\n";
  const fs::path sw = tmp.path() / "sw";
  fs::create_directories(sw);
  std::ofstream(sw / "sweep.csv") << "point,replicate,data.notify_prob,tick,system,metric,key,value\n"
                                     "p0,0,0,8,harm,chilling_ratio,,0.9\np0,1,0,8,harm,chilling_ratio,,0.95\n"
                                     "p1,0,0.5,8,harm,chilling_ratio,,0.8\np1,1,0.5,8,harm,chilling_ratio,,0.85\n"
                                     "p2,0,1,8,harm,chilling_ratio,,0.7\np2,1,1,8,harm,chilling_ratio,,0.72\n";
  report::ReportOptions opt;
  opt.dirs = {run, cmp, sw};
  opt.out = tmp.path() / "report.html";
  const auto r = report::make_report(opt);
  return {r.path, r.data, r.chart_ids.size()};
}

std::string describe(const test::RenderResult& r) {
  std::string s = "render=" + r.render + " charts=" + std::to_string(r.charts) + " errors=" + std::to_string(r.errors);
  for (const auto& e : r.error_messages) s += "\n  script error: " + e;
  for (const auto& b : r.blank) s += "\n  blank chart: " + b;
  if (!r.log.empty()) s += "\n  " + r.log;
  return s;
}

TEST(ReportRender, EveryChartDrawsInHeadlessChromium) {
  test::TempDir tmp("report-render");
  const Page page = make_page(tmp);
  ASSERT_GT(page.charts, 30u);
  const auto r = test::render_in_chromium(page.html, tmp, true);
  ASSERT_TRUE(r.ran) << r.log;
  EXPECT_EQ(r.render, "ok") << describe(r);
  EXPECT_EQ(r.errors, 0) << describe(r);
  EXPECT_EQ(r.charts, static_cast<int>(page.charts)) << describe(r);
  EXPECT_EQ(r.rects.size(), page.charts);
  EXPECT_TRUE(r.blank.empty()) << describe(r);
}

TEST(ReportRender, ScriptErrorsAreCaught) {
  test::TempDir tmp("report-render-bad");
  const Page page = make_page(tmp);
  // 1. One chart's data damaged: that chart reports an error, the others still draw.
  json broken = page.data;
  broken["sections"][0]["charts"][0]["series"][0]["parts"][0]["y"] = "broken";
  const fs::path bad = tmp.path() / "bad.html";
  std::ofstream(bad) << report::render_html(broken, "broken");
  auto r = test::render_in_chromium(bad, tmp, false);
  ASSERT_TRUE(r.ran) << r.log;
  EXPECT_EQ(r.render, "error") << describe(r);
  EXPECT_EQ(r.errors, 1) << describe(r);
  EXPECT_EQ(r.charts, static_cast<int>(page.charts) - 1);
  ASSERT_EQ(r.error_messages.size(), 1u);
  EXPECT_CONTAINS(r.error_messages[0], page.data["sections"][0]["charts"][0]["id"].get<std::string>());
  // 2. A script that does not even parse never marks the page as rendered.
  std::string html = test::slurp(page.html);
  const auto at = html.rfind("})();");
  ASSERT_NE(at, std::string::npos);
  html.replace(at, 5, "})(;");
  std::ofstream(bad) << html;
  r = test::render_in_chromium(bad, tmp, false);
  ASSERT_TRUE(r.ran) << r.log;
  EXPECT_EQ(r.render, "pending") << describe(r);
}

TEST(ReportRender, BlankChartsAreCaught) {
  test::TempDir tmp("report-render-blank");
  const Page page = make_page(tmp);
  // Marks hidden: axes, grids, titles and legends stay, the data does not.
  std::string html = test::slurp(page.html);
  html.replace(html.find("</head>"), 7, "<style>g.marks { display: none }</style></head>");
  const fs::path blank = tmp.path() / "blank.html";
  std::ofstream(blank) << html;
  const auto r = test::render_in_chromium(blank, tmp, true);
  ASSERT_TRUE(r.ran) << r.log;
  EXPECT_EQ(r.render, "ok");  // the script ran fine; only the picture shows the problem
  EXPECT_EQ(r.blank.size(), page.charts) << describe(r);
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

// Without a runnable chromium the render tests fail with the fix, never pass or skip silently.
TEST(ReportRender, MissingChromiumIsAFailureWithTheFix) {
  test::TempDir tmp("report-render-none");
  const std::filesystem::path html = tmp.path() / "r.html";
  std::ofstream(html) << "<html><body></body></html>";
  const char* before = std::getenv("CREDSIM_CHROMIUM");
  const std::string saved = before ? before : "";
  ::setenv("CREDSIM_CHROMIUM", (tmp.path() / "no-chromium-here").c_str(), 1);
  const auto r = test::render_in_chromium(html, tmp, true);
  if (before) ::setenv("CREDSIM_CHROMIUM", saved.c_str(), 1);
  else ::unsetenv("CREDSIM_CHROMIUM");
  EXPECT_FALSE(r.ran);
  EXPECT_CONTAINS(r.log, "chromium failed");
  EXPECT_TRUE(test::find_chromium().size() > 0)
      << "chromium is a dependency of the test suite: install the Debian package 'chromium' "
         "(scripts/debian-packages.txt; scripts/install-deps.sh installs it)";
}

}  // namespace
}  // namespace credsim
