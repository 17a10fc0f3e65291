#pragma once
// The PostgreSQL driver's entry point (libpqxx stays inside engine/postgres).
#include "dbctl/engine/driver.hpp"

#include <memory>

namespace dbctl::engine::postgres {

/// Return the PostgreSQL driver.
std::unique_ptr<engine::Driver> make_driver();

} // namespace dbctl::engine::postgres
