// One whole run: output folder, graph, simulation, metrics.csv and manifest.json.
// The command line and tests call this; it owns no policy about printing.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "credsim/scenario/scenario.hpp"

namespace credsim {

struct RunOptions {
  std::filesystem::path out_dir;  // empty: runs/<name>-<timestamp>
  int threads = 0;                // 0: OpenMP's default
  std::uint64_t memory_limit_bytes = 0;  // refuse runs estimated above this (0: available memory)
  std::vector<std::string> overrides;  // as given, for the manifest
  std::string command_line;            // for the manifest
  // Per-person snapshots (io/snapshot.hpp) at tick 0, every k-th tick and the last; 0: none.
  // They never change metrics.csv.
  Tick snapshot_every = 0;
  // Explain (SPEC §5): trace this many persons drawn from the seed, plus these ids, into
  // OUT/trace.jsonl (explain/trace.hpp). Never changes metrics.csv.
  std::uint32_t trace_count = 0;
  std::vector<std::uint64_t> trace_ids;
  // Write a checkpoint (OUT/checkpoint/state) after every k-th tick; 0: only when interrupted.
  Tick checkpoint_every = 0;
  // Stop after this tick as if interrupted (checkpoint written, outputs left .partial); 0: never.
  // For tests and tools; SIGINT/SIGTERM (run/interrupt.hpp) stop a run the same way.
  Tick stop_after = 0;
};

// `credsim resume RUN_DIR`: the scenario and the run's options come from the checkpoint.
struct ResumeOptions {
  int threads = 0;                       // 0: OpenMP's default (results do not depend on it)
  std::uint64_t memory_limit_bytes = 0;  // as RunOptions
  std::string command_line;              // recorded in the manifest's "resumed" list
  Tick stop_after = 0;                   // as RunOptions
};

struct SummaryRow {
  std::string system, metric;
  double value;
};

struct RunResult {
  std::filesystem::path out_dir;
  double wall_seconds = 0;
  double person_ticks_per_second = 0;
  std::uint64_t peak_rss_bytes = 0;
  std::vector<std::filesystem::path> snapshots;  // snapshot folders written, in tick order
  std::vector<NodeId> traced;                    // persons traced into trace.jsonl (sorted)
  std::vector<SummaryRow> summary;  // final tick, for the terminal
  struct Target {
    std::string name;
    double model, target;
  };
  std::vector<Target> calibration;  // final tick
  // The run stopped before its last tick (signal or stop_after): a checkpoint was written and
  // the outputs are left as NAME.partial. interrupted_by: the signal's number (0: stop_after).
  bool stopped = false;
  int interrupted_by = 0;
  Tick tick = 0, ticks = 0;  // the last tick done, of how many
};

// progress(tick, ticks, person_ticks_per_second) is called after every tick.
using ProgressFn = std::function<void(Tick, Tick, double)>;

// A fresh folder under `base` named NAME-YYYYMMDD-HHMMSS (with -2, -3 ... if taken).
std::filesystem::path fresh_run_dir(const std::filesystem::path& base, const std::string& name);

RunResult run_scenario(const Scenario& scenario, const RunOptions& options, const ProgressFn& progress = {});
// Continues the run in run_dir from its checkpoint (run_dir/checkpoint/state). The finished
// run's metrics.csv and snapshots are byte-identical to an uninterrupted run's. InputError
// (exit 2): no checkpoint, a corrupt or truncated one, one for another scenario, or the run is
// already complete.
RunResult resume_run(const std::filesystem::path& run_dir, const ResumeOptions& options,
                     const ProgressFn& progress = {});
// The checkpoint of a run folder (run_dir/checkpoint/state).
std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir);

std::uint64_t peak_rss_bytes();

}  // namespace credsim
