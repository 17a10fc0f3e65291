#pragma once
// The topology file as plain data; `load` fills it, `validate` checks it.
#include "dbctl/util/diagnostics.hpp"
#include "dbctl/util/secret.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dbctl::topology {

using util::Location;
using util::Secret;

/// A value together with the place in the file it came from.
template <typename T> struct Located {
  T value{};
  Location where;
};

enum class Engine { postgres, mysql, redis };
enum class LockStrategy { advisory, table };
enum class Mode { shared, db_per_service, multi_tenant };
enum class Tenancy { database, schema };
enum class Privilege { read, write, all };
/// `prune: {roles: ...}`: what `init --prune` does with what a removed role owns (and with the
/// databases and schemas no longer asked for): hand it to the admin and stop managing it (keep),
/// or drop it (drop).
enum class PruneRoles { keep, drop };
enum class LintLevel { off, warning, error };
/// How a Redis ACL user is kept to its service's data: by key and channel patterns (`keys`,
/// the default), or by a logical database number of its own (`db`, by convention only: Redis
/// ACLs cannot bind a user to a database).
enum class RedisNamespace { keys, db };
/// How a service's migration files are named and written: Flyway's (dbctl's own), another
/// tool's, `auto` (whichever the folder's files are), or `command`: a program (Alembic, say)
/// migrates the database itself.
enum class MigrationFormat { flyway, golang_migrate, dbmate, goose, automatic, command };

/// Return the name used in files and output (`postgres`, `db-per-service`, `read`, ...).
std::string_view to_string(Engine engine);
std::string_view to_string(LockStrategy lock);
std::string_view to_string(Mode mode);
std::string_view to_string(Tenancy tenancy);
std::string_view to_string(Privilege privilege);
std::string_view to_string(LintLevel level);
std::string_view to_string(MigrationFormat format);
std::string_view to_string(RedisNamespace space);

/// Return the engine a URL scheme names (postgres, postgresql, mysql, mariadb, redis, rediss),
/// if any.
std::optional<Engine> engine_of_scheme(std::string_view scheme);

/// A database server and the admin credentials dbctl uses on it.
struct Server {
  std::string name;
  Location where;
  std::optional<Located<Engine>> engine; ///< nullopt only when the file's value was invalid
  std::string host = "127.0.0.1";
  int port = 0;                          ///< 0 until defaulted from the engine
  /// `hosts:` (or a multi-host URL): the hosts of one cluster, in order; host and port are then
  /// the first's. PostgreSQL connects to whichever is the primary (target_session_attrs=
  /// read-write); MySQL to the first that answers, for a connection's whole life.
  std::vector<std::pair<std::string, int>> hosts;
  std::string user;                      ///< empty: no admin credentials
  std::optional<Secret> password;
  std::string admin_database;            ///< the database admin connections open (url path)
  std::vector<std::pair<std::string, std::string>> options; ///< passed to the driver
  int max_connections = 10;
  LockStrategy lock = LockStrategy::advisory;
  std::string user_host = "%"; ///< MySQL: the host part of the users dbctl manages
  /// What every connection calls itself (PostgreSQL application_name, MySQL's program_name
  /// connection attribute): "dbctl:<project>", so a DBA can tell whose lock or session it is.
  std::string application_name = "dbctl";
  /// Redis: TLS (a rediss:// URL, or options.tls); its CA, certificate and key are options.
  bool tls = false;

  /// Return "host:port" of every host, joined by ", " (one host: just it).
  std::string addresses() const;
  /// Tell whether this is a Redis server, which holds services' Redis namespaces, never their SQL.
  bool is_redis() const { return engine && engine->value == Engine::redis; }
};

/// An owner or app role as the file gives it; name is a naming template.
struct RoleSpec {
  Location where;
  std::optional<Located<std::string>> name;
  std::optional<Located<Secret>> password;
};

