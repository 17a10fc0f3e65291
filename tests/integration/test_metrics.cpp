// --metrics-file: Prometheus text format that promtool accepts, with the run's and each
// target's numbers, written by rename, and the last success kept through a failed run.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

// promtool's verdict on a metrics file (its lint included): empty when it has nothing to say.
std::string promtool_problems(const std::filesystem::path& file) {
  Result checked = run({"sh", "-c", "promtool check metrics < \"$0\"", file.string()});
  return checked.exit_code == 0 ? checked.out + checked.err : "exit " + std::to_string(checked.exit_code) + ": " +
                                                                  checked.out + checked.err;
}

std::string line_of(const std::string& text, const std::string& start) {
  std::size_t at = text.find(start);
  return at == std::string::npos ? "" : text.substr(at, text.find('\n', at) - at);
}

} // namespace

TEST_SUITE("metrics") {
  TEST_CASE("migrate - up and status write Prometheus metrics that promtool accepts") {
    TestProject project("met", "topology: {mode: multi-tenant, tenants: [a, b]}\nservices:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (id int);\n");
    project.write("migrations/@P@svc/V2__u.sql", "CREATE TABLE u (id int);\n");
    std::filesystem::path up_file = project.dir.path() / "up.prom";
    Result up = project.dbctl({"up", "--metrics-file", up_file.string()});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    std::string up_text = read(up_file);
    CHECK(promtool_problems(up_file) == "");
    std::string p = project.prefix;
    CHECK(line_of(up_text, "dbctl_target_migrations_applied{project=\"" + p + "shop\",service=\"" + p +
                               "svc\",tenant=\"b\",server=\"pg\"}") ==
          "dbctl_target_migrations_applied{project=\"" + p + "shop\",service=\"" + p +
              "svc\",tenant=\"b\",server=\"pg\"} 2");
    CHECK(line_of(up_text, "dbctl_targets{command=\"up\",project=\"" + p + "shop\",result=\"migrated\"}") ==
          "dbctl_targets{command=\"up\",project=\"" + p + "shop\",result=\"migrated\"} 2");
    CHECK(up_text.find("dbctl_run_success{command=\"up\",project=\"" + p + "shop\"} 1") != std::string::npos);
    CHECK(up_text.find("dbctl_target_lock_wait_seconds{") != std::string::npos);

    project.write("migrations/@P@svc/V3__v.sql", "CREATE TABLE v (id int);\n");
    std::filesystem::path status_file = project.dir.path() / "status.prom";
    REQUIRE(project.dbctl({"status", "--metrics-file", status_file.string()}).exit_code == 0);
    std::string status_text = read(status_file);
    CHECK(promtool_problems(status_file) == "");
    CHECK(status_text.find("dbctl_targets_by_state{project=\"" + p + "shop\",state=\"pending\"} 2") != std::string::npos);
    CHECK(status_text.find("dbctl_target_pending_migrations{project=\"" + p + "shop\",service=\"" + p +
                           "svc\",tenant=\"a\",server=\"pg\"} 1") != std::string::npos);
    CHECK(status_text.find("service=\"" + p + "svc\",tenant=\"a\",server=\"pg\",state=\"pending\"} 1") !=
          std::string::npos);
    CHECK(status_text.find("service=\"" + p + "svc\",tenant=\"a\",server=\"pg\",state=\"up-to-date\"} 0") !=
          std::string::npos);

    // A failed migrate says so, and keeps the time of the last success it replaces.
    std::filesystem::path migrate_file = project.dir.path() / "migrate.prom";
    REQUIRE(project.dbctl({"migrate", "--metrics-file", migrate_file.string()}).exit_code == 0);
    std::string success = line_of(read(migrate_file), "dbctl_last_success_timestamp_seconds{");
    REQUIRE(!success.empty());
    project.write("migrations/@P@svc/V4__bad.sql", "CREATE TABLE v (id int);\n");
    Result failed = project.dbctl({"migrate", "--keep-going", "--metrics-file", migrate_file.string()});
    CHECK(failed.exit_code == 1);
    std::string after = read(migrate_file);
    CHECK(promtool_problems(migrate_file) == "");
    CHECK(after.find("dbctl_run_success{command=\"migrate\",project=\"" + p + "shop\"} 0") != std::string::npos);
    CHECK(line_of(after, "dbctl_last_success_timestamp_seconds{") == success);
    CHECK(after.find("dbctl_targets{command=\"migrate\",project=\"" + p + "shop\",result=\"failed\"} 2") !=
          std::string::npos);
    CHECK(after.find("dbctl_target_failed{project=\"" + p + "shop\",service=\"" + p +
                     "svc\",tenant=\"a\",server=\"pg\"} 1") != std::string::npos);
    // No temporary file is left beside it.
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(project.dir.path())) {
      files += entry.path().filename().string().find(".prom") != std::string::npos ? 1 : 0;
    }
    CHECK(files == 3);
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}
