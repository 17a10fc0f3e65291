#pragma once
// Switching from Flyway: its checksum, and turning flyway_schema_history into dbctl_history
// rows (`dbctl baseline --from flyway`). Written once for every engine.
#include "dbctl/engine/history.hpp"
#include "dbctl/migration/discovery.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::migration {

/// Return Flyway's checksum of a file's contents: CRC-32 (IEEE) over the UTF-8 bytes of its
/// lines without their line endings (LF, CR LF or CR), a leading byte-order mark dropped, read
/// as a signed 32-bit integer (Java's `(int) crc32.getValue()`).
std::int32_t flyway_checksum(std::string_view contents);

/// What the import would write, or why it cannot.
struct FlywayImport {
  std::vector<engine::HistoryRow> rows; ///< in Flyway's order, checksums dbctl's own
  std::vector<std::string> problems;    ///< any one stops the import
  std::vector<std::string> skipped;     ///< repeatables changed since Flyway ran them: left pending
};

/// Turn Flyway's rows (by installed_rank) into dbctl_history rows for `service`, matching each
/// applied script with its file in `files`: a versioned row needs the file of its version and
/// that file's Flyway checksum must equal the recorded one (else it changed since Flyway ran
/// it); BASELINE rows become dbctl baselines; SCHEMA rows are skipped, and so are versions a
/// later DELETE row (flyway repair) removed. A repeatable's last run is kept when its file is
/// unchanged, else left for migrate to re-run. Failed rows, Java (JDBC) and undo migrations are
/// problems. `read` returns a file's contents (the caller's file access, for tests).
FlywayImport plan_flyway_import(const std::vector<engine::FlywayRow>& flyway, const MigrationSet& files,
                                const std::string& service,
                                const std::function<std::string(const MigrationFile&)>& read);

} // namespace dbctl::migration
