// Provisioning on a real PostgreSQL 15: init, plan, destroy in every mode, and the catalog
// afterwards checked against SPEC.md's rules.
#include "support.hpp"

#include <future>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

// The admin URL with other credentials and database.
std::string url_as(const std::string& user, const std::string& password, const std::string& database) {
  std::string admin = pg_admin_url(database);
  return "postgres://" + user + ":" + password + admin.substr(admin.find('@'));
}

// Point a URL at another database.
std::string with_database(const std::string& url, const std::string& database) {
  std::string base = url.substr(0, url.find('?'));
  std::string query_part = url.find('?') == std::string::npos ? "" : url.substr(url.find('?'));
  return base.substr(0, base.rfind('/') + 1) + database + query_part;
}

// Create a table as its owner does in a migration (SET ROLE owner).
void create_table_as(const std::string& owner, const std::string& database,
                     const std::string& schema) {
  pg_query("SET ROLE " + owner + "; CREATE TABLE " + schema + ".items (id serial PRIMARY KEY, name text)",
        database);
}

void check_converged(const TestProject& project) {
  Result again = project.dbctl({"init"});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out == "pg: nothing to do\n");
  CHECK(again.err.find("dbctl: pg: ") == std::string::npos); // not one statement ran
  CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);
}

void check_app_rights(const std::string& app, const std::string& table) {
  CHECK(psql(app, "INSERT INTO " + table + " (name) VALUES ('x'); UPDATE " + table +
                      " SET name = 'y'; SELECT count(*) FROM " + table + "; DELETE FROM " + table)
            .exit_code == 0);
  Result ddl = psql(app, "CREATE TABLE app_made (x int)");
  CHECK(ddl.exit_code != 0);
  CHECK(ddl.err.find("permission denied") != std::string::npos);
  CHECK(psql(app, "DROP TABLE " + table).exit_code != 0);
}

void check_read_only(const std::string& reader, const std::string& table) {
  CHECK(psql(reader, "SELECT count(*) FROM " + table).exit_code == 0);
  Result insert = psql(reader, "INSERT INTO " + table + " (name) VALUES ('no')");
  CHECK(insert.exit_code != 0);
  CHECK(insert.err.find("permission denied") != std::string::npos);
}

} // namespace

