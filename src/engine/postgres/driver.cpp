#include "driver.hpp"

#include "connection.hpp"
#include "session.hpp"
#include "target_session.hpp"

namespace dbctl::engine::postgres {

namespace {

class Driver final : public engine::Driver {
public:
  explicit Driver(const SessionOptions& options) : m_options(options) {}

  std::unique_ptr<AdminSession> admin(const topology::Server& server) override {
    return std::make_unique<Session>(server, m_options);
  }

  void ping(const topology::Server& server) override {
    connect(server, server.admin_database, admin_login(server), m_options);
  }

  std::unique_ptr<engine::TargetSession> target(const targets::Target& target, Keep* keep) override {
    return std::make_unique<TargetSession>(target, m_options, keep, &m_checked);
  }

private:
  SessionOptions m_options;
  CheckedServers m_checked;
};

} // namespace

std::unique_ptr<engine::Driver> make_driver(const SessionOptions& options) {
  return std::make_unique<Driver>(options);
}

} // namespace dbctl::engine::postgres
