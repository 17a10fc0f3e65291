#pragma once
// Running a script's statements behind its progress row, one round trip at a time: the
// default TargetSession::run_with_progress, and what an engine that batches statements does
// with one that must go alone.
#include "dbctl/engine/driver.hpp"

#include <chrono>

namespace dbctl::engine {

/// Run statement `i` (of `statements`, the run starting at `from`) on its own: insert `row` first
/// when `report.rank` is 0, stop before it when `interrupt` was requested (unless i == from), then
/// update the row to say it ran (success after the last), keeping row.statement_hashes and
/// report.done in step. Return false when the run stopped; report.failure then says why.
bool run_step(TargetSession& session, const std::vector<SqlStatement>& statements, std::size_t i, std::size_t from,
              HistoryRow& row, ProgressReport& report, std::chrono::steady_clock::time_point began,
              const util::Interrupt* interrupt);

/// For a script with no statement left to run (none at all, or a resumed one whose last
/// statement ran): insert `row` when `report.rank` is 0, then mark it a success.
void record_nothing_left(TargetSession& session, std::size_t count, HistoryRow& row, ProgressReport& report);

} // namespace dbctl::engine