/// A service's own `dbctl-service.yaml`: what its SQL needs from whichever database the
/// topology gives it.
struct Manifest {
  std::string file;          ///< the manifest's path, as messages show it
  Location where;            ///< its top (file, line 0)
  Located<std::string> name;
  std::vector<Located<Engine>> engines; ///< the engines its SQL supports
  Location engines_where;
  std::vector<Located<std::string>> extensions; ///< PostgreSQL extensions it needs
  /// Lowest server version per product ("postgres", "mysql", "mariadb"), e.g. "14" or "10.6".
  std::vector<std::pair<std::string, Located<std::string>>> min_server_version;
  std::optional<Located<bool>> app; ///< whether it needs an app role

  /// Tell whether its SQL supports an engine.
  bool supports(Engine engine) const;
  /// Return the lowest version required of a product, if any.
  const Located<std::string>* minimum(std::string_view product) const;
};

/// `format: command`: the program that migrates a service's database, and how dbctl asks
/// where the database stands. Every key is the service entry's or its manifest's.
struct CommandRunner {
  std::optional<Located<std::vector<std::string>>> run; ///< argv, never a shell string
  bool run_given = false; ///< a run: key was there (valid or reported)
  std::optional<Located<std::filesystem::path>> cwd;    ///< resolved; default: the service folder
  /// `current: alembic`: the revisions are alembic_version's rows and the heads `alembic heads`'s.
  bool alembic = false;
  /// `current: [argv]`: a program printing the applied revision(s), a line each, or `none`.
  std::optional<Located<std::vector<std::string>>> current;
  /// `heads: [argv]`: a program printing the revision(s) the run reaches (with current: [argv]).
  std::optional<Located<std::vector<std::string>>> heads;
  Location current_where; ///< the current: key
  /// With current: alembic, the version table (`version_table:`; default alembic_version). Its
  /// program gets it as ALEMBIC_VERSION_TABLE, so two services in one MySQL database can keep apart.
  std::optional<Located<std::string>> version_table;

  /// Return the Alembic version table's name.
  std::string alembic_table() const { return version_table ? version_table->value : "alembic_version"; }
  /// The URL scheme DATABASE_URL gets per engine (`postgresql+psycopg2`); none: dbctl's own.
  std::vector<std::pair<Engine, Located<std::string>>> url_scheme;

  /// Return the scheme for an engine, if one was given.
  const Located<std::string>* scheme_for(Engine engine) const;
};

/// `services.<s>.redis:`: the service's Redis namespace (per tenant in multi-tenant mode) on an
/// `engine: redis` server, and the ACL user that reaches it.
struct RedisPlacement {
  Location where;
  std::optional<Located<std::string>> server;
  /// The ACL user: name a naming template (default: the owner's name), password (default: the
  /// owner's password when the name is the owner's, else derived).
  RoleSpec user;
  Located<RedisNamespace> space{RedisNamespace::keys, {}};
  std::optional<Located<int>> db; ///< the logical database; namespace: db requires one; default 0
  std::optional<Located<std::string>> acl; ///< command rules; default default_acl

  /// Everything but administration and what reaches past the user's keys or hurts other
  /// services (FLUSHALL, KEYS, CONFIG, ACL, MONITOR, ...).
  static constexpr const char* default_acl = "+@all -@admin -@dangerous";
  /// Return the user's command rules: acl:, else default_acl.
  std::string commands() const { return acl ? acl->value : default_acl; }
};

/// A service: its placement, roles and migrations.
struct Service {
  std::string name;
  Location where;
  std::optional<Located<std::string>> server;
  /// Folder of migrations, resolved against the topology's folder; nullopt for `none`.
  std::optional<Located<std::filesystem::path>> migrations;
  std::optional<Located<std::string>> database; ///< a naming template
  RoleSpec owner;
  std::optional<RoleSpec> app;
  std::vector<Located<std::string>> extensions;
  std::optional<Located<bool>> tenanted;
  /// `path:`, the folder holding the service's manifest, resolved against the topology's folder.
  std::optional<Located<std::filesystem::path>> path;
  std::optional<Manifest> manifest; ///< read from `path`
  /// The schema its target uses on PostgreSQL instead of the mode's; only a URL's
  /// search_path sets it (topology files have no such key).
  std::optional<Located<std::string>> schema;
  /// `format:` (the service's entry, or its manifest); nullopt: flyway.
  std::optional<Located<MigrationFormat>> format;
  /// With format: command, what to run (the keys are refused with any other format).
  CommandRunner command;
  std::optional<RedisPlacement> redis; ///< `redis:`

