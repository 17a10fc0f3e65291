#pragma once
// Two locks held together and released in reverse order (a run lock and a work lock).
#include "dbctl/engine/driver.hpp"

#include <memory>

namespace dbctl::engine {

/// Holds `first`, then `second`; releases `second` first.
class LockPair final : public Lock {
public:
  LockPair(std::unique_ptr<Lock> first, std::unique_ptr<Lock> second)
      : m_first(std::move(first)), m_second(std::move(second)) {}
  ~LockPair() override {
    m_second.reset();
    m_first.reset();
  }
  void check() const override {
    m_first->check();
    m_second->check();
  }
  LockPair(const LockPair&) = delete;
  LockPair& operator=(const LockPair&) = delete;

private:
  std::unique_ptr<Lock> m_first;
  std::unique_ptr<Lock> m_second;
};

} // namespace dbctl::engine
