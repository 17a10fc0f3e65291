#include "driver.hpp"

#include "connection.hpp"
#include "session.hpp"
#include "target_session.hpp"

namespace dbctl::engine::postgres {

namespace {

class Driver final : public engine::Driver {
public:
  std::unique_ptr<AdminSession> admin(const topology::Server& server) override {
    return std::make_unique<Session>(server);
  }

  void ping(const topology::Server& server) override {
    connect(server, server.admin_database, admin_login(server));
  }

  std::unique_ptr<engine::TargetSession> target(const targets::Target& target, Keep* keep) override {
    return std::make_unique<TargetSession>(target, keep);
  }
};

} // namespace

std::unique_ptr<engine::Driver> make_driver() { return std::make_unique<Driver>(); }

} // namespace dbctl::engine::postgres
