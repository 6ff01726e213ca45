// The credsim command line: parses arguments, runs the chosen command, turns errors into exit
// codes. No model logic here; each command lives in its own cmd_*.cpp (commands.hpp).
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "commands.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/version.hpp"

int main(int argc, char** argv) {
  using namespace credsim;
  // OpenMP threads that spin while waiting are up to 15× slower on a shared, busy machine
  // (measured: docs/PERFORMANCE.md). libgomp reads its settings before main(), so when the
  // user has not chosen a wait policy, set "passive" and restart this process once.
  bool restart = false;
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    restart = true;
  }
  // Transparent huge pages for the large columns: glibc's malloc marks every chunk it maps of
  // 2 MiB and more with madvise(MADV_HUGEPAGE) under this tunable (glibc ≥ 2.35; read at start,
  // like libgomp's settings). Kernels that leave huge pages to madvise (Debian's default) then
  // fault a column in 2 MiB at a time instead of 4 KiB, and random gathers over it miss the TLB
  // far less; the bytes out are the same (measured: docs/PERFORMANCE.md, "Huge pages"). A user
  // who sets glibc.malloc.hugetlb in GLIBC_TUNABLES (e.g. to 0) keeps their choice.
  if (const char* tunables = std::getenv("GLIBC_TUNABLES"); tunables == nullptr || std::strstr(tunables, "glibc.malloc.hugetlb") == nullptr) {
    std::string t = tunables != nullptr && *tunables != '\0' ? std::string(tunables) + ":" : std::string();
    t += "glibc.malloc.hugetlb=1";
    ::setenv("GLIBC_TUNABLES", t.c_str(), 1);
    restart = true;
  }
  if (restart) ::execv("/proc/self/exe", argv);  // returns only on failure: carry on with the defaults
  // Columns of a million persons and more are allocated with mmap and given back to the system
  // when freed. glibc otherwise raises its mmap threshold after the first such free (up to
  // 32 MiB), so per-tick columns freed while measuring would stay in the heap and the peak would
  // depend on the population (ARCHITECTURE.md, "Memory accounting").
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  CLI::App app{"credsim: a simulator of social credit systems on synthetic societies.\n"
               "Every person in it is generated; it never scores a real person."};
  app.set_version_flag("--version", std::string(kVersion) + " (" + kGitCommit + ")");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  credsim run scenarios/default.toml\n"
      "  credsim run scenarios/default.toml --seed 7 --threads 2 --set society.persons=20000\n"
      "  credsim validate scenarios/default.toml --set graph.model=erdos_renyi\n"
      "  credsim graph info ../shared/data/graphs/karate.txt.gz\n"
      "  credsim report runs/default-20261122-100412\n"
      "  credsim compare scenarios/integrated_2020.toml --toggle systems.court.notify_prob=0 --replicates 10\n"
      "  credsim sweep scenarios/default.toml --grid data.notify_prob=0,0.5,1 --replicates 3 --jobs 2\n"
      "  credsim run scenarios/default.toml --out runs/long --checkpoint-every 10;  credsim resume runs/long\n"
      "Each subcommand has --help with more examples.");

  cli::Commands commands;
  cli::register_run(app, commands, argc, argv);
  cli::register_graph(app, commands);
  cli::register_explain(app, commands);
  cli::register_report(app, commands);
  cli::register_compare(app, commands);
  cli::register_sweep(app, commands);
  cli::register_resume(app, commands, argc, argv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, version, or the usage error
    return code == 0 ? 0 : 2;      // usage errors exit 2, like every other input error
  }

  try {
    for (const cli::Command& c : commands)
      if (*c.app) return c.run();
  } catch (const InputError& e) {
    std::fprintf(stderr, "credsim: error: %s\n", e.what());
    return 2;
  } catch (const ResourceError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "credsim: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
