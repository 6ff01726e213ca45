// The credsim command line, one file per command family (cmd_*.cpp). Each registers its
// subcommand(s) on the app and returns what to run when that subcommand was given; main.cpp
// parses, runs the one chosen and turns errors into exit codes (2 input, 3 resources, 1 other).
// Adding a command: a new cmd_NAME.cpp with register_NAME(), one line in main.cpp.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "credsim/experiment/runs.hpp"

#include "credsim/run/runner.hpp"

namespace credsim::cli {

struct Command {
  CLI::App* app;             // the subcommand; chosen when *app is true after parsing
  std::function<int()> run;  // returns the exit code; may throw InputError / ResourceError
};
using Commands = std::vector<Command>;

// The progress bar on stderr when it is a terminal (else none).
ProgressFn terminal_progress();
// Prints the summary of a finished run (exit 0), or the "interrupted ... resume with" line of a
// stopped one (exit 128 + the signal's number).
int finish_run(const RunResult& r);

// The command line as typed, for manifests.
std::string join_args(int argc, char** argv);
// How compare and sweep run their runs: `jobs` child processes of this binary, progress on stderr.
experiment::ExecOptions exec_options(int jobs, int threads);

void register_run(CLI::App& app, Commands& out, int argc, char** argv);  // run, validate
void register_graph(CLI::App& app, Commands& out);                      // graph info
void register_explain(CLI::App& app, Commands& out);                    // explain
void register_report(CLI::App& app, Commands& out);                     // report
void register_compare(CLI::App& app, Commands& out);                    // compare
void register_sweep(CLI::App& app, Commands& out);                      // sweep
void register_resume(CLI::App& app, Commands& out, int argc, char** argv);  // resume

}  // namespace credsim::cli
