#include "lease.hpp"

#include "../holder.hpp"
#include "../lease.hpp"

#include "dbctl/engine/error.hpp"

#include <functional>

#include <cppconn/exception.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

namespace dbctl::engine::mysql {

namespace {

constexpr const char* k_create = "CREATE TABLE IF NOT EXISTS dbctl_lock (lock_key VARCHAR(191) NOT NULL PRIMARY KEY, "
                                 "holder VARCHAR(255) NOT NULL, acquired_at DATETIME(6) NOT NULL, "
                                 "expires_at DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
constexpr int k_no_such_table = 1146;
constexpr int k_deadlock = 1213;      // also Galera's certification failure
constexpr int k_lock_wait = 1205;

std::string length() { return "INTERVAL " + std::to_string(k_lease_length.count()) + " SECOND"; }

void run(sql::Connection& connection, const std::string& text) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  statement->execute(text);
}

// Try once: the lease when free, expired or this process's own (an expired holder, if any, in
// `taken_from`).
// Every statement commits on its own (autocommit).
bool try_take(sql::Connection& connection, const std::string& key, const std::string& holder,
              std::string& taken_from) {
  std::string k = quote_literal(connection, key);
  std::string h = quote_literal(connection, holder);
  auto old = query(connection, "SELECT holder FROM dbctl_lock WHERE lock_key = " + k + " AND expires_at < NOW(6)");
  std::string expired = old->next() ? std::string(old->getString(1)) : "";
  // The assignments read the row's old expires_at, so it is set last.
  run(connection, "INSERT INTO dbctl_lock (lock_key, holder, acquired_at, expires_at) VALUES (" + k + ", " + h +
                      ", NOW(6), NOW(6) + " + length() + ") ON DUPLICATE KEY UPDATE "
                      "acquired_at = IF(expires_at < NOW(6) OR holder = VALUES(holder), VALUES(acquired_at), acquired_at), "
                      "holder = IF(expires_at < NOW(6) OR holder = VALUES(holder), VALUES(holder), holder), "
                      "expires_at = IF(expires_at < NOW(6) OR holder = VALUES(holder), VALUES(expires_at), expires_at)");
  auto now = query(connection, "SELECT holder FROM dbctl_lock WHERE lock_key = " + k);
  if (!now->next() || std::string(now->getString(1)) != holder) {
    return false;
  }
  taken_from = expired;
  return true;
}

std::string describe_holder(sql::Connection& connection, const std::string& key) {
  auto row = query(connection, "SELECT holder, DATE_FORMAT(acquired_at, '%Y-%m-%d %H:%i:%s'), "
                               "CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(6), expires_at) / 1000000) FROM dbctl_lock "
                               "WHERE lock_key = " + quote_literal(connection, key));
  if (!row->next()) {
    return "another run (its lease just ended)";
  }
  return std::string(row->getString(1)) + " since " + std::string(row->getString(2)) + " (its lease expires in " +
         std::string(row->getString(3)) + " s unless renewed)";
}

} // namespace

bool galera_node(sql::Connection& connection) {
  auto row = query(connection, "SHOW VARIABLES LIKE 'wsrep_on'");
  return row->next() && std::string(row->getString(2)) == "ON";
}

std::unique_ptr<Lock> take_lease(Connection connection, const std::string& key, std::chrono::seconds timeout,
                                 const std::string& context, const util::Interrupt* interrupt) {
  std::string holder = holder_name();
  try {
    std::string taken_from;
    bool created = false;
    std::function<bool()> take = [&]() -> bool {
      try {
        return try_take(*connection, key, holder, taken_from);
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == k_no_such_table && !created) {
          run(*connection, k_create); // a target's first lease; then try again
          created = true;
          return take();
        }
        if (e.getErrorCode() != k_deadlock && e.getErrorCode() != k_lock_wait) {
          throw;
        }
        return false; // another run's insert, on this node or another, committed first
      }
    };
    wait_for_lease(take, [&] { return describe_holder(*connection, key); }, timeout, context, interrupt);
    if (!taken_from.empty() && taken_from != holder) { // its own: a target started again after a failover
      spdlog::warn("{}took over the migration lock from {}, whose lease had expired", context, taken_from);
    }
    // The lease's thread renews it on its own connection (shared by its two functions).
    std::shared_ptr<Connection> own = std::make_shared<Connection>(std::move(connection));
    std::string k = quote_literal(**own, key);
    std::string h = quote_literal(**own, holder);
    auto renew = [own, k, h] {
      std::unique_ptr<sql::Statement> statement((*own)->createStatement());
      return statement->executeUpdate("UPDATE dbctl_lock SET expires_at = NOW(6) + " + length() +
                                      " WHERE lock_key = " + k + " AND holder = " + h) == 1;
    };
    auto release = [own, k, h] { run(**own, "DELETE FROM dbctl_lock WHERE lock_key = " + k + " AND holder = " + h); };
    return std::make_unique<HeldLease>(renew, release, "dbctl_lock", context);
  } catch (const dbctl::Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow(e, context + "taking the migration lock (lock: table): ");
  }
}

} // namespace dbctl::engine::mysql
