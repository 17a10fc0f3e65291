#pragma once
// The PostgreSQL driver's entry point (libpqxx stays inside engine/postgres).
#include "dbctl/engine/driver.hpp"

#include <memory>

namespace dbctl::engine::postgres {

/// Return the PostgreSQL driver, its sessions set up by `options`.
std::unique_ptr<engine::Driver> make_driver(const SessionOptions& options);

} // namespace dbctl::engine::postgres
