#pragma once
// The TargetSession history primitives every driver offers alike, checked the same way on the
// real engines (tests/integration/test_engine_conformance.cpp) and on the fake driver
// (tests/unit/test_fake_conformance.cpp), so the fake the unit tests trust behaves as the
// engines do: rows written and read back field by field, failed rows cleared, rows imported as
// they are, a kept connection handed on, and the migration lock exclusive between sessions.
#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/error.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace dbctl::conformance {

/// A failed row of `service` two statements into V1_2.
inline engine::HistoryRow sample_row(const std::string& service) {
  engine::HistoryRow row;
  row.service = service;
  row.version = "1.2";
  row.description = "create things";
  row.type = engine::RowType::versioned;
  row.script = "V1_2__create_things.sql";
  row.checksum = std::string(64, 'a');
  row.installed_by = "tester";
  row.success = false;
  row.statements_done = 2;
  row.statement_hashes = "h1,h2";
  return row;
}

/// A row of a file that applied whole.
inline engine::HistoryRow applied_row(const std::string& service, const std::string& version, const std::string& script) {
  engine::HistoryRow row = sample_row(service);
  row.version = version;
  row.script = script;
  row.success = true;
  row.statements_done.reset();
  row.statement_hashes.clear();
  return row;
}

/// Run the history checks on `target`, whose database exists and holds no history yet.
/// Returns the session used, its history holding one applied row and one imported row.
inline std::unique_ptr<engine::TargetSession> conform_history(engine::Driver& driver, const targets::Target& target) {
  auto session = driver.target(target);
  REQUIRE(session->exists());
  CHECK(session->read_history().empty());
  session->ensure_history();
  session->ensure_history(); // idempotent
  long long rank = session->insert_history(sample_row(target.service));
  auto rows = session->read_history();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].rank == rank);
  CHECK(rows[0].service == target.service);
  CHECK(rows[0].version == "1.2");
  CHECK(rows[0].type == engine::RowType::versioned);
  CHECK(rows[0].script == "V1_2__create_things.sql");
  CHECK_FALSE(rows[0].success);
  CHECK(rows[0].statements_done == std::optional<int>(2));
  CHECK(rows[0].statement_hashes == "h1,h2");
  CHECK_FALSE(rows[0].installed_at.empty()); // failed rows say when

  engine::HistoryRow done = rows[0];
  done.success = true;
  done.statements_done = 3;
  done.statement_hashes = "h1,h2,h3";
  done.checksum = std::string(64, 'b');
  session->update_history(done);
  rows = session->read_history();
  CHECK(rows[0].success);
  CHECK(rows[0].statements_done == std::optional<int>(3));
  CHECK(rows[0].checksum == std::string(64, 'b'));
  session->update_checksum(rank, std::string(64, 'c'));
  CHECK(session->read_history()[0].checksum == std::string(64, 'c'));
  session->insert_history(sample_row(target.service));
  CHECK(session->delete_failed(target.service) == 1);
  CHECK(session->read_history().size() == 1);

  // Rows imported as they are, in order, with their time.
  engine::HistoryRow old_row = applied_row(target.service, "0.1", "V0_1__old.sql");
  old_row.installed_at = "2020-01-02 03:04:05";
  old_row.type = engine::RowType::baseline;
  session->import_history({old_row});
  auto imported = session->read_history();
  REQUIRE(imported.size() == 2);
  CHECK(imported.back().script == "V0_1__old.sql");
  CHECK(imported.back().type == engine::RowType::baseline);

  // A worker's kept connection carries from one session of the target to the next.
  {
    engine::Keep keep;
    {
      auto first = driver.target(target, &keep);
      first->connect_ahead();
      CHECK(first->exists());
    }
    auto second = driver.target(target, &keep);
    CHECK(second->read_history().size() == imported.size());
  }

  // The migration lock: one session at a time, released with its holder.
  {
    auto held = session->lock(std::chrono::seconds(5));
    auto other = driver.target(target);
    REQUIRE(other->exists());
    try {
      other->lock(std::chrono::seconds(1));
      FAIL("a second session must not get the lock");
    } catch (const DbError& e) {
      CHECK(std::string(e.what()).find("timed out after 1 s waiting for the migration lock, held by") !=
            std::string::npos);
    }
  }
  CHECK_NOTHROW(driver.target(target)->lock(std::chrono::seconds(1))); // released
  return session;
}

} // namespace dbctl::conformance
