// Running a preset briefly in a test: the metrics.csv bytes of a short run with `threads` threads.
#pragma once
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"
#include "test_support.hpp"

namespace credsim::test {

// Every preset (scenarios/*.toml), sorted by name.
inline std::vector<std::filesystem::path> preset_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(CREDSIM_SOURCE_DIR) / "scenarios"))
    if (e.path().extension() == ".toml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string run_preset_metrics(const std::string& preset, const std::vector<std::string>& overrides,
                                      const std::filesystem::path& dir, int threads) {
  const Scenario sc = load_scenario(std::string(CREDSIM_SOURCE_DIR) + "/scenarios/" + preset + ".toml", overrides);
  RunOptions opt;
  opt.out_dir = dir;
  opt.threads = threads;
  run_scenario(sc, opt);
  return slurp(dir / "metrics.csv");
}

}  // namespace credsim::test
