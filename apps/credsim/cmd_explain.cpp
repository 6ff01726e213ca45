// credsim explain: why a traced person's scores are what they are (SPEC §5).
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "credsim/explain/explain.hpp"

namespace credsim::cli {
namespace {
struct ExplainArgs {
  std::string run_dir, system;
  std::uint64_t person = 0;
  bool json = false;
};
}  // namespace

void register_explain(CLI::App& app, Commands& out) {
  auto a = std::make_shared<ExplainArgs>();
  auto* ex = app.add_subcommand("explain", "Why a traced person's scores are what they are: records, score changes "
                                           "with their causes, consequences, counterfactual scores");
  ex->add_option("run_dir", a->run_dir, "Run folder written by credsim run --trace / --trace-ids")->required();
  ex->add_option("--person", a->person, "Id of a traced person")->required()->check(CLI::NonNegativeNumber);
  ex->add_flag("--json", a->json, "JSON instead of plain text (fields: docs/MODEL.md, Explain)");
  ex->add_option("--system", a->system, "Only this system's score lines and summary");
  ex->footer(
      "Examples:\n"
      "  credsim run scenarios/integrated_2020.toml --out runs/i --ticks 52 --trace 5 --trace-ids 17\n"
      "  credsim explain runs/i --person 17\n"
      "  credsim explain runs/i --person 17 --system city --json > person17.json\n"
      "The traced persons are listed in runs/i/manifest.json (traced_persons). A person who was not\n"
      "traced cannot be explained: rerun with the same seed and --trace-ids ID (metrics.csv is the same).");
  out.push_back({ex, [a] {
                   const auto account = explain_person(a->run_dir, a->person, a->system);
                   const std::string text = a->json ? account.dump(2) + "\n" : explain_text(account);
                   std::fwrite(text.data(), 1, text.size(), stdout);
                   return 0;
                 }});
}

}  // namespace credsim::cli
