#pragma once
// The driver interface: dumb primitives per engine; policy lives in provision/ and migration/.
#include "dbctl/engine/specs.hpp"
#include "dbctl/topology/model.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dbctl::engine {

/// A held lock; releasing it is the destructor's job, so an error never leaves it held.
class Lock {
public:
  virtual ~Lock() = default;
};

/// An admin session on one server. Converge calls read the live catalogs (cached for the
/// session) and return the statements that would bring one item to its spec, none when it
/// already matches; nothing runs until execute(). All methods throw DbError.
class AdminSession {
public:
  virtual ~AdminSession() = default;
  /// Return who the admin is and what it may do.
  virtual const AdminInfo& info() const = 0;

  /// Return the statements creating or altering a role (login, password).
  virtual std::vector<Statement> converge(const RoleSpec& spec) = 0;
  /// Return the statements granting role membership.
  virtual std::vector<Statement> converge(const MembershipSpec& spec) = 0;
  /// Return the statements creating a database, fixing its owner and who may connect.
  virtual std::vector<Statement> converge(const DatabaseSpec& spec) = 0;
  /// Return the statements creating a schema or fixing its owner.
  virtual std::vector<Statement> converge(const SchemaSpec& spec) = 0;
  /// Return the statements giving a role its access, on existing and future objects.
  virtual std::vector<Statement> converge(const GrantSpec& spec) = 0;
  /// Return the statements creating an extension.
  virtual std::vector<Statement> converge(const ExtensionSpec& spec) = 0;

  /// Return the statements dropping a database, if it exists.
  virtual std::vector<Statement> drop_database(const std::string& name) = 0;
  /// Return the statements dropping a schema and everything in it, if it exists.
  virtual std::vector<Statement> drop_schema(const std::string& database,
                                             const std::string& schema) = 0;
  /// Return the statements dropping a role, first removing what it owns or was granted in
  /// each of `databases` that will still exist.
  virtual std::vector<Statement> drop_role(const std::string& name,
                                           const std::vector<std::string>& databases) = 0;

  /// Run one statement (autocommit) on the connection to its database.
  virtual void execute(const Statement& statement) = 0;
  /// Take the server-wide lock named `key`, waiting up to `timeout`; the message of the
  /// DbError thrown at the deadline names the holder where the server can tell.
  virtual std::unique_ptr<Lock> lock(const std::string& key, std::chrono::seconds timeout) = 0;
};

/// One engine's entry points.
class Driver {
public:
  virtual ~Driver() = default;
  /// Open an admin session on a server (connection errors are DbError with advice).
  virtual std::unique_ptr<AdminSession> admin(const topology::Server& server) = 0;
  /// Connect and disconnect once; throws DbError saying why it failed.
  virtual void ping(const topology::Server& server) = 0;
};

/// The drivers, keyed by engine.
class Registry {
public:
  /// Register a driver for an engine, replacing any before it.
  void add(topology::Engine engine, std::unique_ptr<Driver> driver);
  /// Return the driver of an engine; throws Error when none is registered.
  Driver& get(topology::Engine engine) const;

private:
  std::map<topology::Engine, std::unique_ptr<Driver>> m_drivers;
};

/// Return a registry holding every driver this build has.
Registry default_registry();

} // namespace dbctl::engine
