#include "lease.hpp"

#include "../holder.hpp"
#include "../lease.hpp"

#include "dbctl/engine/error.hpp"

#include <memory>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

namespace dbctl::engine::postgres {

namespace {

void create_table(pqxx::connection& connection, const std::string& table, const std::string& owner) {
  std::string create = "CREATE TABLE IF NOT EXISTS " + table +
                       " (lock_key text PRIMARY KEY, holder text NOT NULL,"
                       " acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)";
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::work tx(connection);
      if (!owner.empty()) {
        tx.exec("SET LOCAL ROLE " + connection.quote_name(owner)); // the table is the owner's
      }
      tx.exec(create);
      tx.commit();
      return;
    } catch (const pqxx::unique_violation&) {
      if (attempt > 0) { // two runs created it at once; the other one won
        throw;
      }
    }
  }
}

// Try once: the lease when free, expired or this process's own (the old holder, if any, in
// `taken_from`).
bool try_take(pqxx::connection& connection, const std::string& table, const std::string& key,
              const std::string& holder, std::string& taken_from) {
  pqxx::nontransaction tx(connection);
  pqxx::result got = tx.exec_params(
      "WITH old AS (SELECT holder FROM " + table + " WHERE lock_key = $1) "
      "INSERT INTO " + table + " AS l (lock_key, holder, acquired_at, expires_at) "
      "VALUES ($1, $2, now(), now() + make_interval(secs => $3)) "
      "ON CONFLICT (lock_key) DO UPDATE SET holder = EXCLUDED.holder, acquired_at = now(), "
      "expires_at = EXCLUDED.expires_at WHERE l.expires_at < now() OR l.holder = EXCLUDED.holder "
      "RETURNING coalesce((SELECT holder FROM old), '')",
      key, holder, static_cast<double>(k_lease_length.count()));
  if (got.empty()) {
    return false;
  }
  taken_from = got[0][0].as<std::string>();
  return true;
}

std::string describe_holder(pqxx::connection& connection, const std::string& table, const std::string& key) {
  pqxx::nontransaction tx(connection);
  pqxx::result row = tx.exec_params("SELECT holder, to_char(acquired_at, 'YYYY-MM-DD HH24:MI:SS TZ'), "
                                    "ceil(extract(epoch FROM expires_at - now()))::bigint FROM " + table +
                                        " WHERE lock_key = $1",
                                    key);
  if (row.empty()) {
    return "another run (its lease just ended)";
  }
  return row[0][0].as<std::string>() + " since " + row[0][1].as<std::string>() + " (its lease expires in " +
         row[0][2].as<std::string>() + " s unless renewed)";
}

} // namespace

std::unique_ptr<Lock> take_lease(Connection connection, const std::string& table, const std::string& owner,
                                 const std::string& key, std::chrono::seconds timeout,
                                 const std::string& context, const util::Interrupt* interrupt) {
  std::string holder = holder_name();
  try {
    std::string taken_from;
    auto take = [&] {
      try {
        return try_take(*connection, table, key, holder, taken_from);
      } catch (const pqxx::undefined_table&) {
        create_table(*connection, table, owner); // a target's first lease; then try again
        return try_take(*connection, table, key, holder, taken_from);
      }
    };
    wait_for_lease(take, [&] { return describe_holder(*connection, table, key); }, timeout, context, interrupt);
    if (!taken_from.empty() && taken_from != holder) { // its own: a target started again after a failover
      spdlog::warn("{}took over the migration lock from {}, whose lease had expired", context, taken_from);
    }
    // The lease's thread renews it on its own connection (shared by its two functions).
    std::shared_ptr<Connection> own = std::make_shared<Connection>(std::move(connection));
    auto renew = [own, table, key, holder] {
      pqxx::nontransaction tx(**own);
      return tx.exec_params("UPDATE " + table + " SET expires_at = now() + make_interval(secs => $3) "
                            "WHERE lock_key = $1 AND holder = $2",
                            key, holder, static_cast<double>(k_lease_length.count()))
                 .affected_rows() == 1;
    };
    auto release = [own, table, key, holder] {
      pqxx::nontransaction tx(**own);
      tx.exec_params("DELETE FROM " + table + " WHERE lock_key = $1 AND holder = $2", key, holder);
    };
    return std::make_unique<HeldLease>(renew, release, table, context);
  } catch (const dbctl::Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow(e, context + "taking the migration lock (lock: table): ");
  }
}

} // namespace dbctl::engine::postgres
