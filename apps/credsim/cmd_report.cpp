// credsim report: one self-contained report.html from run (and compare) folders.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "credsim/report/report.hpp"

namespace credsim::cli {

namespace {
struct ReportArgs {
  std::vector<std::string> dirs, labels;
  std::string out;
  bool list = false;
};
}  // namespace

void register_report(CLI::App& app, Commands& out) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report", "Write one self-contained report.html with charts of run (and compare) folders");
  cmd->add_option("folders", a->dirs,
                  "Run folders (written by credsim run) and compare folders (holding compare.csv); several run "
                  "folders are overlaid, labelled by their scenario names")
      ->required();
  cmd->add_option("--out", a->out, "Where to write the page (default: FOLDER/report.html for one folder, "
                                   "./report.html for several)");
  cmd->add_option("--label", a->labels, "Legend label for a run folder, in the order given (repeatable)");
  cmd->add_flag("--list", a->list, "Also print the id of every chart (for scripts/export_chart.py)");
  cmd->footer(
      "Examples:\n"
      "  credsim report runs/default-20261122-100412\n"
      "  credsim report runs/base runs/no_network --label 'with friends' --label 'no friends' --out cmp.html\n"
      "  credsim report runs/mine --list      (chart ids, for exporting one chart)\n"
      "  python3 scripts/export_chart.py runs/mine/report.html harm-deciles docs/img/chart.svg\n"
      "The page needs no network: data, script and styles are inside it. Open it in any browser.\n"
      "Charts appear only for what the runs hold; each has a title, axis units, a legend and a caption.");
  out.push_back({cmd, [a] {
                   report::ReportOptions opt;
                   for (const auto& d : a->dirs) opt.dirs.emplace_back(d);
                   opt.labels = a->labels;
                   opt.out = a->out;
                   const report::ReportResult r = report::make_report(opt);
                   std::size_t sections = r.data["sections"].size();
                   std::printf("report: %s (%zu charts in %zu sections)\n", r.path.c_str(), r.chart_ids.size(),
                               sections);
                   if (a->list)
                     for (const auto& id : r.chart_ids) std::printf("  %s\n", id.c_str());
                   return 0;
                 }});
}

}  // namespace credsim::cli
