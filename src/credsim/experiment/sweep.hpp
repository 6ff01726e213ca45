// credsim sweep: one scenario over a design of parameter values (a full grid, or a Latin
// hypercube sample), R replicates per design point, every run in its own folder, one combined
// tidy CSV. Resumable: complete run folders are reused. docs/EXPERIMENTS.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "credsim/experiment/runs.hpp"

namespace credsim::experiment {

// --grid key=v1,v2,...: values are TOML value texts, split at commas outside [...], {...} and quotes.
struct GridDim {
  std::string key;
  std::vector<std::string> values;
};
// --lhs key=lo:hi: real values in [lo, hi).
struct LhsDim {
  std::string key;
  double lo = 0, hi = 0;
};
GridDim parse_grid(const std::string& arg);  // InputError when malformed
LhsDim parse_lhs(const std::string& arg);    // InputError when malformed

// A Latin hypercube of n points in [0,1)^dims, deterministic from seed: for dimension j, a
// permutation π_j of 0..n−1 (Fisher–Yates) and u[i][j] = (π_j(i) + U_ij) / n, all draws from
// Philox stream kExperimentDesign with key (seed, 0) and entity j. Every stratum [k/n, (k+1)/n)
// of every dimension holds exactly one point.
std::vector<std::vector<double>> latin_hypercube(std::size_t n, std::size_t dims, std::uint64_t seed);

struct SweepSpec {
  std::string scenario;
  std::vector<std::string> overrides;  // --set, every run (before the design's values)
  std::vector<GridDim> grid;
  std::vector<LhsDim> lhs;
  int samples = 0;                     // LHS points (>= 1 with --lhs)
  std::optional<std::uint64_t> lhs_seed;  // default: the scenario's run.seed
  int replicates = 1;                  // >= 1; replicate r has run.replicate = r
  std::optional<std::uint64_t> seed;   // run.seed of every run
  TickSelection ticks;
  std::vector<std::string> metrics;
  std::filesystem::path out;
};

// One design point: the value text of each dimension (grid dimensions, then LHS dimensions).
struct DesignPoint {
  std::string id;                   // p0000, p0001, ...
  std::vector<std::string> values;  // per dimension, in the order of keys()
};

struct Design {
  std::vector<std::string> keys;
  std::vector<DesignPoint> points;
};

// Grid: the Cartesian product in odometer order, the last --grid varying fastest. LHS: samples
// points in the order drawn. Throws InputError for a bad spec (no dimension, both kinds, a key
// twice, samples < 1 with --lhs, replicates < 1).
Design make_design(const SweepSpec& spec);

struct SweepResult {
  Design design;
  std::vector<RunJob> jobs;  // point-major, then replicate: OUT/runs/<point>-r<RRR>
  ExecStats stats;
  std::size_t rows = 0;      // data rows of sweep.csv
};

// Validates every design point's scenario first (nothing runs if one is bad), runs what is not
// complete, writes OUT/sweep.csv (point,replicate,<keys...>,tick,system,metric,key,value) and
// OUT/sweep.json.
SweepResult run_sweep(const SweepSpec& spec, const ExecOptions& exec);

}  // namespace credsim::experiment
