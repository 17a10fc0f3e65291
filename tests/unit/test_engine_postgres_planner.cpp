// The PostgreSQL driver's diff, driven by in-memory catalogs: no server.
#include "engine/postgres/connection.hpp"
#include "engine/postgres/planner.hpp"
#include "string_maker.hpp"

#include <doctest/doctest.h>

#include <regex>

using namespace dbctl::engine;
using namespace dbctl::engine::postgres;

namespace {

class PlainQuoter final : public Quoter {
public:
  std::string ident(const std::string& name) const override { return "\"" + name + "\""; }
  std::string literal(const std::string& text) const override { return "'" + text + "'"; }
};

std::vector<std::string> sql(const std::vector<Statement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) {
    out.push_back((s.database.empty() ? "" : "[" + s.database + "] ") + s.display());
  }
  return out;
}

ServerCatalog server_with_admin() {
  ServerCatalog catalog;
  catalog.admin = {"postgres", "15.18", true, true, true, "postgres"};
  catalog.roles["postgres"] = {true, std::nullopt};
  return catalog;
}

struct Fixture {
  ServerCatalog server = server_with_admin();
  PlainQuoter quote;
  Planner planner{server, quote};
};

} // namespace


namespace {
// Default privileges that give "app" write access to what "users" creates in public.
void grant_app_defaults(DatabaseCatalog& inside) {
  inside.default_acl[{"users", "public", 'r'}]["app"] = {"SELECT", "INSERT", "UPDATE", "DELETE"};
  inside.default_acl[{"users", "public", 'S'}]["app"] = {"USAGE", "SELECT"};
  inside.default_acl[{"users", "public", 'f'}]["app"] = {"EXECUTE"};
}
} // namespace