TEST_SUITE("postgres: provisioning") {
  TEST_CASE("db-per-service: the rules hold - init converges - destroy removes only what it manages") {
    TestProject project("dps", "topology: {mode: db-per-service}\n"
                           "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                           "naming: {app: \"{service}_app\"}\n"
                           "services:\n"
                           "  @P@users: {migrations: none, extensions: [citext]}\n"
                           "  @P@orders: {migrations: none}\n"
                           "roles:\n  @P@bi:\n    password: bi-pass-1\n"
                           "    grants: [{services: \"*\", privileges: read}]\n");
    const std::string& p = project.prefix;
    pg_query("CREATE ROLE " + p + "bystander");
    pg_query("CREATE DATABASE " + p + "bystander_db");

    CHECK(project.dbctl({"plan", "--check"}).exit_code == 3);
    Result init = project.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    // 5 roles; per database: create, revoke PUBLIC, 2 connects; citext; per service: app usage
    // and 3 default privileges, reporting usage and 1 default privilege; then dbctl's mark (a
    // comment) on the 5 roles and 2 databases.
    CHECK(init.out == "pg: 33 changes applied\n");

    CHECK(pg_query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + p + "users'") ==
          p + "users");
    CHECK(pg_query("SELECT has_database_privilege('public', '" + p + "users', 'CONNECT')") == "f");
    CHECK(pg_query("SELECT count(*) FROM pg_extension WHERE extname = 'citext'", p + "users") == "1");

    create_table_as(p + "users", p + "users", "public");
    check_app_rights(project.url("users"), "items");
    check_read_only(url_as(p + "bi", "bi-pass-1", p + "users"), "items");
    Result cross = psql(with_database(project.url("orders"), p + "users"), "SELECT 1");
    CHECK(cross.exit_code != 0);
    CHECK(cross.err.find("permission denied for database") != std::string::npos);

    // Objects created after init get their grants from the default privileges: no new work.
    check_converged(project);
    Result destroyed = project.dbctl({"destroy", "--yes"});
    INFO(destroyed.err);
    REQUIRE(destroyed.exit_code == 0);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname LIKE '" + p + "%'") == "1");
    CHECK(pg_query("SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolname LIKE '" + p + "%'") ==
          p + "bystander");
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 3);
    pg_query("DROP DATABASE " + p + "bystander_db");
    pg_query("DROP ROLE " + p + "bystander");
  }

  TEST_CASE("shared: one database - a schema per service owned by its role") {
    TestProject project("shr", "topology: {mode: shared}\n"
                           "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                           "services:\n"
                           "  @P@users: {migrations: none, app: true}\n"
                           "  @P@orders: {migrations: none, app: true}\n");
    const std::string& p = project.prefix;
    std::string db = p + "shop";
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    CHECK(pg_query("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = '" + p + "users'", db) ==
          p + "users");
    CHECK(pg_query("SELECT has_database_privilege('public', '" + db + "', 'CONNECT')") == "f");
    create_table_as(p + "users", db, p + "users");
    create_table_as(p + "orders", db, p + "orders");
    std::string users_app = project.url("users");
    check_app_rights(users_app, p + "users.items");
    // Both services connect to the shared database, but neither reaches the other's schema.
    Result other = psql(users_app, "SELECT * FROM " + p + "orders.items");
    CHECK(other.exit_code != 0);
    CHECK(other.err.find("permission denied for schema") != std::string::npos);
    check_converged(project);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + db + "'") == "0");
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname LIKE '" + p + "%'") == "0");
  }

  TEST_CASE("multi-tenant - database tenancy: a database and roles per tenant - shared catalog") {
    TestProject project("mtd", "topology: {mode: multi-tenant, tenants: [acme, globex]}\n"
                           "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                           "services:\n"
                           "  @P@crm: {migrations: none, app: true}\n"
                           "  @P@catalog: {migrations: none, tenanted: false}\n");
    const std::string& p = project.prefix;
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    CHECK(pg_query("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE '" +
                p + "%'") == p + "catalog," + p + "crm_acme," + p + "crm_globex");
    create_table_as(p + "crm_acme", p + "crm_acme", "public");
    check_app_rights(project.url("crm_acme"), "items");
    Result cross = psql(with_database(project.url("crm_globex"), p + "crm_acme"), "SELECT 1");
    CHECK(cross.exit_code != 0);
    check_converged(project);
    // Destroying one tenant leaves the others and the shared service.
    REQUIRE(project.dbctl({"destroy", "--yes", "--tenant", "acme"}).exit_code == 0);
    CHECK(pg_query("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname LIKE '" +
                p + "%'") == p + "catalog," + p + "crm_globex");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname LIKE '" + p + "%'") == "0");
  }

  TEST_CASE("multi-tenant - schema tenancy: a schema per tenant - each owned by the tenant's role") {
    TestProject project("mts", "topology: {mode: multi-tenant, tenancy: schema, tenants: [acme, globex]}\n"
                           "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                           "naming: {app: \"{service}_{tenant}_app\"}\n"
                           "services:\n  @P@crm: {migrations: none}\n");
    const std::string& p = project.prefix;
    std::string db = p + "crm";
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    CHECK(pg_query("SELECT string_agg(nspname || ':' || pg_get_userbyid(nspowner), ',' ORDER BY nspname) "
                "FROM pg_namespace WHERE nspname IN ('acme', 'globex')", db) ==
          "acme:" + p + "crm_acme,globex:" + p + "crm_globex");
    create_table_as(p + "crm_acme", db, "acme");
    std::string acme_app = project.url("crm_acme");
    CHECK(acme_app.find("options=-csearch_path%3Dacme") != std::string::npos);
    check_app_rights(acme_app, "items"); // search_path from the URL finds acme.items
    create_table_as(p + "crm_globex", db, "globex");
    Result other = psql(acme_app, "SELECT * FROM globex.items");
    CHECK(other.exit_code != 0);
    check_converged(project);
    REQUIRE(project.dbctl({"destroy", "--yes", "--tenant", "acme"}).exit_code == 0);
    CHECK(pg_query("SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname IN ('acme', 'globex')", db) ==
          "globex");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + db + "'") == "0");
  }

  TEST_CASE("no password in plaintext reaches the server log or dbctl's output at -vv") {
    TestProject project("sec", "topology: {mode: db-per-service}\n"
                           "services:\n"
                           "  @P@users:\n    migrations: none\n"
                           "    owner: {password: \"${OWNER_PW}\"}\n"
                           "    app: {password: \"${APP_PW}\"}\n");
    std::string owner_pw = "Owner'Pw$" + project.prefix + "x";
    std::string app_pw = "App Pw\\" + project.prefix + "y";
    std::map<std::string, std::optional<std::string>> env{{"OWNER_PW", owner_pw}, {"APP_PW", app_pw}};
    std::vector<Result> runs{project.dbctl({"plan", "-vv"}, env), project.dbctl({"init", "-vv"}, env)};
    env["APP_PW"] = app_pw + "2"; // a changed password is applied on the next init
    runs.push_back(project.dbctl({"init", "-vv"}, env));
    CHECK(runs[2].out == "pg: 1 change applied\n");
    runs.push_back(project.dbctl({"init", "-vv"}, env));
    CHECK(runs[3].out == "pg: nothing to do\n");
    CHECK(psql(project.url("users", "", env), "SELECT 1").exit_code == 0);
    std::string log = read(required_env("DBCTL_TEST_PG_LOG"));
    REQUIRE(log.find(project.prefix + "users") != std::string::npos); // the log does record us
    for (const std::string& secret : {owner_pw, app_pw, app_pw + "2"}) {
      CAPTURE(secret);
      CHECK(log.find(secret) == std::string::npos);
      for (const auto& run : runs) {
        CHECK(run.out.find(secret) == std::string::npos);
        CHECK(run.err.find(secret) == std::string::npos);
      }
    }
    REQUIRE(project.dbctl({"destroy", "--yes"}, env).exit_code == 0);
  }

  TEST_CASE("hostile passwords work - quotes - backslashes - $$ - non-ASCII - 1 MB - and NUL or a quoted name is exit 2") {
    TestProject project("hpw", "topology: {mode: db-per-service}\n"
                           "services:\n"
                           "  @P@users:\n    migrations: none\n"
                           "    owner: {password_file: owner.pw}\n"
                           "    app: {password_file: app.pw}\n");
    std::string weird = "it's \"q\" \\ $$ $t$ \xc3\xbcn\xc3\xaf '; DROP ROLE x; --" + project.prefix;
    std::string huge(1024 * 1024, 'h');
    project.write("owner.pw", weird + "\n");
    project.write("app.pw", huge);
    Result init = project.dbctl({"init", "-vv"});
    INFO(init.err.substr(0, 2000));
    REQUIRE(init.exit_code == 0);
    CHECK(init.err.find(weird) == std::string::npos);
    CHECK(init.err.find(huge.substr(0, 64)) == std::string::npos);
    // Both log in with exactly those passwords (a pgpass file: no length limit, escapes \ and :).
    auto escaped = [](const std::string& text) {
      std::string out;
      for (char c : text) {
        out += (c == '\\' || c == ':') ? std::string("\\") + c : std::string(1, c);
      }
      return out;
    };
    std::string url = pg_admin_url(project.prefix + "users");
    std::string host_port = url.substr(url.find('@') + 1);
    host_port = host_port.substr(0, host_port.find('/'));
    std::string host = host_port.substr(0, host_port.find(':'));
    std::string port = host_port.substr(host_port.find(':') + 1);
    std::string pgpass = host + ":" + port + ":*:" + project.prefix + "users:" + escaped(weird) + "\n" + host + ":" +
                         port + ":*:" + project.prefix + "users_app:" + huge + "\n";
    std::filesystem::path pgpass_file = project.write("pgpass", pgpass);
    std::filesystem::permissions(pgpass_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    for (const std::string role : {"users", "users_app"}) {
      CAPTURE(role);
      Result login = run({"psql", "-XAtq", "-h", host, "-p", port, "-U", project.prefix + role, "-d",
                          project.prefix + "users", "-c", "SELECT current_user"},
                         {{}, {{"PGPASSFILE", pgpass_file.string()}, {"PGPASSWORD", std::nullopt}}, {}});
      INFO(login.err);
      CHECK(login.out == project.prefix + role + "\n");
    }
    CHECK(project.dbctl({"init"}).out == "pg: nothing to do\n"); // the verifiers match: converged
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);

    TestProject nul("hnl", "topology: {mode: db-per-service}\n"
                       "services:\n  @P@users: {migrations: none, owner: {password: \"a\\0b\"}}\n");
    Result refused = nul.dbctl({"init"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("services.hnl") != std::string::npos);
    CHECK(refused.err.find(".owner.password holds a NUL byte") != std::string::npos);
    TestProject quoted("hqn", "topology: {mode: db-per-service}\n"
                          "services:\n  @P@users: {migrations: none, owner: \"x\\\"; DROP ROLE y; --\"}\n");
    Result bad_name = quoted.dbctl({"init"});
    CHECK(bad_name.exit_code == 2);
    CHECK(bad_name.err.find("nothing was changed") != std::string::npos);
  }

  TEST_CASE("a failure midway leaves a state the next init completes") {
    std::string body = "topology: {mode: db-per-service}\n"
                       "services:\n  @P@users: {migrations: none, extensions: [@EXT@]}\n";
    // earthdistance is available, so init starts, but its CREATE fails without cube, which it
    // requires (dbctl creates extensions without CASCADE): the database exists by then.
    TestProject broken("mid", std::string(body).replace(body.find("@EXT@"), 5, "earthdistance"));
    Result failed = broken.dbctl({"init"});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("required extension \"cube\" is not installed") != std::string::npos);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + broken.prefix + "users'") == "1");
    // The same project, fixed: init completes what the failed run left.
    std::string fixed_text = read(broken.file);
    fixed_text.replace(fixed_text.find("earthdistance"), 13, "citext");
    broken.dir.write("topology.yaml", fixed_text);
    Result fixed = broken.dbctl({"init"});
    INFO(fixed.err);
    CHECK(fixed.exit_code == 0);
    // citext, and the marks the failed run did not reach (its role and database).
    CHECK(fixed.out == "pg: 3 changes applied\n");
    check_converged(broken);
    REQUIRE(broken.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("concurrent init runs take turns and all succeed") {
    TestProject project("par", "topology: {mode: multi-tenant, tenants: [a, b, c, d]}\n"
                           "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                           "naming: {app: \"{service}_{tenant}_app\"}\n"
                           "services:\n  @P@crm: {migrations: none}\n"
                           "roles:\n  @P@bi:\n    grants: [{services: \"*\", privileges: read}]\n");
    std::vector<std::future<Result>> runs;
    for (int i = 0; i < 4; ++i) {
      runs.push_back(std::async(std::launch::async, [&project] { return project.dbctl({"init"}); }));
    }
    for (auto& run : runs) {
      Result result = run.get();
      INFO(result.err);
      CHECK(result.exit_code == 0);
    }
    check_converged(project);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("destroy refuses without --yes and touches nothing") {
    TestProject project("dry", "topology: {mode: db-per-service}\nservices:\n  @P@users: {migrations: none}\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    Result refused = project.dbctl({"destroy"});
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("run it again with --yes") != std::string::npos);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + project.prefix + "users'") == "1");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

TEST_SUITE("postgres: connection errors") {
  TEST_CASE("an unreachable server is exit 1 with a message naming it - and wait gives up in time") {
    TestProject project("unr", "topology: {mode: db-per-service}\nservices:\n  @P@users: {migrations: none}\n",
                    "  pg: {engine: postgres, host: 127.0.0.1, port: 1, user: postgres}\n");
    Result init = project.dbctl({"init"});
    CHECK(init.exit_code == 1);
    CHECK(init.err.find("dbctl: error: pg: cannot connect to 127.0.0.1:1 as postgres: connection "
                        "refused; is the server running and listening there?") != std::string::npos);
    auto start = std::chrono::steady_clock::now();
    Result wait = project.dbctl({"wait", "--timeout", "1.5"});
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(wait.exit_code == 1);
    CHECK(wait.err.find("pg: not ready after 1.5 s; last error: pg: cannot connect") != std::string::npos);
    CHECK(took < 10);
  }

  TEST_CASE("wait returns once the server answers") {
    TestProject project("wai", "topology: {mode: db-per-service}\nservices:\n  @P@users: {migrations: none}\n");
    Result wait = project.dbctl({"wait"});
    CHECK(wait.exit_code == 0);
    CHECK(wait.err.find("pg: ready") != std::string::npos);
  }

  TEST_CASE("a wrong admin password is exit 1 naming the setting to fix") {
    std::string admin = pg_admin_url();
    std::string port = admin.substr(admin.rfind(':') + 1);
    port = port.substr(0, port.find('/'));
    TestProject project("pwd", "topology: {mode: db-per-service}\nservices:\n  @P@users: {migrations: none}\n",
                    "  pg: {engine: postgres, host: 127.0.0.1, port: " + port +
                        ", user: postgres, password: wrong-password}\n");
    Result init = project.dbctl({"plan"});
    CHECK(init.exit_code == 1);
    CHECK(init.err.find("pg: password authentication failed for user postgres at 127.0.0.1:" + port +
                        "; check servers.pg.password") != std::string::npos);
    CHECK(init.err.find("wrong-password") == std::string::npos);
  }

  TEST_CASE("an admin without CREATEROLE is told exactly that") {
    std::string p = unique_prefix("lim");
    pg_query("CREATE ROLE " + p + "admin LOGIN PASSWORD 'lim-pass' CREATEDB");
    std::string admin = pg_admin_url();
    std::string hostport = admin.substr(admin.find('@') + 1);
    hostport = hostport.substr(0, hostport.find('/'));
    TestProject project("lim", "topology: {mode: db-per-service}\nservices:\n  @P@users: {migrations: none}\n",
                    "  pg: {url: \"postgres://" + p + "admin:lim-pass@" + hostport + "/postgres\"}\n");
    Result init = project.dbctl({"init"});
    CHECK(init.exit_code == 1);
    CHECK(init.err.find("pg: the admin user " + p + "admin may not create or alter roles; grant it "
                        "CREATEROLE") != std::string::npos);
    pg_query("DROP ROLE " + p + "admin");
  }

  TEST_CASE("a non-superuser admin with CREATEROLE and CREATEDB provisions everything") {
    std::string p = unique_prefix("nsu");
    pg_query("CREATE ROLE " + p + "admin LOGIN PASSWORD 'nsu-pass' CREATEDB CREATEROLE");
    std::string admin = pg_admin_url();
    std::string hostport = admin.substr(admin.find('@') + 1);
    hostport = hostport.substr(0, hostport.find('/'));
    TestProject project("nsu", "topology: {mode: shared}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                           "services:\n  @P@users: {migrations: none, app: true}\n",
                    "  pg: {url: \"postgres://" + p + "admin:nsu-pass@" + hostport + "/postgres\"}\n");
    Result init = project.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    create_table_as(p + "users", p + "shop", p + "users");
    check_app_rights(project.url("users"), p + "users.items");
    // Without pg_authid, passwords are checked by logging in with them: still converges.
    check_converged(project);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    pg_query("DROP ROLE " + p + "admin");
  }
}
