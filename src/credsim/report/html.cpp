// Assembling report.html. The page is static text plus one JSON block; all drawing happens in
// the embedded script, from that block alone, so the page opens offline and anywhere.
#include "credsim/report/html.hpp"

#include "credsim/io/output_file.hpp"

namespace credsim::report {

std::string json_for_html(const nlohmann::json& data) {
  const std::string raw = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size() + raw.size() / 16);
  for (char c : raw) {
    // These characters occur in JSON only inside strings, where a \u escape means the same.
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html(const nlohmann::json& report, const std::string& title) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"generator\" content=\"credsim report\">\n";
  h += "<title>" + html_escape(title) + "</title>\n<style>\n";
  h += kReportStyle;
  h += "</style>\n</head>\n<body data-render=\"pending\">\n";
  h += "<main id=\"report\"><noscript>This report draws its charts with JavaScript; please allow scripts for "
       "this file (it loads nothing from the network).</noscript></main>\n";
  h += "<ul id=\"render-errors\"></ul>\n";
  h += "<script id=\"credsim-data\" type=\"application/json\">";
  h += json_for_html(report);
  h += "</script>\n<script>\n";
  h += kReportScript;
  h += "</script>\n</body>\n</html>\n";
  return h;
}

void write_report(const std::filesystem::path& path, const nlohmann::json& report, const std::string& title) {
  io::write_file_atomic(path, render_html(report, title));
}

}  // namespace credsim::report