TEST_SUITE("engine::postgres::planner") {
  TEST_CASE("a missing role is created with a masked verifier - or without login") {
    Fixture f;
    auto login = f.planner.role({"users", dbctl::util::Secret("pw")}, PasswordState::stale, "SCRAM-X");
    REQUIRE(login.size() == 1);
    CHECK(login[0].sql == "CREATE ROLE \"users\" LOGIN PASSWORD 'SCRAM-X'");
    CHECK(login[0].display() == "CREATE ROLE \"users\" LOGIN PASSWORD '***'");
    CHECK(sql(f.planner.role({"bi", std::nullopt}, PasswordState::stale, "")) ==
          std::vector<std::string>{"CREATE ROLE \"bi\" NOLOGIN"});
  }

  TEST_CASE("an existing role changes only what differs") {
    Fixture f;
    f.server.roles["users"] = {true, std::string("SCRAM...")};
    CHECK(f.planner.role({"users", dbctl::util::Secret("pw")}, PasswordState::current, "").empty());
    CHECK(sql(f.planner.role({"users", dbctl::util::Secret("pw")}, PasswordState::stale, "V")) ==
          std::vector<std::string>{"ALTER ROLE \"users\" PASSWORD '***'"});
    CHECK(sql(f.planner.role({"users", std::nullopt}, PasswordState::stale, "")) ==
          std::vector<std::string>{"ALTER ROLE \"users\" NOLOGIN"});
  }

  TEST_CASE("a new database is created - closed to PUBLIC and opened to its roles") {
    Fixture f;
    CHECK(sql(f.planner.database({"users", std::string("users"), {"users", "users_app", "bi"}, {}})) ==
          std::vector<std::string>{"CREATE DATABASE \"users\" OWNER \"users\"",
                                   "REVOKE CONNECT ON DATABASE \"users\" FROM PUBLIC",
                                   "GRANT CONNECT ON DATABASE \"users\" TO \"users_app\"",
                                   "GRANT CONNECT ON DATABASE \"users\" TO \"bi\""});
  }

  TEST_CASE("an existing database only gets what is missing") {
    Fixture f;
    f.server.databases["users"] = {"postgres", {{"postgres", {"CONNECT", "CREATE", "TEMPORARY"}},
                                                {"PUBLIC", {"TEMPORARY"}},
                                                {"users_app", {"CONNECT"}}}};
    CHECK(sql(f.planner.database({"users", std::string("users"), {"users", "users_app"}, {}})) ==
          std::vector<std::string>{"ALTER DATABASE \"users\" OWNER TO \"users\""});
    f.server.databases["users"].owner = "users";
    CHECK(f.planner.database({"users", std::string("users"), {"users", "users_app"}, {}}).empty());
  }

  TEST_CASE("a database several owners share stays with its owner and grants each") {
    Fixture f;
    CHECK(sql(f.planner.database({"shop", std::nullopt, {"users", "orders"}, {}})) ==
          std::vector<std::string>{"CREATE DATABASE \"shop\"",
                                   "REVOKE CONNECT ON DATABASE \"shop\" FROM PUBLIC",
                                   "GRANT CONNECT ON DATABASE \"shop\" TO \"users\"",
                                   "GRANT CONNECT ON DATABASE \"shop\" TO \"orders\""});
  }

  TEST_CASE("schemas are created with their owner - or re-owned") {
    Fixture f;
    DatabaseCatalog inside;
    CHECK(sql(f.planner.schema(inside, {"shop", "users", "users"})) ==
          std::vector<std::string>{"[shop] CREATE SCHEMA \"users\" AUTHORIZATION \"users\""});
    inside.schemas["users"].owner = "postgres";
    CHECK(sql(f.planner.schema(inside, {"shop", "users", "users"})) ==
          std::vector<std::string>{"[shop] ALTER SCHEMA \"users\" OWNER TO \"users\""});
    inside.schemas["users"].owner = "users";
    CHECK(f.planner.schema(inside, {"shop", "users", "users"}).empty());
  }

  TEST_CASE("write access: usage - default privileges - and grants on objects that lack them") {
    Fixture f;
    DatabaseCatalog inside;
    inside.exists = true;
    auto& schema = inside.schemas["public"];
    schema.owner = "pg_database_owner";
    schema.objects.push_back({'r', "users", "accounts", {{"users", {"SELECT", "INSERT", "UPDATE", "DELETE"}}}});
    schema.objects.push_back({'f', "users", "touch", {{"PUBLIC", {"EXECUTE"}}, {"app", {"EXECUTE"}}}});
    schema.objects.push_back({'r', "users", "dbctl_history", {{"users", {"SELECT"}}}});
    GrantSpec spec{"users", std::nullopt, "users", "app", Access::write};
    CHECK(sql(f.planner.grant(inside, spec)) ==
          std::vector<std::string>{
              "[users] GRANT USAGE ON SCHEMA \"public\" TO \"app\"",
              "[users] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA \"public\" GRANT "
              "SELECT, INSERT, UPDATE, DELETE ON TABLES TO \"app\"",
              "[users] GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"public\" TO "
              "\"app\"",
              "[users] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA \"public\" GRANT "
              "USAGE, SELECT ON SEQUENCES TO \"app\"",
              "[users] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA \"public\" GRANT "
              "EXECUTE ON FUNCTIONS TO \"app\""});
  }

  TEST_CASE("once granted - write access plans nothing - a missing privilege alone is re-added") {
    Fixture f;
    DatabaseCatalog inside;
    inside.exists = true;
    auto& schema = inside.schemas["public"];
    schema.acl["app"] = {"USAGE"};
    schema.objects.push_back({'r', "users", "accounts", {{"app", {"SELECT", "INSERT", "UPDATE", "DELETE"}}}});
    grant_app_defaults(inside);
    GrantSpec spec{"users", std::nullopt, "users", "app", Access::write};
    CHECK(f.planner.grant(inside, spec).empty());
    inside.default_acl[{"users", "public", 'r'}]["app"].erase("DELETE");
    CHECK(sql(f.planner.grant(inside, spec)) ==
          std::vector<std::string>{"[users] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA "
                                   "\"public\" GRANT DELETE ON TABLES TO \"app\""});
  }

  TEST_CASE("objects the grantee owns need no grant - the catalog leaves owners' own rights out") {
    Fixture f;
    DatabaseCatalog inside;
    inside.exists = true;
    auto& schema = inside.schemas["public"];
    schema.acl["app"] = {"USAGE"};
    schema.objects.push_back({'r', "app", "made_by_app", {}});
    grant_app_defaults(inside);
    GrantSpec spec{"users", std::nullopt, "users", "app", Access::write};
    CHECK(f.planner.grant(inside, spec).empty());
    schema.objects.push_back({'r', "users", "accounts", {}});
    CHECK(sql(f.planner.grant(inside, spec)) ==
          std::vector<std::string>{"[users] GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                                   "\"public\" TO \"app\""});
  }

  TEST_CASE("read access is SELECT on tables only - all access is membership in the owner") {
    Fixture f;
    DatabaseCatalog inside;
    GrantSpec read{"shop", std::string("users"), "users", "bi", Access::read};
    CHECK(sql(f.planner.grant(inside, read)) ==
          std::vector<std::string>{"[shop] GRANT USAGE ON SCHEMA \"users\" TO \"bi\"",
                                   "[shop] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA "
                                   "\"users\" GRANT SELECT ON TABLES TO \"bi\""});
    GrantSpec all{"shop", std::string("users"), "users", "ops", Access::all};
    CHECK(sql(f.planner.grant(inside, all)) == std::vector<std::string>{"GRANT \"users\" TO \"ops\""});
    f.server.memberships.insert({"users", "ops"});
    CHECK(f.planner.grant(inside, all).empty());
  }

  TEST_CASE("a role that now gets less loses what dbctl gave it beyond - by default and on what exists") {
    Fixture f;
    DatabaseCatalog inside;
    inside.exists = true;
    auto& schema = inside.schemas["public"];
    schema.acl["bi"] = {"USAGE"};
    schema.objects.push_back({'r', "users", "accounts", {{"bi", {"SELECT", "INSERT", "UPDATE", "DELETE"}}}});
    schema.objects.push_back({'S', "users", "accounts_id_seq", {{"bi", {"USAGE", "SELECT"}}}});
    schema.objects.push_back({'r', "bi", "its_own", {}});
    inside.default_acl[{"users", "public", 'r'}]["bi"] = {"SELECT", "INSERT", "UPDATE", "DELETE"};
    inside.default_acl[{"users", "public", 'f'}]["bi"] = {"EXECUTE"};
    f.server.memberships.insert({"users", "bi"}); // it had access all once
    GrantSpec read{"users", std::nullopt, "users", "bi", Access::read};
    CHECK(sql(f.planner.grant(inside, read)) ==
          std::vector<std::string>{
              "REVOKE \"users\" FROM \"bi\"",
              "[users] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA \"public\" REVOKE INSERT, "
              "UPDATE, DELETE ON TABLES FROM \"bi\"",
              "[users] REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"public\" FROM \"bi\"",
              "[users] REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA \"public\" FROM \"bi\"",
              "[users] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA \"public\" REVOKE EXECUTE ON "
              "FUNCTIONS FROM \"bi\""});
    // A membership another grant of the role needs stays.
    read.member_elsewhere = true;
    CHECK(sql(f.planner.grant(inside, read))[0] !=
          std::string("REVOKE \"users\" FROM \"bi\""));
  }

  TEST_CASE("extensions are created once") {
    Fixture f;
    DatabaseCatalog inside;
    CHECK(sql(f.planner.extension(inside, {"users", "citext"})) ==
          std::vector<std::string>{"[users] CREATE EXTENSION IF NOT EXISTS \"citext\""});
    inside.extensions.insert("citext");
    CHECK(f.planner.extension(inside, {"users", "citext"}).empty());
  }

  TEST_CASE("drops touch only what exists - and clear a role out of surviving databases first") {
    Fixture f;
    CHECK(f.planner.drop_database("nope").empty());
    f.server.databases["users"] = {};
    CHECK(sql(f.planner.drop_database("users")) ==
          std::vector<std::string>{"DROP DATABASE \"users\" WITH (FORCE)"});
    CHECK(f.planner.drop_role("ghost", {"users"}).empty());
    f.server.roles["bi"] = {};
    CHECK(sql(f.planner.drop_role("bi", {"users", "gone"})) ==
          std::vector<std::string>{"[users] DROP OWNED BY \"bi\"", "DROP ROLE \"bi\""});
  }
}

