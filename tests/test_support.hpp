// Shared helpers for tests: where the real networks are, temporary folders.
#pragma once
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
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

// The whole content of a file (empty if it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Single quotes for the shell.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct CliResult {
  int code = -1;
  std::string out, err;
};

// Runs the built credsim binary with `args` in `workdir`, stdout and stderr redirected to files
// in `tmp` (as in a pipeline: never a terminal, no standard input).
inline CliResult run_cli(const TempDir& tmp, const std::filesystem::path& workdir, const std::vector<std::string>& args) {
  static int n = 0;
  const std::filesystem::path out = tmp.path() / ("stdout" + std::to_string(n));
  const std::filesystem::path err = tmp.path() / ("stderr" + std::to_string(n++));
  // append() piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
  std::string cmd = "cd ";
  cmd.append(shell_quote(workdir.string())).append(" && ").append(shell_quote(CREDSIM_BINARY));
  for (const auto& a : args) cmd.append(" ").append(shell_quote(a));
  cmd.append(" >").append(shell_quote(out.string())).append(" 2>").append(shell_quote(err.string())).append(" </dev/null");
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

}  // namespace credsim::test

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "missing: " << (needle) << "\nin: " << (haystack)
