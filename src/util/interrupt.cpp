#include "dbctl/util/interrupt.hpp"

#include "dbctl/util/error.hpp"

#include <csignal>
#include <string>
#include <utility>

namespace dbctl::util {

void Interrupt::request(int signal_number) {
  int none = 0;
  m_signal.compare_exchange_strong(none, signal_number);
  std::lock_guard<std::mutex> lock(m_mutex);
  for (auto& [id, cancel] : m_cancels) {
    cancel();
  }
}

std::uint64_t Interrupt::add(Cancel cancel) {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::uint64_t id = m_next++;
  if (requested()) {
    cancel();
  }
  m_cancels.emplace(id, std::move(cancel));
  return id;
}

void Interrupt::remove(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_cancels.erase(id);
}

void throw_if_interrupted(const Interrupt* interrupt) {
  if (interrupted(interrupt)) {
    int number = interrupt->signal_number();
    throw InterruptedError(std::string("interrupted by ") + (number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal " + std::to_string(number)));
  }
}

} // namespace dbctl::util
