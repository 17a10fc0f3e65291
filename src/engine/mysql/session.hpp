#pragma once
// The MySQL/MariaDB admin session and driver.
#include "dbctl/engine/driver.hpp"

#include <memory>

namespace dbctl::engine::mysql {

/// Return the MySQL/MariaDB driver (Connector/C++ stays inside engine/mysql), its sessions set
/// up by `options`.
std::unique_ptr<engine::Driver> make_driver(const SessionOptions& options);

} // namespace dbctl::engine::mysql
