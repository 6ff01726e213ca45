// Replays every file under the given folders through one fuzzing entry point (fuzz_entry.hpp),
// without libFuzzer, so the corpus and every crash input found so far run in `make test`:
//   credsim_fuzz_replay scenario|edge_list DIR...
// Each file must be accepted or rejected with an InputError; a crash, another exception or a
// sanitizer report fails the test, and the file being replayed is named on stderr first.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_entry.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 3 || (std::strcmp(argv[1], "scenario") != 0 && std::strcmp(argv[1], "edge_list") != 0)) {
    std::fprintf(stderr, "usage: %s scenario|edge_list DIR...\n", argv[0]);
    return 2;
  }
  const bool scenario = std::strcmp(argv[1], "scenario") == 0;
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    if (!fs::is_directory(argv[i])) {
      std::fprintf(stderr, "not a folder: %s\n", argv[i]);
      return 2;
    }
    for (const auto& e : fs::recursive_directory_iterator(argv[i]))
      if (e.is_regular_file() && e.path().filename().string().rfind("README", 0) != 0) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "no inputs found: the corpus is missing\n");
    return 1;
  }
  std::size_t accepted = 0, rejected = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::fprintf(stderr, "replay %s\n", f.c_str());
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const auto outcome = scenario ? credsim::fuzz::scenario_entry(data, bytes.size())
                                  : credsim::fuzz::edge_list_entry(data, bytes.size());
    (outcome == credsim::fuzz::Outcome::kAccepted ? accepted : rejected)++;
  }
  std::printf("%s: %zu inputs replayed: %zu accepted, %zu rejected with InputError, no crash\n", argv[1],
              files.size(), accepted, rejected);
  return 0;
}
