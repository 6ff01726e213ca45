// Errors a user can cause (scenario, edge list, override, resources): typed, with where and how to fix.
// Programmer errors are assertions (CREDSIM_ASSERT), never exceptions. Nothing throws inside the tick loop.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace credsim {

// Where a bad input came from. Any field may be empty/zero when unknown.
struct SourcePos {
  std::string file;        // path, or e.g. "--set argument 2"
  std::uint64_t line = 0;  // 1-based; 0 = unknown
  std::uint64_t column = 0;
};

// A problem the user can fix. what() gives the full message:
//   FILE:LINE:COLUMN: key 'KEY': PROBLEM; expected EXPECTED. Fix: FIX
class InputError : public std::runtime_error {
 public:
  InputError(SourcePos pos, std::string key, std::string problem, std::string expected = {},
             std::string fix = {});
  const SourcePos& pos() const { return pos_; }
  const std::string& key() const { return key_; }
  const std::string& problem() const { return problem_; }
  const std::string& expected() const { return expected_; }
  const std::string& fix() const { return fix_; }

 private:
  SourcePos pos_;
  std::string key_, problem_, expected_, fix_;
};

// A resource problem (file cannot be written, memory would not fit): the message says what to do.
class ResourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);

}  // namespace credsim

#if !defined(NDEBUG) || defined(CREDSIM_CHECKED)
#define CREDSIM_ASSERT(expr) ((expr) ? (void)0 : ::credsim::assertion_failed(#expr, __FILE__, __LINE__))
#else
#define CREDSIM_ASSERT(expr) ((void)0)
#endif
