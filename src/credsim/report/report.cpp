// credsim report: reading the folders, building the document, writing the page.
#include "credsim/report/report.hpp"

#include "credsim/core/error.hpp"
#include "credsim/report/charts.hpp"
#include "credsim/report/html.hpp"
#include "credsim/report/run_data.hpp"

namespace credsim::report {
namespace fs = std::filesystem;

nlohmann::json report_data(const ReportOptions& opt) {
  if (opt.dirs.empty())
    throw InputError(SourcePos{}, "", "no folder given", "one or more run or compare folders",
                     "credsim report runs/NAME-TIMESTAMP");
  std::vector<RunData> runs;
  std::vector<CompareData> compares;
  std::vector<SweepData> sweeps;
  for (const auto& d : opt.dirs) {
    if (is_compare_dir(d)) compares.push_back(load_compare(d));
    else if (is_sweep_dir(d)) sweeps.push_back(load_sweep(d));
    else runs.push_back(load_run(d));
  }
  if (opt.labels.size() > runs.size())
    throw InputError(SourcePos{"--label", 0, 0}, "--label",
                     std::to_string(opt.labels.size()) + " labels for " + std::to_string(runs.size()) + " run folder(s)",
                     "at most one --label per run folder, in the order of the folders", "drop the extra --label");
  assign_labels(runs, opt.labels);
  return build_report(runs, compares, sweeps);
}

fs::path default_output(const ReportOptions& opt) {
  if (!opt.out.empty()) return opt.out;
  if (opt.dirs.size() == 1) return opt.dirs[0] / "report.html";
  return "report.html";
}

ReportResult make_report(const ReportOptions& opt) {
  ReportResult r;
  r.data = report_data(opt);
  r.chart_ids = chart_ids(r.data);
  r.path = default_output(opt);
  std::string title = "credsim report";
  if (!r.data["runs"].empty()) {
    title += ": ";
    for (std::size_t i = 0; i < r.data["runs"].size(); ++i)
      title += (i ? ", " : "") + r.data["runs"][i]["label"].get<std::string>();
  }
  write_report(r.path, r.data, title);
  return r;
}

}  // namespace credsim::report
