// Memory before allocation: an estimate of a run's peak model memory from the scenario alone,
// and the check that refuses a run that would not fit (a clear message instead of the
// operating system killing the process half-way).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "credsim/scenario/scenario.hpp"

namespace credsim {

struct MemoryEstimate {
  double bytes = 0;
  std::vector<std::pair<std::string, double>> parts;  // what the bytes are, largest first
};

// Peak model memory for `persons` persons and `edges` undirected edges over the whole run:
// columns per person and per system, the graph, the harm metrics' window, the measure stage's
// temporaries and the ledger's growth over run.ticks. Constants follow each component's
// memory_bytes() (docs/PERFORMANCE.md compares the estimate with measured peaks).
MemoryEstimate estimate_memory(const Scenario& sc, double persons, double edges);

// Ledger records a run of sc.run.ticks ticks is expected to write for `persons` persons (the
// estimate's ledger part; Simulation reserves room for a quarter more).
double expected_ledger_records(const Scenario& sc, double persons);

// MemAvailable from /proc/meminfo (0 if unknown).
std::uint64_t available_memory_bytes();

// Resident memory of this process now, from /proc/self/statm (0 if unknown).
std::uint64_t resident_bytes();

// Throws ResourceError when the estimate exceeds the limit, naming the estimate, the limit, the
// largest parts and what to reduce. limit_bytes 0: the available memory plus what this process
// already holds (`held_bytes`: the estimate counts it too, e.g. a graph built before the check).
void check_memory(const MemoryEstimate& est, std::uint64_t limit_bytes, std::uint64_t held_bytes = 0);

}  // namespace credsim