TEST_SUITE("engine::postgres::connection") {
  TEST_CASE("pruning revokes only what the role holds - marks only what is unmarked - hands a role over before dropping it") {
    Fixture f;
    DatabaseCatalog inside;
    inside.schemas["public"].objects.push_back({'r', "users", "accounts", {{"old", {"SELECT"}}}});
    inside.schemas["billing"].acl["other"] = {"USAGE"};
    inside.default_acl[{"users", "public", 'r'}]["old"] = {"SELECT"};
    CHECK(sql(f.planner.revoke_access(inside, "old", "users")) ==
          std::vector<std::string>{"[users] REVOKE ALL ON ALL TABLES IN SCHEMA \"public\" FROM \"old\"",
                                   "[users] REVOKE ALL ON ALL SEQUENCES IN SCHEMA \"public\" FROM \"old\"",
                                   "[users] REVOKE ALL ON ALL FUNCTIONS IN SCHEMA \"public\" FROM \"old\"",
                                   "[users] REVOKE ALL ON SCHEMA \"public\" FROM \"old\"",
                                   "[users] ALTER DEFAULT PRIVILEGES FOR ROLE \"users\" IN SCHEMA \"public\" REVOKE ALL "
                                   "ON TABLES FROM \"old\"",
                                   "REVOKE ALL ON DATABASE \"users\" FROM \"old\""});

    Managed marked;
    marked.roles = {"users"};
    Managed wanted;
    wanted.roles = {"users", "users_app"};
    wanted.databases = {"users"};
    wanted.schemas = {{"users", "acme"}};
    CHECK(sql(f.planner.mark("dbctl:shop", marked, wanted)) ==
          std::vector<std::string>{"COMMENT ON ROLE \"users_app\" IS 'dbctl:shop'",
                                   "COMMENT ON DATABASE \"users\" IS 'dbctl:shop'",
                                   "[users] COMMENT ON SCHEMA \"acme\" IS 'dbctl:shop'"});
    CHECK(sql(f.planner.unmark("users", std::string("acme"))) ==
          std::vector<std::string>{"[users] COMMENT ON SCHEMA \"acme\" IS NULL"});

    f.server.roles["old"] = {false, std::nullopt};
    f.server.databases["users"] = {};
    CHECK(sql(f.planner.hand_over_role("old", {"users", "gone"}, "postgres")) ==
          std::vector<std::string>{"[users] REASSIGN OWNED BY \"old\" TO \"postgres\"", "[users] DROP OWNED BY \"old\"",
                                   "DROP ROLE \"old\""});
    CHECK(f.planner.hand_over_role("never", {"users"}, "postgres").empty());
  }

  TEST_CASE("dbctl's SCRAM verifier verifies against its password and no other as the server's does") {
    std::string verifier = scram_verifier("users", dbctl::util::Secret("p@ss w0rd"));
    // libpq's shape: 4,096 rounds, a 16-byte salt, two 32-byte keys (base64)
    CHECK(std::regex_match(verifier, std::regex(R"(SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=)")));
    CHECK(verifier.find("p@ss") == std::string::npos);
    CHECK(verifier != scram_verifier("users", dbctl::util::Secret("p@ss w0rd"))); // a salt of its own
    CHECK(verifier_matches(verifier, dbctl::util::Secret("p@ss w0rd")));
    CHECK_FALSE(verifier_matches(verifier, dbctl::util::Secret("p@ss w0rd ")));
    // What PostgreSQL 15 itself stored for CREATE ROLE ... PASSWORD 'p@ss w0rd'.
    const std::string server_made = "SCRAM-SHA-256$4096:75kAGT5kKNj+VjRPgrNDUA==$pyXhl+iHKCkxI2RHA/69ZlgeMccx8+KbAw545Os5yNk="
                                    ":GV7OHA2BgyTgAGGIURuT82sFKb+P3rS0/DfofY+3s5M=";
    CHECK(verifier_matches(server_made, dbctl::util::Secret("p@ss w0rd")));
    CHECK_FALSE(verifier_matches(server_made, dbctl::util::Secret("p@ss w0rD")));
    // A password outside ASCII is libpq's to make (after SASLprep), and verifies alike.
    std::string accented = scram_verifier("users", dbctl::util::Secret("pässwörd"));
    CHECK(verifier_matches(accented, dbctl::util::Secret("pässwörd")));
    CHECK_FALSE(verifier_matches("md5abc", dbctl::util::Secret("x")));
    CHECK_FALSE(verifier_matches("SCRAM-SHA-256$garbage", dbctl::util::Secret("x")));
  }

  TEST_CASE("conninfo quotes values and adds dbctl's defaults unless the options set them") {
    dbctl::topology::Server server;
    server.host = "db.local";
    server.port = 6432;
    server.options = {{"sslmode", "require"}};
    std::string info = conninfo(server, "users", {"it's", dbctl::util::Secret("a\\b'c")});
    CHECK(info == "host='db.local' port=6432 dbname='users' user='it\\'s' password='a\\\\b\\'c' "
                  "sslmode='require' application_name='dbctl' connect_timeout=10");
    server.options.emplace_back("connect_timeout", "3");
    CHECK(conninfo(server, "x", {"u", std::nullopt}).find("connect_timeout=10") == std::string::npos);
    // Several hosts: one at a time, and only a primary will do.
    server.hosts = {{"a", 5432}, {"b", 5433}};
    std::string second = conninfo(server, "x", {"u", std::nullopt}, 1);
    CHECK(second.rfind("host='b' port=5433 dbname='x'", 0) == 0);
    CHECK(second.find(" target_session_attrs=read-write") != std::string::npos);
    server.options.emplace_back("target_session_attrs", "any");
    CHECK(conninfo(server, "x", {"u", std::nullopt}, 0).find("read-write") == std::string::npos);
  }
}
