// credsim resume RUN_DIR: continue a run stopped by a signal or killed after a checkpoint.
#include <memory>
#include <string>

#include "commands.hpp"
#include "credsim/run/interrupt.hpp"
#include "credsim/run/runner.hpp"

namespace credsim::cli {

void register_resume(CLI::App& app, Commands& out, int argc, char** argv) {
  struct Args {
    std::string run_dir;
    int threads = 0;
    double memory_limit_gib = 0;
    std::string command_line;
  };
  auto a = std::make_shared<Args>();
  a->command_line = join_args(argc, argv);
  auto* cmd = app.add_subcommand("resume", "Continue a stopped run from its checkpoint (RUN_DIR/checkpoint/state)");
  cmd->add_option("run_dir", a->run_dir, "The run's output folder (its --out)")->required();
  cmd->add_option("--threads", a->threads, "OpenMP threads (may differ from the first run's; results are identical)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--memory-limit", a->memory_limit_gib,
                  "Refuse runs estimated to need more than this many GiB (default: the available memory)")
      ->check(CLI::Range(0.001, 1e6));
  cmd->footer(
      "The scenario, seed, overrides and output options are those of the stopped run (kept in the\n"
      "checkpoint). metrics.csv and snapshots come out byte-identical to an uninterrupted run's;\n"
      "manifest.json records the resume (\"resumed\": from which tick, by which command).\n"
      "Examples:\n"
      "  credsim run scenarios/default.toml --out runs/long --checkpoint-every 10   (killed at tick 57)\n"
      "  credsim resume runs/long                  (continues from tick 50)\n"
      "  credsim resume runs/long --threads 8\n"
      "Ctrl-C during a resume stops it again with a new checkpoint. Exit 2: no checkpoint, a corrupt\n"
      "or truncated one, or the run is already complete.");
  out.push_back({cmd, [a] {
                   ResumeOptions opt;
                   opt.threads = a->threads;
                   opt.memory_limit_bytes = static_cast<std::uint64_t>(a->memory_limit_gib * 1073741824.0);
                   opt.command_line = a->command_line;
                   install_interrupt_handlers();
                   return finish_run(resume_run(a->run_dir, opt, terminal_progress()));
                 }});
}

}  // namespace credsim::cli
