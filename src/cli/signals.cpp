#include "signals.hpp"

#include <cstdlib>
#include <cstring>
#include <pthread.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

// Sent by the destructor to the watcher thread alone, to end its wait.
constexpr int k_stop = SIGUSR2;

sigset_t watched() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, k_stop);
  return set;
}

} // namespace

const char* signal_name(int signal_number) {
  switch (signal_number) {
  case SIGINT:
    return "SIGINT";
  case SIGTERM:
    return "SIGTERM";
  default:
    return "a signal";
  }
}

SignalWatcher::SignalWatcher(util::Interrupt& interrupt) : m_interrupt(interrupt) {
  sigset_t set = watched();
  pthread_sigmask(SIG_BLOCK, &set, &m_previous);
  m_watcher = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  pthread_kill(m_watcher.native_handle(), k_stop);
  m_watcher.join();
  if (m_canceller.joinable()) {
    m_canceller.join();
  }
  pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
}

void SignalWatcher::watch() {
  sigset_t set = watched();
  while (true) {
    int received = 0;
    if (sigwait(&set, &received) != 0 || received == k_stop) {
      return;
    }
    if (m_canceller.joinable()) {
      // A second signal: the user does not want to wait. The servers roll back what the closed
      // connections left open and release their locks.
      static const char k_message[] = "dbctl: second signal: quitting at once\n";
      ssize_t ignored = write(STDERR_FILENO, k_message, sizeof k_message - 1);
      (void)ignored;
      std::_Exit(128 + received);
    }
    spdlog::warn("{} received: stopping; running statements are cancelled and rolled back, "
                 "nothing new starts (send it again to quit at once)",
                 signal_name(received));
    m_canceller = std::thread([this, received] { m_interrupt.request(received); });
  }
}

} // namespace dbctl::cli
