// The report's content: which charts a set of runs (and compare folders) gets, with the data of
// each chart taken verbatim from metrics.csv / compare.csv. The result is one JSON document that
// the HTML page's script draws; it holds no drawing decisions beyond titles, units and captions.
//
// Every number in it sits in a "part": {"run": i, "system", "metric", "key", "t": [ticks],
// "y": [values]} (NaN and missing rows as null), or for compare folders {"compare": i, "system",
// "metric", "key", "t", "diff", "lo", "hi", "mean_a", "mean_b"}, or for sweep folders {"sweep": i,
// "system", "metric", "key", "tick", "t": [swept values], "y": [means or interval ends]} — so a
// test can check every drawn value against an independent parse of the files.
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "credsim/report/run_data.hpp"

namespace credsim::report {

nlohmann::json build_report(const std::vector<RunData>& runs, const std::vector<CompareData>& compares,
                            const std::vector<SweepData>& sweeps = {});

// Two-sided Student t quantile t_{(1+level)/2, df} for level 0.95 (exact table to df 30, then
// 1.96 + 2.4/df, within 0.002); sweeps' intervals of the mean over replicates use it.
double t975(int df);

// Every chart id in a report document, in page order.
std::vector<std::string> chart_ids(const nlohmann::json& report);

}  // namespace credsim::report