  /// Tell whether a program migrates the service (format: command).
  bool runs_command() const { return format && format->value == MigrationFormat::command; }
  /// Return the folder its program runs in: cwd:, else the manifest's folder (path:), else its
  /// migrations folder (empty with migrations: none).
  std::filesystem::path command_folder() const;

  /// Tell whether the service is copied per tenant (multi-tenant mode only).
  bool is_tenanted() const { return !tenanted || tenanted->value; }
};

/// A tenant, optionally placed on a named server (a shard).
struct Tenant {
  std::string name;
  Location where;
  std::optional<Located<std::string>> server;
  bool canary = false; ///< migrated first in a rollout in waves (`canary: true`)
};

/// `rollout:`: how `migrate` and `up` go over the fleet unless the command line says otherwise.
struct Rollout {
  std::optional<Located<std::string>> waves; ///< e.g. "1,10%,100%" (checked by ops)
  std::optional<Located<int>> max_failures;
  std::optional<Located<int>> pause;         ///< seconds between waves
  std::optional<Located<std::string>> check; ///< a shell command run between waves
};

/// One `lint:` entry: a rule id (checked by ops against the rules) and the level it gets.
struct LintSetting {
  Located<std::string> rule;
  Located<LintLevel> level;
};

/// The `naming:` templates; placeholders {service} {tenant} {name}.
struct Naming {
  std::optional<Located<std::string>> database;
  std::optional<Located<std::string>> owner;
  std::optional<Located<std::string>> app;
};

/// One `grants:` entry of an extra role.
struct Grant {
  Location where;
  std::vector<Located<std::string>> services; ///< empty with all_services
  bool all_services = false;
  Privilege privilege = Privilege::read;
};

/// An extra login role from `roles:` with access across services.
struct ExtraRole {
  std::string name;
  Location where;
  std::optional<Located<Secret>> password;
  std::vector<Grant> grants;
};

/// The whole topology file.
struct Topology {
  std::string file;              ///< the path as the user gave it (used in messages)
  std::filesystem::path dir;     ///< the folder relative paths resolve against
  Located<std::string> name;
  std::vector<Server> servers;
  std::optional<Located<Mode>> mode;
  std::optional<Located<std::string>> shared_database;
  std::optional<Located<std::string>> shared_server;
  Located<Tenancy> tenancy{Tenancy::database, {}};
  bool tenants_given = false;
  std::vector<Tenant> tenants;
  Naming naming;
  std::optional<Located<Secret>> derive_from;
  std::vector<Service> services;
  std::vector<ExtraRole> roles;
  Rollout rollout;
  Located<PruneRoles> prune_roles{PruneRoles::keep, {}}; ///< `prune: {roles: keep | drop}`
  std::vector<LintSetting> lint; ///< `lint:`, in file order
  /// Every secret value the file holds, so output can be redacted.
  std::vector<Secret> secrets;
  /// Built from a database URL (load_url): the names are those of an existing database and
  /// login, used as they are, so the naming rules for what dbctl creates (identifiers,
  /// templates) do not apply to them; every other rule does.
  bool names_as_given = false;

  /// Return the server of that name, or nullptr.
  const Server* find_server(std::string_view server_name) const;
  /// Return the service of that name, or nullptr.
  const Service* find_service(std::string_view service_name) const;
  /// Return the one server that can hold SQL (not Redis), or nullptr when there are several or none.
  const Server* only_sql_server() const;
  /// Return the tenant of that name, or nullptr.
  const Tenant* find_tenant(std::string_view tenant_name) const;
};

} // namespace dbctl::topology
