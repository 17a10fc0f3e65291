#pragma once
// A connection registered with the run's interruption for as long as it is open.
#include "dbctl/util/interrupt.hpp"

#include <cstdint>
#include <memory>
#include <utility>

namespace dbctl::engine {

/// Deleter that unregisters the connection's cancel function before closing it, so a cancel
/// on the signal thread never reaches a closed connection.
template <typename T>
struct Unregister {
  util::Interrupt* interrupt = nullptr;
  std::uint64_t id = 0;
  /// What lives as long as the connection and goes after it (a notice handler).
  std::shared_ptr<void> companion;
  void operator()(T* connection) const noexcept {
    if (interrupt != nullptr) {
      interrupt->remove(id);
    }
    delete connection;
  }
};

/// An owned connection, registered with an interruption (or with none).
template <typename T>
using Cancellable = std::unique_ptr<T, Unregister<T>>;

/// Take ownership of `connection` and register `cancel` (called with the connection) with
/// `interrupt` when there is one.
template <typename T, typename CancelFn>
Cancellable<T> make_cancellable(std::unique_ptr<T> connection, util::Interrupt* interrupt, CancelFn cancel) {
  Unregister<T> unregister;
  if (interrupt != nullptr) {
    T* raw = connection.get();
    unregister.interrupt = interrupt;
    unregister.id = interrupt->add([raw, cancel]() noexcept { cancel(*raw); });
  }
  return Cancellable<T>(connection.release(), unregister);
}

} // namespace dbctl::engine
