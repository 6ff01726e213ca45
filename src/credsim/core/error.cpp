// Formatting of user-facing errors; the one place their layout is defined.
#include "credsim/core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace credsim {
namespace {
std::string compose(const SourcePos& pos, const std::string& key, const std::string& problem,
                    const std::string& expected, const std::string& fix) {
  std::string m;
  if (!pos.file.empty()) {
    m += pos.file;
    if (pos.line > 0) {
      // append() piecewise: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string here.
      m.append(":").append(std::to_string(pos.line));
      if (pos.column > 0) m.append(":").append(std::to_string(pos.column));
    }
    m += ": ";
  }
  if (!key.empty()) m += "key '" + key + "': ";
  m += problem;
  if (!expected.empty()) m += "; expected " + expected;
  if (!fix.empty()) m += ". Fix: " + fix;
  return m;
}
}  // namespace

InputError::InputError(SourcePos pos, std::string key, std::string problem, std::string expected,
                       std::string fix)
    : std::runtime_error(compose(pos, key, problem, expected, fix)),
      pos_(std::move(pos)),
      key_(std::move(key)),
      problem_(std::move(problem)),
      expected_(std::move(expected)),
      fix_(std::move(fix)) {}

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "credsim: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
  std::abort();
}
}  // namespace credsim
