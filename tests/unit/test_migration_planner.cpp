// Migration policy against in-memory files and history: no server.
#include "dbctl/migration/planner.hpp"
#include "string_maker.hpp"

#include <doctest/doctest.h>

using namespace dbctl::migration;

namespace {

MigrationFile versioned(const char* version, const char* checksum_text, bool no_tx = false) {
  MigrationFile f;
  f.kind = Kind::versioned;
  f.version = Version::parse(version);
  f.script = std::string("V") + version + "__m.sql";
  f.description = "m";
  f.checksum = checksum_text;
  f.no_transaction = no_tx;
  return f;
}

MigrationFile repeatable(const char* name, const char* checksum_text) {
  MigrationFile f;
  f.kind = Kind::repeatable;
  f.script = std::string("R__") + name + ".sql";
  f.description = name;
  f.checksum = checksum_text;
  return f;
}

HistoryRow row(long long rank, const char* version, const char* checksum_text,
               RowType type = RowType::versioned, bool success = true, const char* service = "users") {
  HistoryRow r;
  r.rank = rank;
  r.service = service;
  r.version = version;
  r.type = type;
  r.script = type == RowType::repeatable ? std::string("R__") + version + ".sql"
                                         : std::string("V") + version + "__m.sql";
  if (type == RowType::repeatable) {
    r.version.clear();
  }
  r.checksum = checksum_text;
  r.success = success;
  return r;
}

std::vector<std::string> scripts(const MigrationPlan& plan) {
  std::vector<std::string> out;
  for (const auto* f : plan.pending) {
    out.push_back(f->script);
  }
  return out;
}

// One set for the whole file: a plan points into the set it was computed from.
const MigrationSet& files_1_to_3() {
  static const MigrationSet set = [] {
    MigrationSet out;
    out.versioned = {versioned("1", "a"), versioned("2", "b"), versioned("3", "c")};
    return out;
  }();
  return set;
}

} // namespace

