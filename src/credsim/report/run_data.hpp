// What `credsim report` reads: a run folder's metrics.csv (tidy rows) and manifest.json, and a
// compare folder's compare.csv. Read into plain tables with exact values (the report's charts
// are drawn from these and nothing else); bad files are InputErrors naming file and line.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim::report {

// metrics.csv as a lookup table: (system, metric, key) → value at each measured tick.
// NA is read as NaN. Orders are those of the file (systems, metrics, keys as first written).
class MetricsTable {
 public:
  static MetricsTable read(const std::filesystem::path& csv);
  static MetricsTable parse(const std::string& text, const std::string& file_name);

  const std::vector<Tick>& ticks() const { return ticks_; }  // measured ticks, ascending
  Tick last_tick() const { return ticks_.empty() ? 0 : ticks_.back(); }
  bool has(const std::string& system, const std::string& metric) const;
  bool has_system(const std::string& system) const;
  std::optional<double> at(Tick t, const std::string& system, const std::string& metric, const std::string& key) const;
  // Keys of (system, metric) in first-written order; empty if the metric is absent.
  const std::vector<std::string>& keys(const std::string& system, const std::string& metric) const;
  const std::vector<std::string>& systems() const { return systems_; }
  const std::vector<std::string>& metrics(const std::string& system) const;
  std::size_t rows() const { return rows_; }

 private:
  static std::string id(const std::string& s, const std::string& m, const std::string& k);
  std::vector<Tick> ticks_;
  std::map<std::string, std::map<Tick, double>> values_;  // id(system, metric, key) → tick → value
  std::map<std::string, std::vector<std::string>> keys_;  // system \x1f metric → keys
  std::map<std::string, std::vector<std::string>> metrics_;
  std::vector<std::string> systems_;
  std::size_t rows_ = 0;
};

// One run folder.
struct RunData {
  std::filesystem::path dir;
  std::string label;                // shown in legends; unique among the report's runs
  nlohmann::json manifest;          // as written by credsim run
  std::vector<std::pair<std::string, std::string>> systems;  // (name, type) in scenario order
  MetricsTable metrics;
  std::string type_of(const std::string& system) const;  // "" if not a scoring system
};

// A compare folder's compare.csv (credsim compare): one row per (tick, system, metric, key) with
// the mean in each arm, the mean paired difference B − A and its interval. Columns are found by
// name; extra columns are ignored.
struct CompareRow {
  Tick tick = 0;
  std::string system, metric, key;
  double mean_a = 0, mean_b = 0, diff_mean = 0, ci_low = 0, ci_high = 0;
  double n = 0;
};
struct CompareData {
  std::filesystem::path dir;
  std::string label, label_a, label_b;  // arms named by the keys that differ (compare.json)
  double level = 0.95;                  // of the intervals (compare.json)
  std::vector<CompareRow> rows;
};

// A sweep folder's sweep.csv (credsim sweep): point,replicate,<one column per swept key>,tick,
// system,metric,key,value.
struct SweepRow {
  std::string point;
  int replicate = 0;
  std::vector<std::string> values;  // one per swept key, as written
  Tick tick = 0;
  std::string system, metric, key;
  double value = 0;
};
struct SweepData {
  std::filesystem::path dir;
  std::string label, design;  // design: "grid" or "lhs" (from sweep.json; "grid" if unknown)
  std::vector<std::string> keys;
  std::vector<SweepRow> rows;
};

// Reads RUN_DIR (metrics.csv + manifest.json). Throws InputError when a file is missing or bad.
RunData load_run(const std::filesystem::path& dir);
// True when dir holds a compare.csv (a compare or sweep folder rather than a run).
bool is_compare_dir(const std::filesystem::path& dir);
CompareData load_compare(const std::filesystem::path& dir);
bool is_sweep_dir(const std::filesystem::path& dir);  // holds a sweep.csv
SweepData load_sweep(const std::filesystem::path& dir);
// Gives each run a distinct label: the scenario's run.name, made unique by the overrides or the
// folder name when two runs share a name. `given` (from --label) wins where non-empty.
void assign_labels(std::vector<RunData>& runs, const std::vector<std::string>& given);

}  // namespace credsim::report
