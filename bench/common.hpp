// Shared helpers of the benchmark programs: a default-scenario simulation at N persons.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "credsim/run/simulation.hpp"
#include "credsim/society/society.hpp"
#include "credsim/systems/composite.hpp"

namespace credsim::bench {

inline std::string source_dir() { return CREDSIM_SOURCE_DIR; }

// scenarios/default.toml with society.persons = n and the given extra overrides.
inline Scenario default_scenario(std::size_t n, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), "society.persons=" + std::to_string(n));
  return load_scenario(source_dir() + "/scenarios/default.toml", extra);
}

inline std::unique_ptr<Simulation> make_simulation(const Scenario& sc) {
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  auto sim = std::make_unique<Simulation>(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
  sim->initialise(nullptr);
  return sim;
}

// The composite system of a simulation (the default scenario's only system).
inline Composite& composite_of(const Simulation& sim) {
  for (const auto& s : sim.systems())
    if (auto* c = dynamic_cast<Composite*>(s.get())) return *c;
  throw std::runtime_error("no composite system in the scenario");
}

}  // namespace credsim::bench