TEST_SUITE("migration::planner") {
  TEST_CASE("nothing applied: everything is pending and the state is empty") {
    MigrationSet files = files_1_to_3();
    files.repeatable = {repeatable("views", "v")};
    MigrationPlan plan = plan_migrations(files, {}, "users", true, {});
    CHECK(plan.state == State::empty);
    CHECK(scripts(plan) == std::vector<std::string>{"V1__m.sql", "V2__m.sql", "V3__m.sql", "R__views.sql"});
    CHECK_FALSE(plan.current_version.has_value());
    CHECK(plan.problems.empty());
  }

  TEST_CASE("a missing database is missing - whatever else holds") {
    CHECK(plan_migrations(files_1_to_3(), {}, "users", false, {}).state == State::missing);
  }

  TEST_CASE("partly applied: the rest is pending in order - then up to date") {
    MigrationSet files = files_1_to_3();
    MigrationPlan plan = plan_migrations(files, {row(1, "1", "a")}, "users", true, {});
    CHECK(plan.state == State::pending);
    CHECK(plan.current_version == std::optional<std::string>("1"));
    CHECK(plan.applied == 1);
    CHECK(scripts(plan) == std::vector<std::string>{"V2__m.sql", "V3__m.sql"});
    MigrationPlan done = plan_migrations(files, {row(1, "1", "a"), row(2, "2", "b"), row(3, "3", "c")},
                                         "users", true, {});
    CHECK(done.state == State::up_to_date);
    CHECK(done.pending.empty());
  }

  TEST_CASE("rows of other services are ignored (MySQL shared mode keys history by service)") {
    MigrationPlan plan = plan_migrations(files_1_to_3(), {row(1, "1", "zzz", RowType::versioned, true, "orders")},
                                         "users", true, {});
    CHECK(plan.state == State::empty);
    CHECK(plan.pending.size() == 3);
  }

  TEST_CASE("an applied file whose checksum changed is drift and stops the run") {
    MigrationPlan plan = plan_migrations(files_1_to_3(), {row(1, "1", "a"), row(2, "2", "old")}, "users", true, {});
    CHECK(plan.state == State::drift);
    REQUIRE(plan.problems.size() == 1);
    CHECK(plan.problems[0].rfind("V2__m.sql was changed after it was applied", 0) == 0);
    CHECK(plan.issues == plan.problems);
  }

  TEST_CASE("an applied version whose file is gone is drift - one newer than every file is ahead") {
    MigrationSet files;
    files.versioned = {versioned("1", "a"), versioned("3", "c")};
    MigrationPlan gone = plan_migrations(files, {row(1, "1", "a"), row(2, "2", "b"), row(3, "3", "c")},
                                         "users", true, {});
    CHECK(gone.state == State::drift);
    CHECK(gone.problems.at(0) == "version 2 (V2__m.sql) is applied but its file is missing");
    MigrationPlan ahead = plan_migrations(files, {row(1, "1", "a"), row(2, "3", "c"), row(3, "4", "d")},
                                          "users", true, {});
    CHECK(ahead.state == State::ahead);
    CHECK(ahead.problems.empty());
    CHECK(ahead.issues.at(0) == "version 4 (V4__m.sql) is applied but newer than every file");
  }

  TEST_CASE("a pending version below the newest applied is refused unless out of order") {
    MigrationSet files = files_1_to_3();
    files.versioned.insert(files.versioned.begin() + 1, versioned("1.5", "x"));
    std::vector<HistoryRow> history{row(1, "1", "a"), row(2, "2", "b"), row(3, "3", "c")};
    MigrationPlan refused = plan_migrations(files, history, "users", true, {});
    REQUIRE(refused.problems.size() == 1);
    CHECK(refused.problems[0] ==
          "V1.5__m.sql is older than the newest applied version 3; apply it with --out-of-order");
    PlanOptions options;
    options.out_of_order = true;
    MigrationPlan allowed = plan_migrations(files, history, "users", true, options);
    CHECK(allowed.problems.empty());
    CHECK(scripts(allowed) == std::vector<std::string>{"V1.5__m.sql"});
  }

  TEST_CASE("a failed row makes the target failed and stops the run") {
    MigrationPlan plan = plan_migrations(files_1_to_3(), {row(1, "1", "a"), row(2, "2", "b", RowType::versioned, false)},
                                         "users", true, {});
    CHECK(plan.state == State::failed);
    REQUIRE(plan.problems.size() == 1);
    CHECK(plan.problems[0].rfind("V2__m.sql failed", 0) == 0);
  }

  TEST_CASE("where scripts run statement by statement - a failed row with progress is resumed") {
    HistoryRow failed = row(2, "2", "b", RowType::versioned, false);
    failed.statements_done = 3;
    failed.statement_hashes = "h1,h2,h3";
    PlanOptions options;
    options.resume_failed = true;
    MigrationPlan plan = plan_migrations(files_1_to_3(), {row(1, "1", "a"), failed}, "users", true, options);
    CHECK(plan.problems.empty());
    CHECK(scripts(plan) == std::vector<std::string>{"V2__m.sql", "V3__m.sql"});
    REQUIRE(plan.resume.count("V2__m.sql") == 1);
    CHECK(plan.resume.at("V2__m.sql").statements_done == std::optional<int>(3));
    // status (no resume) still calls it failed; a failed row without progress is a problem.
    CHECK(plan_migrations(files_1_to_3(), {row(1, "1", "a"), failed}, "users", true, {}).state == State::failed);
    HistoryRow bare = row(2, "2", "b", RowType::versioned, false);
    CHECK(plan_migrations(files_1_to_3(), {row(1, "1", "a"), bare}, "users", true, options).problems.size() == 1);
  }

  TEST_CASE("--target stops at a version") {
    PlanOptions options;
    options.target = Version::parse("2");
    MigrationPlan plan = plan_migrations(files_1_to_3(), {}, "users", true, options);
    CHECK(scripts(plan) == std::vector<std::string>{"V1__m.sql", "V2__m.sql"});
  }

  TEST_CASE("a baseline covers every version up to it") {
    MigrationPlan plan = plan_migrations(files_1_to_3(), {row(1, "2", "", RowType::baseline)}, "users", true, {});
    CHECK(plan.current_version == std::optional<std::string>("2"));
    CHECK(plan.applied == 1);
    CHECK(scripts(plan) == std::vector<std::string>{"V3__m.sql"});
    CHECK(plan.problems.empty());
  }

  TEST_CASE("repeatables rerun only when their checksum changed (the latest row counts)") {
    MigrationSet files;
    files.repeatable = {repeatable("a", "new"), repeatable("b", "same")};
    std::vector<HistoryRow> history{row(1, "a", "old", RowType::repeatable), row(2, "b", "same", RowType::repeatable)};
    MigrationPlan plan = plan_migrations(files, history, "users", true, {});
    CHECK(plan.state == State::pending);
    CHECK(scripts(plan) == std::vector<std::string>{"R__a.sql"});
    history.push_back(row(3, "a", "new", RowType::repeatable));
    CHECK(plan_migrations(files, history, "users", true, {}).state == State::up_to_date);
  }

  TEST_CASE("5000 applied migrations plan in one pass") {
    MigrationSet files;
    std::vector<HistoryRow> history;
    for (int i = 1; i <= 5000; ++i) {
      std::string v = std::to_string(i);
      files.versioned.push_back(versioned(v.c_str(), "c"));
      history.push_back(row(i, v.c_str(), "c"));
    }
    MigrationPlan plan = plan_migrations(files, history, "users", true, {});
    CHECK(plan.state == State::up_to_date);
    CHECK(plan.applied == 5000);
  }
}
