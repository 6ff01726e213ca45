// Shared by the checkpoint tests: the output files of a run folder, for byte comparisons.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include "test_support.hpp"

namespace credsim::test {

// Every regular file of a finished run that must be byte-identical to an uninterrupted run's:
// all files except manifest.json (timings) and anything under checkpoint/. Relative path → bytes.
inline std::map<std::string, std::string> result_files(const std::filesystem::path& run_dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(run_dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = std::filesystem::relative(e.path(), run_dir).generic_string();
    if (rel == "manifest.json" || rel.rfind("checkpoint/", 0) == 0) continue;
    out[rel] = slurp(e.path());
  }
  return out;
}

// Names of the files differing between two result_files() maps (or present in one only).
inline std::string differing(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::string d;
  for (const auto& [k, v] : a)
    if (!b.count(k) || b.at(k) != v) d += k + " ";
  for (const auto& [k, v] : b)
    if (!a.count(k)) d += k + "(only in second) ";
  return d;
}

}  // namespace credsim::test
