#include "lease.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/hash.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace dbctl::engine::postgres {

namespace {

// Who holds a lease: readable in messages, unique per run.
std::string holder_name() {
  char host[256] = "?";
  gethostname(host, sizeof host - 1);
  std::string nonce = util::sha256_hex(std::to_string(getpid()) + ":" +
                                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))
                          .substr(0, 8);
  return "dbctl pid " + std::to_string(getpid()) + " on " + host + " (" + nonce + ")";
}

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

class Lease final : public Lock {
public:
  Lease(Connection connection, std::string table, std::string key, std::string holder, std::string context)
      : m_connection(std::move(connection)), m_table(std::move(table)), m_key(std::move(key)),
        m_holder(std::move(holder)), m_context(std::move(context)) {
    m_renewer = std::thread([this] { renew_until_released(); });
  }

  ~Lease() override {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_released = true;
    }
    m_wake.notify_all();
    m_renewer.join();
    try {
      pqxx::nontransaction tx(*m_connection);
      tx.exec_params("DELETE FROM " + m_table + " WHERE lock_key = $1 AND holder = $2", m_key, m_holder);
    } catch (...) {
      // The lease expires by itself.
    }
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  void check() const override {
    if (m_lost.load()) {
      throw DbError(m_context + "lost the migration lock: the lease in " + m_table +
                    " could not be renewed before it expired, and another run may hold it now; "
                    "nothing more is applied");
    }
  }

private:
  void renew_until_released() {
    auto renewed = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_wake.wait_for(lock, k_lease_length / 3, [this] { return m_released; })) {
      bool held = false;
      try {
        pqxx::nontransaction tx(*m_connection);
        held = tx.exec_params("UPDATE " + m_table + " SET expires_at = now() + make_interval(secs => $3) "
                              "WHERE lock_key = $1 AND holder = $2",
                              m_key, m_holder, static_cast<double>(k_lease_length.count()))
                   .affected_rows() == 1;
        if (!held) {
          m_lost = true; // expired and taken over
        }
      } catch (const std::exception& e) {
        spdlog::warn("{}renewing the migration lock failed (trying again): {}", m_context, e.what());
      }
      if (held) {
        renewed = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - renewed >= k_lease_length) {
        m_lost = true;
      }
    }
  }

  Connection m_connection;
  std::string m_table;
  std::string m_key;
  std::string m_holder;
  std::string m_context;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_released = false;
  std::atomic<bool> m_lost{false};
  std::thread m_renewer;
};

// Try once: the lease when free or expired (the old holder, if any, in `taken_from`).
bool try_take(pqxx::connection& connection, const std::string& table, const std::string& key,
              const std::string& holder, std::string& taken_from) {
  pqxx::nontransaction tx(connection);
  pqxx::result got = tx.exec_params(
      "WITH old AS (SELECT holder FROM " + table + " WHERE lock_key = $1) "
      "INSERT INTO " + table + " AS l (lock_key, holder, acquired_at, expires_at) "
      "VALUES ($1, $2, now(), now() + make_interval(secs => $3)) "
      "ON CONFLICT (lock_key) DO UPDATE SET holder = EXCLUDED.holder, acquired_at = now(), "
      "expires_at = EXCLUDED.expires_at WHERE l.expires_at < now() "
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
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(50);
  try {
    while (true) {
      std::string taken_from;
      bool taken = false;
      try {
        taken = try_take(*connection, table, key, holder, taken_from);
      } catch (const pqxx::undefined_table&) {
        create_table(*connection, table, owner); // a target's first lease; then try again
        continue;
      }
      if (taken) {
        if (!taken_from.empty()) {
          spdlog::warn("{}took over the migration lock from {}, whose lease had expired", context, taken_from);
        }
        return std::make_unique<Lease>(std::move(connection), table, key, holder, context);
      }
      util::throw_if_interrupted(interrupt);
      if (std::chrono::steady_clock::now() >= deadline) {
        throw DbError(context + "timed out after " + std::to_string(timeout.count()) +
                      " s waiting for the migration lock (lock: table), held by " +
                      describe_holder(*connection, table, key));
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
  } catch (const dbctl::Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow(e, context + "taking the migration lock (lock: table): ");
  }
}

} // namespace dbctl::engine::postgres
