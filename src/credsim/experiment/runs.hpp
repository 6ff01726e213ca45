// Many runs of one experiment (compare, sweep): each in its own folder, reused when complete,
// run in this process one after another (jobs = 1) or as J child processes of the credsim
// binary at once (`credsim run ... --threads 1`). A run's metrics.csv does not depend on how it
// was run (determinism), so neither does anything built from it. docs/EXPERIMENTS.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim::experiment {

// One run: `credsim run SCENARIO --out DIR --set O1 --set O2 ...`.
struct RunJob {
  std::string scenario;
  std::vector<std::string> overrides;  // in order; the last ones set run.seed and run.replicate
  std::filesystem::path dir;
  std::string label;  // for progress lines, e.g. "A/rep_003"
};

// A folder is complete when it holds metrics.csv and manifest.json (written last, atomically)
// and the manifest names the same scenario file and overrides. A complete folder of another run
// is an InputError (never overwritten); anything else there is an interrupted run: removed and rerun.
enum class RunState { kMissing, kIncomplete, kComplete };
RunState run_state(const RunJob& job);

struct ExecOptions {
  int jobs = 1;                   // runs at once; 1: in this process
  int threads = 0;                // OpenMP threads of an in-process run (0: default); children use 1
  std::filesystem::path executable;  // the credsim binary for jobs > 1 (the CLI: /proc/self/exe)
  std::function<void(const std::string&)> log;  // one line per run started/reused/finished; may be empty
};

struct ExecStats {
  std::size_t ran = 0, reused = 0;
};

// Runs every job whose folder is not complete. Throws InputError / ResourceError / runtime_error
// naming the run (and its log for a child) when one fails; the others still finish first.
ExecStats execute_runs(const std::vector<RunJob>& jobs, const ExecOptions& options);

// The equivalent command line of a job (for manifests and docs).
std::string run_command_line(const RunJob& job);

// One row of a metrics.csv; value_text is the value exactly as written ("NA" for NaN).
struct MetricRow {
  Tick tick;
  std::string system, metric, key, value_text;
  double value;  // NaN for NA
};
std::vector<MetricRow> read_metrics(const std::filesystem::path& csv);

// Which ticks to report: the last one in the file, all, or a list ("last", "all", "0,26,52").
struct TickSelection {
  enum class Kind { kLast, kAll, kList } kind = Kind::kLast;
  std::vector<Tick> ticks;  // kList: sorted, unique
};
TickSelection parse_ticks(const std::string& text);  // InputError when malformed
std::string describe(const TickSelection& sel);

// Metric filters: "metric" or "system.metric"; empty: everything.
bool metric_selected(const std::vector<std::string>& filters, const MetricRow& row);

// The rows of one run that the selections keep, in file order. `last` = the largest tick in the file.
std::vector<MetricRow> select_rows(std::vector<MetricRow> rows, const TickSelection& ticks,
                                   const std::vector<std::string>& metrics);
// An InputError naming every filter that matched no row of `rows` (all rows of a run).
void check_filters_matched(const std::vector<MetricRow>& rows, const std::vector<std::string>& metrics,
                           const TickSelection& ticks, const std::filesystem::path& where);

// Shortest round-trip decimal of a double ("NA" for NaN), as metrics.csv writes values.
std::string format_value(double v);
// A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break.
std::string csv_field(const std::string& s);

}  // namespace credsim::experiment
