// credsim report: run and compare folders in, one self-contained report.html out.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace credsim::report {

struct ReportOptions {
  std::vector<std::filesystem::path> dirs;  // run folders and compare folders, in page order
  std::vector<std::string> labels;          // optional legend labels for the run folders, in order
  std::filesystem::path out;                // default: DIR/report.html for one folder, else ./report.html
};

struct ReportResult {
  std::filesystem::path path;
  nlohmann::json data;  // the document embedded in the page
  std::vector<std::string> chart_ids;
};

// Reads every folder (InputError if one is not a finished run or compare folder) and writes the page.
ReportResult make_report(const ReportOptions& opt);
// The same document without writing anything (what the page would draw).
nlohmann::json report_data(const ReportOptions& opt);
std::filesystem::path default_output(const ReportOptions& opt);

}  // namespace credsim::report
