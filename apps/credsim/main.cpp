// The credsim command line: parses arguments, runs the chosen command, turns errors into exit
// codes. No model logic here; each command lives in its own cmd_*.cpp (commands.hpp).
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "commands.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/process_env.hpp"
#include "credsim/core/version.hpp"

int main(int argc, char** argv) {
  using namespace credsim;
  // Passive OpenMP waiting and transparent huge pages (core/process_env.hpp): libgomp and glibc
  // read their settings before main(), so set them and restart this process once.
  if (set_process_environment()) ::execv("/proc/self/exe", argv);  // returns only on failure: carry on
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
