// format: command with the real Alembic: examples/alembic's two Python services (SQLAlchemy
// models, one branch merge) in all three modes on PostgreSQL 15 and MariaDB 10.11 (PyMySQL);
// a broken revision failing only its targets; baseline --from alembic of a database Alembic
// migrated itself; and the bad inputs (program not on PATH, current: printing nothing).
#include "support.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <thread>

using namespace dbctl::test;

namespace {

using Env = std::map<std::string, std::optional<std::string>>;

std::filesystem::path example(const std::string& mode) { return source_dir() / "examples/alembic" / (mode + ".yaml"); }

Result on_example(const std::string& mode, const std::string& server_url, std::vector<std::string> args) {
  args.insert(args.begin(), {"-f", example(mode).string()});
  return run_dbctl(args, {{}, Env{{"DATABASE_SERVER_URL", server_url}, {"DBCTL_SECRET", "alembic-example"}}, {}});
}

// Every target of a mode's example: up brings it to head, status says so, a re-run runs nothing.
void bring_to_head(const std::string& mode, const std::string& server_url, std::size_t targets) {
  CAPTURE(mode);
  REQUIRE(on_example(mode, server_url, {"destroy", "--yes"}).exit_code == 0); // from an earlier run
  Result up = on_example(mode, server_url, {"up", "-j", "8"});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  CHECK(up.err.find("Running upgrade acc0002a, acc0002b -> acc0003") != std::string::npos); // the merge
  CHECK(up.out.find("ran alembic upgrade head (at version acc0004)") != std::string::npos);

  Result status = on_example(mode, server_url, {"status", "-o", "json", "--check"});
  INFO(status.out);
  CHECK(status.exit_code == 0);
  auto rows = nlohmann::json::parse(status.out);
  REQUIRE(rows.size() == targets);
  for (const auto& row : rows) {
    CHECK(row["state"] == "up-to-date");
    CHECK(row["current_version"] == (row["service"] == "accounts" ? "acc0004" : "bil0003"));
  }

  Result again = on_example(mode, server_url, {"migrate", "-j", "8"});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("running alembic") == std::string::npos);
  CHECK(again.out.find(std::to_string(targets) + " up to date") != std::string::npos);

  Result env = on_example(mode, server_url, {"env"});
  CHECK(env.exit_code == 0);
  CHECK(static_cast<std::size_t>(std::count(env.out.begin(), env.out.end(), '\n')) == targets);
}

void destroy(const std::string& mode, const std::string& server_url) {
  CHECK(on_example(mode, server_url, {"destroy", "--yes"}).exit_code == 0);
}

// A project with copies of the example's services under prefixed names, so cases run in parallel.
struct AlembicProject {
  std::unique_ptr<TestProject> project;
  std::string p;

  AlembicProject(const std::string& tag, const std::string& extra = "") {
    std::string body = "topology: {mode: db-per-service}\n"
                       "services:\n"
                       "  @P@acc: {format: command, run: [alembic, upgrade, head], current: alembic, cwd: accounts,\n"
                       "           url_scheme: postgresql+psycopg2, owner: {password: acc-pw-Zq81}}\n"
                       "  @P@bil: {format: command, run: [alembic, upgrade, head], current: alembic, cwd: billing,\n"
                       "           url_scheme: postgresql+psycopg2, owner: {password: bil-pw-Zq82}}\n" +
                       extra;
    project = std::make_unique<TestProject>(tag, body);
    p = project->prefix;
    for (const char* service : {"accounts", "billing"}) {
      std::filesystem::copy(source_dir() / "examples/alembic" / service, project->dir.path() / service,
                            std::filesystem::copy_options::recursive);
    }
  }

  Result dbctl(std::vector<std::string> args) const { return project->dbctl(std::move(args)); }
};

const char* k_broken = R"(
"""a revision that fails

Revision ID: bil0004
Revises: bil0003
"""
from alembic import op

revision = "bil0004"
down_revision = "bil0003"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE no_such_table ADD COLUMN x integer")


def downgrade():
    pass
)";

} // namespace

