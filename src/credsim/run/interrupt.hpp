// SIGINT / SIGTERM during a run: the handler only records the signal (async-signal-safe); the
// run notices it after the current tick, writes a checkpoint and stops (runner.hpp), and the
// command line exits with 128 + the signal's number. A second signal while the checkpoint is
// being written changes nothing: the checkpoint is finished and renamed into place first.
#pragma once

namespace credsim {

// Installs the handlers for SIGINT and SIGTERM (SA_RESTART: file writes are not cut short).
void install_interrupt_handlers();
// The signal received since the last clear (the first one if several), or 0.
int pending_interrupt();
void clear_interrupt();
// As if signal `signo` had arrived (tests and callers that stop a run themselves).
void request_interrupt(int signo);

}  // namespace credsim
