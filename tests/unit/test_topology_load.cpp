#include "helpers.hpp"

using dbctl::unit::k_pg_head;
using dbctl::unit::load;
using dbctl::topology::Engine;
using dbctl::topology::LockStrategy;
using dbctl::topology::Mode;

namespace {
const std::string k_services = "services:\n  users: {migrations: none}\n";
const std::string k_dps = "topology: {mode: db-per-service}\n";
} // namespace

TEST_SUITE("topology::load") {
  TEST_CASE("a complete server with discrete fields - options and variables loads") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg:\n"
                       "    engine: postgres\n"
                       "    host: ${PGHOST:-127.0.0.1}\n"
                       "    port: ${PGPORT}\n"
                       "    user: admin\n"
                       "    password: ${PW}\n"
                       "    options: { sslmode: prefer, connect_timeout: 5 }\n"
                       "    max_connections: 4\n"
                       "    lock: table\n" +
                           k_dps + k_services,
                       {{"PGPORT", "6543"}, {"PW", "s3cret"}});
    REQUIRE(loaded->problems.empty());
    const auto& server = loaded->topology.servers.at(0);
    CHECK(server.name == "pg");
    CHECK(server.engine->value == Engine::postgres);
    CHECK(server.host == "127.0.0.1");
    CHECK(server.port == 6543);
    CHECK(server.user == "admin");
    CHECK(server.password->reveal() == "s3cret");
    CHECK(server.admin_database == "postgres");
    CHECK(server.max_connections == 4);
    CHECK(server.lock == LockStrategy::table);
    REQUIRE(server.options.size() == 2);
    CHECK(server.options[1] == std::make_pair(std::string("connect_timeout"), std::string("5")));
    CHECK(loaded->topology.secrets.size() == 1);
  }

  TEST_CASE("a server given by url takes its engine - credentials and options from it") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  my:\n"
                       "    url: mysql://root:${MYSQL_ROOT_PASSWORD}@127.0.0.1:3307/?ssl-mode=DISABLED\n" +
                           k_dps + k_services,
                       {{"MYSQL_ROOT_PASSWORD", "p@ss"}});
    REQUIRE(loaded->problems.empty());
    const auto& server = loaded->topology.servers.at(0);
    CHECK(server.engine->value == Engine::mysql);
    CHECK(server.port == 3307);
    CHECK(server.user == "root");
    CHECK(server.password->reveal() == "p@ss");
    CHECK(server.options.at(0).first == "ssl-mode");
  }

  TEST_CASE("mariadb is an alias of mysql and ports default per engine") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  a: {engine: mariadb}\n  b: {engine: postgres}\n" +
                       k_dps + "services:\n  users: {server: a, migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->topology.servers[0].engine->value == Engine::mysql);
    CHECK(loaded->topology.servers[0].port == 3306);
    CHECK(loaded->topology.servers[1].port == 5432);
  }

  TEST_CASE("an unknown key is reported with a suggestion and its place") {
    auto loaded = load(k_pg_head + "topology: {mode: db-per-service}\n"
                                   "services:\n"
                                   "  users:\n"
                                   "    migrations: none\n"
                                   "    onwer: {name: x}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "9:5: unknown key 'onwer' in services.users (did you mean "
                                  "'owner'?)"});
  }

  TEST_CASE("an unset variable is named with its line") {
    auto loaded = load(k_pg_head + k_dps +
                       "services:\n  users:\n    migrations: none\n"
                       "    owner: {name: users, password: \"${USERS_DB_PASSWORD}\"}\n");
    CHECK(loaded->problems ==
          std::vector<std::string>{"9:36: services.users.owner.password: environment variable "
                                   "USERS_DB_PASSWORD is not set (use "
                                   "${USERS_DB_PASSWORD:-default} to give a default)"});
  }

  TEST_CASE("wrong types are reported with what was expected") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres, port: abc, max_connections: 0, options: [a]}\n" +
                       k_dps + "services:\n  users: {migrations: none, tenanted: maybe}\n");
    CHECK(loaded->problems ==
          std::vector<std::string>{
              "4:32: servers.pg.port must be a whole number from 1 to 65535, not 'abc'",
              "4:54: servers.pg.max_connections must be a whole number from 2 to 10000, not '0'",
              "4:66: servers.pg.options must be a mapping (key: value), not a list",
              "7:39: services.users.tenanted must be true or false, not 'maybe'"});
  }

  TEST_CASE("an invalid enumerated value suggests the closest") {
    auto loaded = load("version: 1\nname: shop\nservers:\n  pg: {engine: postgress}\n"
                       "topology: {mode: multitenant}\n" + k_services);
    CHECK(loaded->problems ==
          std::vector<std::string>{
              "4:16: servers.pg.engine must be postgres, mysql, mariadb or redis, not 'postgress' (did "
              "you mean 'postgres'?)",
              "5:18: topology.mode must be shared, db-per-service or multi-tenant, not "
              "'multitenant' (did you mean 'multi-tenant'?)"});
  }

  TEST_CASE("prune roles is keep unless the topology says drop - other values are refused at their place") {
    auto kept = load(k_pg_head + k_dps + k_services);
    REQUIRE(kept->problems.empty());
    CHECK(kept->topology.prune_roles.value == dbctl::topology::PruneRoles::keep);
    auto dropped = load(k_pg_head + k_dps + k_services + "prune: {roles: drop}\n");
    REQUIRE(dropped->problems.empty());
    CHECK(dropped->topology.prune_roles.value == dbctl::topology::PruneRoles::drop);
    auto wrong = load(k_pg_head + k_dps + k_services + "prune: {roles: delete}\n");
    CHECK(wrong->problems == std::vector<std::string>{"8:16: prune.roles must be keep or drop, not 'delete'"});
  }

  TEST_CASE("missing required sections are each reported") {
    auto loaded = load("naming: {}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "1:1: version is required (version: 1)",
                                  "1:1: name is required (the project name)",
                                  "1:1: servers is required (at least one database server)",
                                  "1:1: topology is required (topology: {mode: ...})",
                                  "1:1: services is required (at least one service)"});
  }

  TEST_CASE("only version 1 exists") {
    auto loaded = load("version: 2\nname: shop\nservers:\n  pg: {engine: postgres}\n" + k_dps +
                       k_services);
    CHECK(loaded->problems ==
          std::vector<std::string>{"1:10: version must be a whole number from 1 to 1, not '2'"});
  }

  TEST_CASE("YAML syntax errors carry the parser's position") {
    auto loaded = load("version: 1\nservers: [\n  pg: {engine: postgres\n");
    REQUIRE(loaded->problems.size() == 1);
    CHECK(loaded->problems[0].find("invalid YAML") != std::string::npos);
  }

  TEST_CASE("an empty document and a scalar document are refused") {
    CHECK(load("")->problems == std::vector<std::string>{
                                    "0:0: is empty; expected a topology (version: 1, name, "
                                    "servers, topology, services)"});
    CHECK(load("just text")->problems ==
          std::vector<std::string>{"1:1: the topology must be a mapping (key: value), not a scalar"});
  }

  TEST_CASE("a key given twice is an error") {
    auto loaded = load(k_pg_head + k_dps + "services:\n  users: {migrations: none}\n" +
                       "services:\n  orders: {migrations: none}\n");
    REQUIRE_FALSE(loaded->problems.empty());
    CHECK(loaded->problems[0] == "8:1: key 'services' appears twice in the topology");
  }

  TEST_CASE("url and discrete connection fields are alternatives") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {url: 'postgres://a@h/db', port: 5}\n" + k_dps + k_services);
    CHECK(loaded->problems == std::vector<std::string>{
                                  "4:40: servers.pg: url and port are alternatives; put the port "
                                  "in the url"});
  }

  TEST_CASE("a bad url is reported without echoing its password") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {url: 'postgres://a:hunter2@h:0/db'}\n" + k_dps + k_services);
    REQUIRE(loaded->problems.size() == 1);
    CHECK(loaded->problems[0] ==
          "4:13: servers.pg.url is not a valid database URL: port '0' is not a number from 1 to "
          "65535");
    CHECK(loaded->problems[0].find("hunter2") == std::string::npos);
  }

  TEST_CASE("a url whose scheme contradicts engine is refused") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres, url: 'mysql://h'}\n" + k_dps + k_services);
    CHECK(loaded->problems ==
          std::vector<std::string>{"4:31: servers.pg.url is a mysql URL but engine is postgres"});
  }

  TEST_CASE("migrations default to migrations/<service> and resolve against the file") {
    auto loaded = load(k_pg_head + k_dps +
                       "services:\n  users: {}\n  orders: {migrations: db/orders}\n"
                       "  cache: {migrations: none}\n  abs: {migrations: /srv/m}\n");
    REQUIRE(loaded->problems.empty());
    const auto& services = loaded->topology.services;
    CHECK(services[0].migrations->value == "/project/migrations/users");
    CHECK(services[1].migrations->value == "/project/db/orders");
    CHECK_FALSE(services[2].migrations.has_value());
    CHECK(services[3].migrations->value == "/srv/m");
  }

  TEST_CASE("owner and app accept a mapping - a bare name - or true for app") {
    auto loaded = load(k_pg_head + k_dps +
                       "services:\n"
                       "  a: {migrations: none, owner: a_own, app: true}\n"
                       "  b: {migrations: none, owner: {name: b_own, password: pw}, app: b_rw}\n"
                       "  c: {migrations: none, app: false}\n");
    REQUIRE(loaded->problems.empty());
    const auto& s = loaded->topology.services;
    CHECK(s[0].owner.name->value == "a_own");
    REQUIRE(s[0].app.has_value());
    CHECK_FALSE(s[0].app->name.has_value());
    CHECK(s[1].owner.password->value.reveal() == "pw");
    CHECK(s[1].app->name->value == "b_rw");
    CHECK_FALSE(s[2].app.has_value());
  }

  TEST_CASE("tenants may be names - 'name server' strings or mappings") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres}\n  pg-eu: {engine: postgres}\n"
                       "topology:\n  mode: multi-tenant\n"
                       "  tenants: [acme, globex pg-eu, {name: initech, server: pg}]\n"
                       "services:\n  users: {server: pg, migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    const auto& tenants = loaded->topology.tenants;
    REQUIRE(tenants.size() == 3);
    CHECK_FALSE(tenants[0].server.has_value());
    CHECK(tenants[1].server->value == "pg-eu");
    CHECK(tenants[2].server->value == "pg");
  }

  TEST_CASE("tenants and tenants_file are alternatives") {
    auto loaded = load(k_pg_head +
                       "topology: {mode: multi-tenant, tenants: [a], tenants_file: t.txt}\n" +
                       k_services);
    CHECK(loaded->problems == std::vector<std::string>{
                                  "5:60: topology.tenants and topology.tenants_file are "
                                  "alternatives; give one"});
  }

  TEST_CASE("a missing tenants file is reported at the key") {
    auto loaded = load(k_pg_head + "topology: {mode: multi-tenant, tenants_file: t.txt}\n" +
                       k_services);
    CHECK(loaded->problems ==
          std::vector<std::string>{"5:46: topology.tenants_file: /project/t.txt: no such file"});
  }

  TEST_CASE("an empty derive_from means no derivation") {
    auto loaded = load(k_pg_head + k_dps + k_services +
                       "passwords: {derive_from: \"${DBCTL_SECRET:-}\"}\n");
    REQUIRE(loaded->problems.empty());
    CHECK_FALSE(loaded->topology.derive_from.has_value());
  }

  TEST_CASE("roles and their grants load") {
    auto loaded = load(k_pg_head + k_dps + k_services +
                       "roles:\n  reporting:\n    password: rp\n    grants:\n"
                       "      - { services: [users], privileges: read }\n"
                       "      - { services: \"*\", privileges: write }\n");
    REQUIRE(loaded->problems.empty());
    const auto& role = loaded->topology.roles.at(0);
    CHECK(role.name == "reporting");
    REQUIRE(role.grants.size() == 2);
    CHECK(role.grants[0].services.at(0).value == "users");
    CHECK(role.grants[1].all_services);
    CHECK(role.grants[1].privilege == dbctl::topology::Privilege::write);
  }

  TEST_CASE("user_host sets the host part of MySQL users and is refused elsewhere") {
    auto mysql = load("version: 1\nname: shop\nservers:\n  my: {engine: mysql, user_host: \"10.0.%\"}\n" +
                      k_dps + k_services);
    REQUIRE(mysql->problems.empty());
    CHECK(mysql->topology.servers[0].user_host == "10.0.%");
    auto pg = load("version: 1\nname: shop\nservers:\n  pg: {engine: postgres, user_host: x}\n" + k_dps +
                   k_services);
    CHECK(pg->problems == std::vector<std::string>{"4:37: servers.pg.user_host applies to MySQL servers only"});
  }

  TEST_CASE("MySQL servers take the mysql client's option names - TLS ones included") {
    auto good = load("version: 1\nname: shop\nservers:\n  my: {engine: mysql, options: "
                     "{ssl-mode: VERIFY_CA, ssl-ca: /etc/ca.pem, connect_timeout: 3}}\n" + k_dps + k_services);
    CHECK(good->problems.empty());
    auto bad = load("version: 1\nname: shop\nservers:\n  my: {engine: mysql, options: "
                    "{sslmode: require, ssl-mode: yes}}\n" + k_dps + k_services);
    CHECK(bad->problems ==
          std::vector<std::string>{
              "4:42: unknown MySQL option 'sslmode' in servers.my.options (did you mean 'ssl-mode'?)",
              "4:61: servers.my.options.ssl-mode must be DISABLED, REQUIRED, VERIFY_CA or "
              "VERIFY_IDENTITY, not 'yes'"});
    auto in_url = load("version: 1\nname: shop\nservers:\n  my: {url: 'mysql://r@h/?sslca=x'}\n" + k_dps +
                       k_services);
    REQUIRE(in_url->problems.size() == 1);
    CHECK(in_url->problems[0].find("unknown MySQL option 'sslca'") != std::string::npos);
  }

  TEST_CASE("a PostgreSQL target_session_attrs that may reach a standby is refused") {
    for (std::string fine : {"read-write", "primary"}) {
      auto good = load("version: 1\nname: shop\nservers:\n  pg: {engine: postgres, options: "
                       "{target_session_attrs: " + fine + "}}\n" + k_dps + k_services);
      CHECK(good->problems.empty());
    }
    auto bad = load("version: 1\nname: shop\nservers:\n  pg: {url: 'postgres://u@h1,h2/postgres?"
                    "target_session_attrs=prefer-standby'}\n" + k_dps + k_services);
    REQUIRE(bad->problems.size() == 1);
    CHECK(bad->problems[0].find("4:3: servers.pg.options.target_session_attrs is 'prefer-standby', which may "
                                "reach a standby") == 0);
  }

  TEST_CASE("NUL bytes are refused before parsing") {
    std::string text = "version: 1\n";
    text += '\0';
    CHECK(load(text)->problems ==
          std::vector<std::string>{"0:0: contains NUL bytes: not a YAML text file"});
  }

  TEST_CASE("nesting beyond the parser's depth guard is a clear error") {
    std::string text = "a: " + std::string(5000, '[') + std::string(5000, ']');
    auto loaded = load(text);
    REQUIRE(loaded->problems.size() == 1);
    CHECK(loaded->problems[0].find("invalid YAML: nested more than") != std::string::npos);
  }
}
