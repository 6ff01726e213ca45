// Shared helpers for tests: where the real networks are, temporary folders.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace credsim::test {

// ../shared/data/graphs beside the project, or $CREDSIM_DATA. Empty path when absent
// (tests then GTEST_SKIP with a message, as for a user who cloned the project alone).
inline std::filesystem::path data_graphs_dir() {
  if (const char* env = std::getenv("CREDSIM_DATA")) {
    std::filesystem::path p(env);
    if (std::filesystem::exists(p / "graphs")) return p / "graphs";
    if (std::filesystem::exists(p)) return p;
  }
  std::filesystem::path p = std::filesystem::path(CREDSIM_SOURCE_DIR) / ".." / "shared" / "data" / "graphs";
  if (std::filesystem::exists(p)) return std::filesystem::canonical(p);
  return {};
}

#define CREDSIM_REQUIRE_DATA(dir)                                                            \
  const auto dir = ::credsim::test::data_graphs_dir();                                       \
  if (dir.empty()) GTEST_SKIP() << "real networks not found: put ../shared/data/graphs beside " \
                                   "the project or set CREDSIM_DATA"

// A fresh empty folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("credsim-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::error_code ec; std::filesystem::remove_all(path_, ec); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace credsim::test
