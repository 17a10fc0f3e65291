#pragma once
// Printing `repair` and `baseline` (with --version or --from flyway), target by target.
#include "dbctl/migration/runner.hpp"
#include "dbctl/migration/version.hpp"
#include "dbctl/targets/target.hpp"

#include <memory>
#include <string>

namespace dbctl::report {

/// The per-target results of one history edit: a text line each as they come, and the JSON
/// array of them all at the end (target fields, then the edit's own).
class HistoryEdits {
public:
  HistoryEdits();
  ~HistoryEdits();
  HistoryEdits(const HistoryEdits&) = delete;
  HistoryEdits& operator=(const HistoryEdits&) = delete;

  /// Record a repair; return its line ("removed 1 failed row, accepted the checksum of ...").
  std::string repaired(const targets::Target& target, const migration::RepairResult& result);
  /// Record a baseline; return its line ("baselined at version 3").
  std::string baselined(const targets::Target& target, const migration::Version& version);
  /// Record a Flyway import; return its line ("imported 4 rows from flyway_schema_history").
  std::string imported(const targets::Target& target, const migration::FlywayImportResult& result,
                       const std::string& table);
  /// Return the JSON array of every edit recorded.
  std::string json() const;

private:
  struct Items;
  std::unique_ptr<Items> m_items;
};

} // namespace dbctl::report
