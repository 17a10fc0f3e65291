#include "lock.hpp"

#include "connection.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/hash.hpp"

#include <thread>

#include <pqxx/pqxx>

namespace dbctl::engine::postgres {

namespace {

// The key: the first 8 bytes of SHA-256("dbctl:" + key), as a signed bigint.
long long lock_id(const std::string& key) {
  std::string digest = util::sha256_hex("dbctl:" + key).substr(0, 16);
  return static_cast<long long>(std::stoull(digest, nullptr, 16));
}

class AdvisoryLock final : public Lock {
public:
  AdvisoryLock(pqxx::connection& connection, long long id) : m_connection(connection), m_id(id) {}
  ~AdvisoryLock() override {
    bool released = false;
    try {
      pqxx::nontransaction tx(m_connection);
      released = tx.exec_params1("SELECT pg_advisory_unlock($1)", m_id)[0].as<bool>();
    } catch (...) {
      // Closing the connection below ends the lock with its session.
    }
    if (!released) {
      m_connection.disconnect(); // a connection that may still hold it is never reused
    }
  }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

private:
  pqxx::connection& m_connection;
  long long m_id;
};

std::string holder(pqxx::connection& connection, long long id) {
  pqxx::nontransaction tx(connection);
  pqxx::result rows = tx.exec_params(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename, ''), "
      "to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND ((l.classid::bigint << 32) | l.objid::bigint) = $1",
      id);
  if (rows.empty()) {
    return "another session";
  }
  return "pid " + rows[0][0].as<std::string>() + " (" + rows[0][1].as<std::string>() + ", user " +
         rows[0][2].as<std::string>() + ", connected since " + rows[0][3].as<std::string>() + ")";
}

} // namespace

std::unique_ptr<Lock> take_advisory_lock(pqxx::connection& connection, const std::string& key,
                                         std::chrono::seconds timeout, const std::string& what,
                                         const std::string& context, const util::Interrupt* interrupt) {
  long long id = lock_id(key);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(50);
  try {
    while (true) {
      {
        pqxx::nontransaction tx(connection);
        if (tx.exec_params1("SELECT pg_try_advisory_lock($1)", id)[0].as<bool>()) {
          return std::make_unique<AdvisoryLock>(connection, id);
        }
      }
      util::throw_if_interrupted(interrupt);
      if (std::chrono::steady_clock::now() >= deadline) {
        throw DbError(context + "timed out after " + std::to_string(timeout.count()) +
                      " s waiting for the " + what + " lock, held by " + holder(connection, id));
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    }
  } catch (const dbctl::Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow(e, context + "taking the " + what + " lock: ");
  }
}

} // namespace dbctl::engine::postgres
