// Checking a preset's generic [targets.NAME] rows (docs/MODEL.md, "Calibration targets"): at each
// tick given, the model row is exactly the metric row it names and the target row is the
// published figure; the final pair is in the run's summary.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <sstream>
#include <string>

#include "credsim/run/runner.hpp"

namespace credsim::test {

// metrics.csv as "tick,system,metric,key" -> value text (NA for NaN).
inline std::map<std::string, std::string> read_rows(const std::string& csv) {
  std::istringstream in(csv);
  std::map<std::string, std::string> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto cut = line.rfind(',');
    rows[line.substr(0, cut)] = line.substr(cut + 1);
  }
  return rows;
}

struct Target {
  std::string name, system, metric, value;
};

inline void expect_target(const RunResult& r, std::map<std::string, std::string>& rows, const Target& g,
                          std::initializer_list<int> ticks) {
  int last = 0;
  for (int t : ticks) {
    const std::string tick = std::to_string(t);
    const std::string metric = tick + "," + g.system + "," + g.metric + ",",
                      model = tick + ",calibration," + g.name + ",model",
                      target = tick + ",calibration," + g.name + ",target";
    ASSERT_TRUE(rows.count(metric)) << metric;
    ASSERT_TRUE(rows.count(model)) << model;
    ASSERT_TRUE(rows.count(target)) << target;
    EXPECT_EQ(rows[model], rows[metric]) << model;
    EXPECT_EQ(rows[target], g.value) << target;
    last = t;
  }
  const auto it = std::find_if(r.calibration.begin(), r.calibration.end(), [&](const auto& c) { return c.name == g.name; });
  ASSERT_NE(it, r.calibration.end()) << g.name;
  EXPECT_EQ(it->target, std::stod(g.value)) << g.name;
  const std::string final_value = rows[std::to_string(last) + "," + g.system + "," + g.metric + ","];
  if (final_value == "NA")
    EXPECT_TRUE(std::isnan(it->model)) << g.name;
  else
    EXPECT_EQ(it->model, std::stod(final_value)) << g.name;
}

}  // namespace credsim::test
