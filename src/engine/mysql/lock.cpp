#include "lock.hpp"

#include "connection.hpp"

#include "dbctl/engine/error.hpp"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace dbctl::engine::mysql {

namespace {

using Rows = std::unique_ptr<sql::ResultSet>;


class NamedLock final : public Lock {
public:
  NamedLock(sql::Connection& connection, std::string name) : m_connection(connection), m_name(std::move(name)) {}
  ~NamedLock() override {
    try {
      query(m_connection, "SELECT RELEASE_LOCK('" + m_name + "')");
    } catch (...) {
      // The lock ends with the connection anyway.
    }
  }
  NamedLock(const NamedLock&) = delete;
  NamedLock& operator=(const NamedLock&) = delete;

private:
  sql::Connection& m_connection;
  std::string m_name;
};

std::string holder(sql::Connection& connection, const std::string& name) {
  Rows used = query(connection, "SELECT ID, USER, HOST, TIME FROM information_schema.PROCESSLIST "
                                "WHERE ID = IS_USED_LOCK('" + name + "')");
  if (!used->next()) {
    return "another session";
  }
  return "connection " + std::string(used->getString(1)) + " (user " + std::string(used->getString(2)) +
         " from " + std::string(used->getString(3)) + ", connected " + std::string(used->getString(4)) + " s)";
}

} // namespace

std::unique_ptr<Lock> take_named_lock(sql::Connection& connection, const std::string& name,
                                      std::chrono::seconds timeout, const std::string& what,
                                      const std::string& context, const util::Interrupt* interrupt) {
  try {
    Rows got = query(connection, "SELECT GET_LOCK('" + name + "', " + std::to_string(timeout.count()) + ")");
    if (got->next() && got->getInt(1) == 1) {
      return std::make_unique<NamedLock>(connection, name);
    }
    util::throw_if_interrupted(interrupt); // KILL QUERY ended the wait
    throw DbError(context + "timed out after " + std::to_string(timeout.count()) + " s waiting for the " +
                  what + " lock, held by " + holder(connection, name));
  } catch (const dbctl::Error&) {
    throw;
  } catch (const std::exception& e) {
    util::throw_if_interrupted(interrupt);
    rethrow(e, context + "taking the " + what + " lock: ");
  }
}

} // namespace dbctl::engine::mysql
