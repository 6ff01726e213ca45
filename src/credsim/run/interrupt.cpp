// Interrupt flag (see interrupt.hpp).
#include "credsim/run/interrupt.hpp"

#include <signal.h>

#include <csignal>

namespace credsim {
namespace {
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int signo) {
  if (g_signal == 0) g_signal = signo;
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int pending_interrupt() { return g_signal; }
void clear_interrupt() { g_signal = 0; }
void request_interrupt(int signo) { g_signal = signo; }

}  // namespace credsim