TEST_SUITE("alembic") {
  TEST_CASE("the Alembic example on PostgreSQL - shared - db-per-service - 20 tenants - up - status - no-op re-run") {
    std::string server = required_env("DBCTL_TEST_PG_URL");
    bring_to_head("shared", server, 2);
    CHECK(pg_query("SELECT string_agg(table_schema || '.' || table_name, ',' ORDER BY table_schema, table_name) FROM "
                   "information_schema.tables WHERE table_schema IN ('accounts', 'billing') AND table_name NOT LIKE "
                   "'%version%' AND table_name NOT LIKE 'dbctl%'",
                   "alembic_shop") == "accounts.memberships,accounts.teams,accounts.users,billing.invoice_lines,"
                                      "billing.invoices");
    destroy("shared", server);

    bring_to_head("db-per-service", server, 2);
    // Alembic ran as the owner, so the app role reads what it created (default privileges).
    CHECK(pg_query("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'memberships'", "alembic_accounts") ==
          "accounts");
    Result env = on_example("db-per-service", server, {"env", "--service", "billing"});
    std::string url = env.out.substr(env.out.find('=') + 1);
    url = url.substr(0, url.find('\n'));
    if (url.front() == '\'') {
      url = url.substr(1, url.size() - 2);
    }
    Result read = psql(url, "SELECT count(*) FROM invoice_lines");
    INFO(read.err);
    CHECK(read.exit_code == 0);
    destroy("db-per-service", server);

    bring_to_head("multi-tenant", server, 40);
    CHECK(pg_query("SELECT version_num FROM alembic_version_billing", "alembic_billing_t17") == "bil0003");
    destroy("multi-tenant", server);
  }

  TEST_CASE("the Alembic example on MariaDB with PyMySQL - shared - db-per-service - 20 tenants") {
    std::string server = required_env("DBCTL_TEST_MYSQL_URL");
    bring_to_head("shared", server, 2);
    // One database for both services: a version table each.
    CHECK(mysql_query("SELECT version_num FROM alembic_version_accounts", "alembic_shop") == "acc0004");
    CHECK(mysql_query("SELECT version_num FROM alembic_version_billing", "alembic_shop") == "bil0003");
    destroy("shared", server);
    bring_to_head("db-per-service", server, 2);
    CHECK(mysql_query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'alembic_accounts' AND "
                      "TABLE_NAME IN ('users', 'teams', 'memberships')") == "3");
    destroy("db-per-service", server);
    bring_to_head("multi-tenant", server, 40);
    destroy("multi-tenant", server);
  }

  TEST_CASE("a broken revision fails only its targets with Alembic's error shown - fixed it runs again") {
    AlembicProject alembic("alb");
    const std::string& p = alembic.p;
    std::filesystem::path broken = alembic.project->write("billing/alembic/versions/bil0004_broken.py", k_broken);
    Result up = alembic.dbctl({"up", "--keep-going"});
    INFO(up.err);
    CHECK(up.exit_code == 1);
    CHECK(up.out.find(p + "acc@pg: ran alembic upgrade head (at version acc0004)") != std::string::npos);
    CHECK(up.out.find(p + "bil@pg: failed") != std::string::npos);
    CHECK(up.err.find("`alembic upgrade head` exited 1; its last lines:") != std::string::npos);
    CHECK(up.err.find("no_such_table") != std::string::npos);
    CHECK(up.err.find("bil-pw-Zq82") == std::string::npos);

    Result status = alembic.dbctl({"status"});
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("failed") != std::string::npos);
    CHECK(status.out.find("the last run of `alembic upgrade head` failed") != std::string::npos);
    // PostgreSQL rolled the whole run back: the target is where it was before it
    CHECK(pg_query("SELECT count(*) FROM dbctl_history WHERE type = 'command' AND NOT success", p + "bil") == "1");

    std::filesystem::remove(broken);
    Result fixed = alembic.dbctl({"migrate"});
    INFO(fixed.err);
    CHECK(fixed.exit_code == 0);
    CHECK(fixed.out.find(p + "bil@pg: ran alembic upgrade head (at version bil0003)") != std::string::npos);
    CHECK(fixed.out.find(p + "acc@pg: up to date") != std::string::npos);
    Result check = alembic.dbctl({"status", "--check"});
    CHECK(check.exit_code == 0);
    CHECK(alembic.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a new revision makes its targets pending - migrate runs only them") {
    AlembicProject alembic("alp");
    const std::string& p = alembic.p;
    REQUIRE(alembic.dbctl({"up"}).exit_code == 0);
    alembic.project->write("billing/alembic/versions/bil0004_notes.py",
                           R"(revision = "bil0004"
down_revision = "bil0003"
branch_labels = None
depends_on = None
from alembic import op
import sqlalchemy as sa


def upgrade():
    op.add_column("invoices", sa.Column("notes", sa.Text))


def downgrade():
    op.drop_column("invoices", "notes")
)");
    Result status = alembic.dbctl({"status", "--check"});
    CHECK(status.exit_code == 3);
    CHECK(status.out.find("at bil0003; the scripts' head is bil0004") != std::string::npos);
    Result plan = alembic.dbctl({"plan"});
    CHECK(plan.out.find(p + "bil@pg: 1 migration to apply: alembic upgrade head") != std::string::npos);
    Result dry = alembic.dbctl({"migrate", "--dry-run"});
    CHECK(dry.out.find(p + "bil@pg: would apply alembic upgrade head") != std::string::npos);
    Result migrate = alembic.dbctl({"migrate"});
    CHECK(migrate.exit_code == 0);
    CHECK(migrate.out.find(p + "bil@pg: ran alembic upgrade head (at version bil0004)") != std::string::npos);
    CHECK(migrate.out.find(p + "acc@pg: up to date") != std::string::npos);
    CHECK(pg_query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'invoices' AND column_name = "
                   "'notes'",
                   p + "bil") == "1");
    CHECK(alembic.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("baseline --from alembic takes over a database Alembic itself migrated") {
    AlembicProject alembic("alf");
    const std::string& p = alembic.p;
    REQUIRE(alembic.dbctl({"init"}).exit_code == 0);
    // The service's own pipeline ran Alembic before the project used dbctl.
    Result env = alembic.dbctl({"env", "--role", "owner", "--service", p + "acc", "--format", "json"});
    auto urls = nlohmann::json::parse(env.out);
    std::string url = urls.begin().value().get<std::string>();
    url = "postgresql+psycopg2" + url.substr(url.find("://"));
    Result ran = run({"alembic", "upgrade", "acc0003"},
                     {alembic.project->dir.path() / "accounts",
                      Env{{"DATABASE_URL", url}, {"ALEMBIC_VERSION_TABLE", "alembic_version"}}, {}});
    INFO(ran.err);
    REQUIRE(ran.exit_code == 0);

    Result status = alembic.dbctl({"status", "--service", p + "acc"});
    CHECK(status.out.find("pending") != std::string::npos);
    Result baseline = alembic.dbctl({"baseline", "--from", "alembic", "--service", p + "acc"});
    INFO(baseline.err);
    CHECK(baseline.exit_code == 0);
    CHECK(baseline.out.find("imported 1 row from alembic_version (at version acc0003)") != std::string::npos);
    CHECK(pg_query("SELECT type || ':' || version FROM dbctl_history", p + "acc") == "baseline:acc0003");
    Result twice = alembic.dbctl({"baseline", "--from", "alembic", "--service", p + "acc"});
    CHECK(twice.exit_code == 2);
    Result migrate = alembic.dbctl({"migrate", "--service", p + "acc"});
    CHECK(migrate.out.find("ran alembic upgrade head (at version acc0004)") != std::string::npos);

    // A revision that no script has is refused, nothing written.
    REQUIRE(alembic.dbctl({"migrate", "--service", p + "bil"}).exit_code == 0);
    pg_query("DELETE FROM dbctl_history; UPDATE alembic_version SET version_num = 'zzz999'", p + "bil");
    Result unknown = alembic.dbctl({"baseline", "--from", "alembic", "--service", p + "bil"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("alembic_version names zzz999, which no script") != std::string::npos);
    CHECK(pg_query("SELECT count(*) FROM dbctl_history", p + "bil") == "0");
    CHECK(alembic.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("the URL reaches the program through its environment only - its password masked in the log") {
    TestProject project("alu", "topology: {mode: db-per-service}\n"
                               "services:\n"
                               "  @P@svc:\n"
                               "    format: command\n"
                               "    run: [\"sh\", \"-c\", \"echo url=$DATABASE_URL; echo service=$DBCTL_SERVICE; "
                               "echo args=$#; echo done > ran.txt\"]\n"
                               "    owner: {password: \"p@ss w0rd-Secret\"}\n");
    project.write("migrations/@P@svc/.keep", "");
    Result up = project.dbctl({"up", "-vv"});
    INFO(up.err);
    CHECK(up.exit_code == 0);
    CHECK(up.err.find("url=postgres://" + project.prefix + "svc:***@127.0.0.1") != std::string::npos);
    CHECK(up.err.find("service=" + project.prefix + "svc") != std::string::npos);
    CHECK(up.err.find("args=0") != std::string::npos);
    CHECK(up.err.find("p@ss w0rd-Secret") == std::string::npos);
    CHECK(up.err.find("p%40ss%20w0rd-Secret") == std::string::npos);
    CHECK(std::filesystem::exists(project.dir.path() / "migrations" / (project.prefix + "svc") / "ran.txt"));
    // No current: without heads every migrate runs it; status says up-to-date after a good run.
    Result status = project.dbctl({"status", "--check"});
    CHECK(status.exit_code == 0);
    Result again = project.dbctl({"migrate"});
    CHECK(again.out.find("ran sh -c") != std::string::npos);
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("SIGINT ends the program and its children - the run is recorded failed - --statement-timeout too") {
    TestProject project("als", "topology: {mode: db-per-service}\n"
                               "services:\n"
                               "  @P@svc:\n"
                               "    format: command\n"
                               "    run: [\"sh\", \"-c\", \"echo started; touch started.flag; sleep 30 & sleep 30\"]\n"
                               "    owner: {password: als-pw}\n");
    project.write("migrations/@P@svc/.keep", "");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    std::filesystem::path flag = project.dir.path() / "migrations" / (project.prefix + "svc") / "started.flag";
    auto process = project.start({"migrate"});
    for (int i = 0; i < 200 && !std::filesystem::exists(flag); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50)); // until the program runs
    }
    REQUIRE(std::filesystem::exists(flag));
    auto began = std::chrono::steady_clock::now();
    REQUIRE(process->signal(SIGINT));
    Result interrupted = process->wait(30);
    INFO(interrupted.err);
    CHECK(interrupted.exit_code == 130);
    CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(10));
    CHECK(run({"pgrep", "-f", "touch started.flag; sleep 30"}).exit_code == 1); // no process left behind
    Result status = project.dbctl({"status"});
    CHECK(status.out.find("failed") != std::string::npos);

    Result timed = project.dbctl({"migrate", "--statement-timeout", "1"});
    CHECK(timed.exit_code == 1);
    CHECK(timed.err.find("was stopped after 1 s (--statement-timeout)") != std::string::npos);
    CHECK(timed.err.find("started") != std::string::npos);
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("bad command input is exit 2 with the service named and no server touched") {
    auto refused = [](const std::string& service_body, const std::string& expected) {
      CAPTURE(expected);
      TestProject project("alx", "topology: {mode: db-per-service}\nservices:\n  @P@svc:\n" + service_body);
      project.write("migrations/@P@svc/.keep", "");
      Result up = project.dbctl({"up"});
      INFO(up.err);
      CHECK(up.exit_code == 2);
      CHECK(up.err.find(expected) != std::string::npos);
      CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + project.prefix + "svc'") == "0");
    };
    refused("    format: command\n    run: [dbctl-no-such-tool, up]\n",
            "services." + unique_prefix("alx") + "svc.run: dbctl-no-such-tool is not on PATH");
    refused("    format: command\n    run: \"alembic upgrade head\"\n", "must be a list of words (argv)");
    refused("    format: command\n", "format: command needs run:");
    refused("    run: [alembic, upgrade, head]\n", "only a service with format: command runs a program");
    refused("    format: command\n    run: [alembic, upgrade, head]\n    current: [dbctl-no-such-current]\n",
            "current: dbctl-no-such-current is not on PATH");
    refused("    format: command\n    run: [alembic, upgrade, head]\n",
            "owner: format: command runs its program as the owner " + unique_prefix("alx") + "svc, which has no password");

    // current: printing nothing is exit 2 too (found once the database is there to ask).
    TestProject project("aly", "topology: {mode: db-per-service}\nservices:\n  @P@svc:\n"
                               "    format: command\n    run: [\"true\"]\n    current: [\"true\"]\n"
                               "    owner: {password: aly-pw}\n");
    project.write("migrations/@P@svc/.keep", "");
    Result up = project.dbctl({"up"});
    CHECK(up.exit_code == 2);
    CHECK(up.err.find("current: `true` printed nothing for " + project.prefix + "svc") != std::string::npos);
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}
