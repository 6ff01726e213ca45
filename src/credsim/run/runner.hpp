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
};

// progress(tick, ticks, person_ticks_per_second) is called after every tick.
using ProgressFn = std::function<void(Tick, Tick, double)>;

// A fresh folder under `base` named NAME-YYYYMMDD-HHMMSS (with -2, -3 ... if taken).
std::filesystem::path fresh_run_dir(const std::filesystem::path& base, const std::string& name);

RunResult run_scenario(const Scenario& scenario, const RunOptions& options, const ProgressFn& progress = {});

std::uint64_t peak_rss_bytes();

}  // namespace credsim
