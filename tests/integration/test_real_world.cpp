// Regressions found by applying real public migration histories as a new user would (issue 19):
// error lines and advice, stored programs without DELIMITER, server notices, two entries for
// one server, grants that shrink, wait's deadline, application_name, setup and the dpkg lock.
#include "support.hpp"

#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_mysql = "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";
const std::string k_passwords = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";

// A TCP port on 127.0.0.1 that accepts connections (the kernel completes them from the
// backlog) and never says a word: a server that hangs before its greeting.
class SilentPort {
public:
  SilentPort() {
    m_fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(m_fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(m_fd, 64) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    m_port = ntohs(address.sin_port);
  }
  ~SilentPort() { close(m_fd); }
  SilentPort(const SilentPort&) = delete;
  SilentPort& operator=(const SilentPort&) = delete;
  int port() const { return m_port; }

private:
  int m_fd = -1;
  int m_port = 0;
};

} // namespace

TEST_SUITE("real-world fixes") {
  TEST_CASE("a MySQL error names the file line of the failing line - the statement's number - the server's text") {
    TestProject project("rwl", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        k_mysql);
    project.write("migrations/@P@svc/V1__x.sql",
                  "CREATE TABLE a (x INT);\n"         // 1
                  "CREATE TABLE b (x INT);\n"         // 2
                  "\n"                                // 3
                  "-- the third statement\n"          // 4: its text starts here (line 1 for the server)
                  "CREATE TABLE c (\n"                // 5
                  "  x INT,\n"                        // 6
                  "  y INT,\n"                        // 7
                  "  z INT NOT NULL DEFAULT,\n"       // 8: line 5 for the server
                  "  w INT\n"                         // 9
                  ");\n");
    Result up = project.dbctl({"up"});
    CHECK(up.exit_code == 1);
    INFO(up.err);
    CHECK(up.err.find("V1__x.sql:8: statement 3 of 3: You have an error in your SQL syntax") != std::string::npos);
    // The server's excerpt keeps its line break, shown as \n, so the message stays one line.
    CHECK(up.err.find("near '\\n  w INT\\n)' at line 5 (1064, 42000); fix the file and run dbctl migrate (it resumes "
                      "at statement 3); dbctl repair if you changed statements before it") != std::string::npos);
    // status words the failed row the same way.
    Result status = project.dbctl({"status"});
    CHECK(status.out.find("V1__x.sql failed at ") != std::string::npos);
    CHECK(status.out.find(" at statement 3; fix the file and run dbctl migrate (it resumes at statement 3); "
                          "dbctl repair if you changed statements before it") != std::string::npos);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a MySQL stored program without DELIMITER applies as the server reads it") {
    TestProject project("rwd", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        k_mysql);
    project.write("migrations/@P@svc/V1__procs.sql",
                  "CREATE TABLE counter (n INT NOT NULL);\n"
                  "INSERT INTO counter VALUES (0);\n"
                  "CREATE PROCEDURE bump(IN times INT)\n"
                  "BEGIN\n"
                  "  DECLARE i INT DEFAULT 0;\n"
                  "  WHILE i < times DO\n"
                  "    IF i % 2 = 0 THEN UPDATE counter SET n = n + 1; ELSE UPDATE counter SET n = n + 2; END IF;\n"
                  "    SET i = i + 1;\n"
                  "  END WHILE;\n"
                  "END;\n"
                  "CREATE TRIGGER counter_positive BEFORE UPDATE ON counter FOR EACH ROW\n"
                  "BEGIN\n"
                  "  IF NEW.n < 0 THEN SET NEW.n = 0; END IF;\n"
                  "END;\n"
                  "CALL bump(3);\n");
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(mysql_query("SELECT n FROM counter", project.prefix + "svc") == "4");
    CHECK(mysql_query("SELECT statements_done FROM dbctl_history", project.prefix + "svc") == "5");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("CREATE INDEX CONCURRENTLY in a transaction says to mark the file no-transaction") {
    TestProject project("rwc", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (id int);\n");
    project.write("migrations/@P@svc/V2__idx.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n");
    // lint refuses it before it runs (concurrent-in-transaction is an error by default) ...
    Result refused = project.dbctl({"up"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("V2__idx.sql:1:14: error concurrent-in-transaction: ") != std::string::npos);
    // ... and the server's own error, when it runs anyway, says the same
    Result up = project.dbctl({"up", "--no-lint"});
    CHECK(up.exit_code == 1);
    CHECK(up.err.find("V2__idx.sql: CREATE INDEX CONCURRENTLY cannot run inside a transaction block (25001); "
                      "add `-- dbctl:no-transaction` as the file's first line to run it outside a "
                      "transaction") != std::string::npos);
    project.write("migrations/@P@svc/V2__idx.sql",
                  "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n");
    CHECK(project.dbctl({"migrate"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("server notices and warnings are logged once at file:line and counted in JSON") {
    const std::string long_name(70, 'n');
    TestProject pg("rwn", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {}\n");
    pg.write("migrations/@P@svc/V1__long.sql", "CREATE TABLE " + long_name + " (id int);\n");
    Result applied = pg.dbctl({"-o", "json", "up"});
    INFO(applied.err);
    REQUIRE(applied.exit_code == 0);
    CHECK(applied.err.find("dbctl: warning: " + pg.prefix + "svc@pg: V1__long.sql: NOTICE:  identifier \"" +
                           long_name + "\" will be truncated") != std::string::npos);
    CHECK(nlohmann::json::parse(applied.out)["migrate"][0]["notices"] == 1);
    REQUIRE(pg.dbctl({"destroy", "--yes"}).exit_code == 0);

    TestProject my("rwm", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                   k_mysql);
    my.write("migrations/@P@svc/V1__x.sql",
             "CREATE TABLE t (id INT);\nDROP TABLE IF EXISTS no_such_table;\nDROP TABLE IF EXISTS no_such_table;\n");
    Result mapplied = my.dbctl({"-o", "json", "up"});
    INFO(mapplied.err);
    REQUIRE(mapplied.exit_code == 0);
    CHECK(mapplied.err.find("dbctl: warning: " + my.prefix + "svc@my: V1__x.sql:2: Unknown table '" + my.prefix +
                            "svc.no_such_table' (1051)") != std::string::npos);
    // The same message from line 3 is not logged again.
    CHECK(mapplied.err.find("V1__x.sql:3:") == std::string::npos);
    CHECK(nlohmann::json::parse(mapplied.out)["migrate"][0]["notices"] == 1);
    REQUIRE(my.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("two server entries reaching one server provision it one after another - never waiting on themselves") {
    for (const std::string engine : {"postgres", "mysql"}) {
      CAPTURE(engine);
      std::string url = engine == "postgres" ? "${DBCTL_TEST_PG_URL}" : "${DBCTL_TEST_MYSQL_URL}";
      TestProject project("rws",
                          "topology: {mode: multi-tenant, tenants: [acme, {name: globex, server: b}]}\n" +
                              k_passwords +
                              "services:\n  @P@svc: {server: a, app: true, migrations: none}\n"
                              "roles:\n  @P@reporting:\n    password: pw-rep\n"
                              "    grants: [{services: \"*\", privileges: read}]\n",
                          "  a: {url: \"" + url + "\"}\n  b: {url: \"" + url + "\"}\n");
      auto start = std::chrono::steady_clock::now();
      Result init = project.dbctl({"init", "--lock-timeout", "20"});
      double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      INFO(init.err);
      REQUIRE(init.exit_code == 0);
      CHECK(took < 20); // not one lock wait, which would have ended in a timeout
      Result again = project.dbctl({"init"});
      CHECK(again.exit_code == 0);
      CHECK(again.out == "a: nothing to do\nb: nothing to do\n");
      REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    }
  }

  TEST_CASE("a role changed from write to read loses what write gave - on both engines") {
    for (const std::string engine : {"postgres", "mysql"}) {
      CAPTURE(engine);
      bool pg = engine == "postgres";
      auto topology = [](const std::string& level) {
        return "topology: {mode: db-per-service}\n" + k_passwords +
               "services:\n  @P@svc: {}\n  @P@other: {migrations: none}\n"
               "roles:\n  @P@rep:\n    password: pw-rep\n    grants:\n"
               "      - {services: [@P@svc], privileges: " + level + "}\n"
               "      - {services: [@P@other], privileges: write}\n";
      };
      TestProject project("rwg", topology("write"), pg ? "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n" : k_mysql);
      project.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (id int);\n");
      REQUIRE(project.dbctl({"up"}).exit_code == 0);
      const std::string db = project.prefix + "svc";
      const std::string rep = project.prefix + "rep";
      // MySQL: the database-level grant as mysql.db keeps it (GRANT stores `_` escaped).
      auto my_can = [&](const std::string& database, const std::string& privilege) {
        std::string column = privilege.substr(0, 1); // INSERT -> Insert_priv
        for (std::size_t i = 1; i < privilege.size(); ++i) {
          column += static_cast<char>(std::tolower(static_cast<unsigned char>(privilege[i])));
        }
        column += "_priv";
        return mysql_query("SELECT COALESCE(MAX(" + column + "), 'N') FROM mysql.db WHERE User = '" + rep +
                           "' AND REPLACE(Db, '\\\\', '') = '" + database + "'");
      };
      auto can = [&](const std::string& privilege) {
        return pg ? pg_query("SELECT has_table_privilege('" + rep + "', 't', '" + privilege + "')", db)
                  : my_can(db, privilege);
      };
      const std::string yes = pg ? "t" : "Y";
      const std::string no = pg ? "f" : "N";
      CHECK(can("INSERT") == yes);
      // Now read: init revokes INSERT, UPDATE, DELETE (and EXECUTE on MySQL), and converges.
      project.write("topology.yaml", read(project.file).replace(read(project.file).find("privileges: write"),
                                                                 17, "privileges: read"));
      CHECK(project.dbctl({"plan", "--check"}).exit_code == 3);
      Result init = project.dbctl({"init"});
      INFO(init.err);
      REQUIRE(init.exit_code == 0);
      CHECK(can("INSERT") == no);
      CHECK(can("DELETE") == no);
      CHECK(can("SELECT") == yes);
      CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);
      // The other service's write grant stays.
      if (pg) {
        CHECK(pg_query("SELECT has_database_privilege('" + rep + "', '" + project.prefix + "other', 'CONNECT')",
                       project.prefix + "other") == "t");
        // And tables made later give it SELECT only.
        pg_query("SET ROLE " + db + "; CREATE TABLE later (id int)", db);
        CHECK(pg_query("SELECT has_table_privilege('" + rep + "', 'later', 'INSERT')", db) == "f");
        CHECK(pg_query("SELECT has_table_privilege('" + rep + "', 'later', 'SELECT')", db) == "t");
      } else {
        CHECK(my_can(project.prefix + "other", "INSERT") == "Y");
      }
      REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    }
  }

  TEST_CASE("wait gives up at its timeout on a port that accepts but never greets - on both engines") {
    SilentPort silent;
    for (const std::string engine : {"postgres", "mysql"}) {
      CAPTURE(engine);
      TestProject project("rww", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {migrations: none}\n",
                          "  s: {engine: " + engine + ", host: 127.0.0.1, port: " + std::to_string(silent.port()) +
                              ", user: root, password: x}\n");
      auto start = std::chrono::steady_clock::now();
      Result wait = project.dbctl({"wait", "--timeout", "2"});
      double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      CHECK(wait.exit_code == 1);
      CHECK(wait.err.find("s: not ready after 2 s") != std::string::npos);
      CHECK(took < 5); // each attempt's connect timeout is bounded by the time left (was 10 s)
    }
  }

  TEST_CASE("connections carry application_name dbctl:<project>") {
    TestProject project("rwa", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__who.sql",
                  "CREATE TABLE who AS SELECT current_setting('application_name') AS name;\n");
    REQUIRE(project.dbctl({"up"}).exit_code == 0);
    CHECK(pg_query("SELECT name FROM who", project.prefix + "svc") == "dbctl:" + project.prefix + "shop");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("status lists a target it cannot reach as error - every target exactly once") {
    for (const std::string engine : {"postgres", "mysql"}) {
      CAPTURE(engine);
      std::string live = engine == "postgres" ? "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n" : "  pg: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";
      TestProject project("rwe",
                          "topology: {mode: multi-tenant, tenants: [acme, {name: globex, server: dead}, beta]}\n" +
                              k_passwords + "services:\n  @P@svc: {server: pg, migrations: none}\n",
                          live + "  dead: {engine: " + engine + ", host: 127.0.0.1, port: 1, user: root, password: x}\n");
      Result json = project.dbctl({"-o", "json", "status"});
      INFO(json.err);
      CHECK(json.exit_code == 1);
      auto rows = nlohmann::json::parse(json.out);
      REQUIRE(rows.size() == 3);
      CHECK(rows[0]["tenant"] == "acme");
      CHECK(rows[0]["state"] == "missing");
      CHECK(rows[1]["tenant"] == "globex");
      CHECK(rows[1]["state"] == "error");
      REQUIRE(rows[1]["issues"].size() == 1);
      CHECK(rows[1]["issues"][0].get<std::string>().find("dead: cannot connect to 127.0.0.1:1") != std::string::npos);
      CHECK(rows[2]["state"] == "missing");
      Result text = project.dbctl({"status"});
      CHECK(text.exit_code == 1);
      CHECK(text.out.find(project.prefix + "svc[globex]") != std::string::npos);
      CHECK(text.out.find(" error ") != std::string::npos);
    }
  }

  TEST_CASE("setup waits for another process's dpkg lock with a message instead of failing") {
    if (getuid() != 0) {
      MESSAGE("not root: apt cannot install here, so the lock wait is not exercised");
      return;
    }
    // Hold dpkg's frontend lock (fcntl, as apt and dpkg take it) for 4 s.
    auto holder = std::make_unique<Background>(std::vector<std::string>{
        "python3", "-c",
        "import fcntl, time\nf = open('/var/lib/dpkg/lock-frontend', 'w')\nfcntl.lockf(f, fcntl.LOCK_EX)\n"
        "open('" + (std::filesystem::temp_directory_path() / ("dbctl-lock-held-" + std::to_string(getpid()))).string() +
        "', 'w').close()\ntime.sleep(4)\n"});
    std::filesystem::path held = std::filesystem::temp_directory_path() / ("dbctl-lock-held-" + std::to_string(getpid()));
    // Another apt (or this test of another checkout) may hold the lock first: wait it out.
    for (int i = 0; i < 1200 && !std::filesystem::exists(held); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(std::filesystem::exists(held));
    std::filesystem::remove(held);
    auto start = std::chrono::steady_clock::now();
    // Installing a package that is installed already still takes the lock.
    Result install = run({"bash", "-c", "source \"$1\" && apt_install dpkg", "-",
                          (source_dir() / "scripts/lib/apt.sh").string()},
                         {{}, {{"DBCTL_APT_NO_UPDATE", "1"}}, {}});
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO(install.err);
    CHECK(install.exit_code == 0);
    CHECK(install.err.find("setup: another apt or dpkg process holds its lock") != std::string::npos);
    CHECK(took > 2);
    holder->wait(30);
  }
}
