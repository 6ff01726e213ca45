// credsim compare: two arms of one experiment run with common random numbers (replicate r of
// both arms has the same seed and run.replicate = r, so the same persons, graph and luck), and
// per metric the paired difference B − A with a t interval over replicates. docs/EXPERIMENTS.md,
// statistics in docs/MODEL.md §23.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "credsim/experiment/runs.hpp"
#include "credsim/experiment/stats.hpp"

namespace credsim::experiment {

struct CompareSpec {
  std::string scenario_a, scenario_b;   // the same file for the toggle form
  std::vector<std::string> overrides;   // --set, both arms
  std::vector<std::string> toggles;     // key.path=value, arm B only (after --set)
  int replicates = 10;                  // >= 2
  std::optional<std::uint64_t> seed;    // --seed: run.seed of both arms
  TickSelection ticks;
  std::vector<std::string> metrics;     // filters; empty: all
  double level = 0.95;
  std::filesystem::path out;
};

// A scenario key whose resolved value differs between the arms (JSON text of each value;
// "(absent)" when only one arm has the key).
struct Difference {
  std::string key, a, b;
};

struct CompareRow {
  Tick tick;
  std::string system, metric, key;
  PairedSummary s;
};

struct CompareResult {
  std::vector<Difference> differences;
  std::vector<CompareRow> rows;  // in metrics.csv order (of arm A, replicate 0)
  std::size_t rows_only_in_one_arm = 0;  // (tick, system, metric, key) rows the other arm lacks
  ExecStats stats;
  std::vector<RunJob> jobs_a, jobs_b;
};

// Keys that fix the population, graph and run length: arms differing in any of them are refused,
// since their replicates would no longer share persons, ties and luck.
bool structural_key(const std::string& key);

// The resolved scenario keys that differ between the arms (both loaded for replicate 0). Throws
// InputError for a structural difference, for run.replicate in --set/--toggle, for R < 2, and for
// a --toggle that does not load (named as --toggle).
std::vector<Difference> check_arms(const CompareSpec& spec);

// The jobs of both arms: OUT/A/rep_RRR and OUT/B/rep_RRR.
void compare_jobs(const CompareSpec& spec, std::vector<RunJob>& a, std::vector<RunJob>& b);

// Checks, runs (reusing complete runs), summarises, writes OUT/compare.csv and OUT/compare.json.
CompareResult run_compare(const CompareSpec& spec, const ExecOptions& exec);

// The rows to show on a terminal: those matching `metrics` when given, otherwise the `limit`
// rows with the largest |diff_mean| / CI half-width (a nonzero difference with zero width first).
std::vector<const CompareRow*> headline_rows(const CompareResult& r, const std::vector<std::string>& metrics,
                                             std::size_t limit);

}  // namespace credsim::experiment
