// report.html: one self-contained page (data as JSON, the drawing script and styles inline; no
// network, no external fonts), written atomically.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace credsim::report {

extern const char* const kReportScript;  // report.js (embedded at build time)
extern const char* const kReportStyle;   // report.css

// JSON text safe inside <script type="application/json">: '<', '>' and '&' are written as \u
// escapes, so no string in the data (a run label, a source) can end the script element.
std::string json_for_html(const nlohmann::json& data);
// Text as HTML character data.
std::string html_escape(const std::string& s);

std::string render_html(const nlohmann::json& report, const std::string& title);
// Writes `path` atomically (.partial → rename); ResourceError when it cannot.
void write_report(const std::filesystem::path& path, const nlohmann::json& report, const std::string& title);

}  // namespace credsim::report
