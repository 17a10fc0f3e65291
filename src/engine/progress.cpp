// The default TargetSession::run_with_progress: a statement, then the row's update, each on its
// own round trip.
#include "progress.hpp"

#include "dbctl/util/interrupt.hpp"

namespace dbctl::engine {

namespace {

// Insert `row` as a failed row with `done` statements done, unless `report.rank` names it
// already; either way `row.rank` is the row's afterwards.
void ensure_row(TargetSession& session, std::size_t done, HistoryRow& row, ProgressReport& report) {
  if (report.rank == 0) {
    row.success = false;
    row.statements_done = static_cast<int>(done);
    report.rank = session.insert_history(row);
  }
  row.rank = report.rank;
}

} // namespace

bool run_step(TargetSession& session, const std::vector<SqlStatement>& statements, std::size_t i, std::size_t from,
              HistoryRow& row, ProgressReport& report, std::chrono::steady_clock::time_point began,
              const util::Interrupt* interrupt) {
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
  };
  auto take_notices = [&] {
    for (std::string& notice : session.take_notices()) {
      report.notices.emplace_back(i, std::move(notice));
    }
  };
  try {
    ensure_row(session, from, row, report);
  } catch (...) {
    report.failure = std::current_exception();
    report.row_failed = true;
    return false;
  }
  try {
    if (i > from) {
      util::throw_if_interrupted(interrupt);
    }
    session.run_alone(statements[i].text);
  } catch (...) {
    take_notices();
    report.failure = std::current_exception();
    return false;
  }
  take_notices();
  report.done = i + 1;
  append_hash(row.statement_hashes, statements[i].text);
  row.statements_done = static_cast<int>(i + 1);
  row.success = i + 1 == statements.size();
  row.execution_ms = elapsed();
  try {
    session.update_history(row);
  } catch (...) {
    report.failure = std::current_exception();
    report.row_failed = true;
    return false;
  }
  return true;
}

void record_nothing_left(TargetSession& session, std::size_t count, HistoryRow& row, ProgressReport& report) {
  try {
    ensure_row(session, count, row, report);
    row.success = true;
    row.statements_done = static_cast<int>(count);
    session.update_history(row);
  } catch (...) {
    report.failure = std::current_exception();
    report.row_failed = true;
  }
}

ProgressReport TargetSession::run_with_progress(const std::vector<SqlStatement>& statements, std::size_t from,
                                                HistoryRow row, const util::Interrupt* interrupt) {
  ProgressReport report;
  report.done = from;
  report.rank = row.rank;
  auto began = std::chrono::steady_clock::now();
  if (from >= statements.size()) {
    record_nothing_left(*this, statements.size(), row, report);
    return report;
  }
  for (std::size_t i = from; i < statements.size(); ++i) {
    if (!run_step(*this, statements, i, from, row, report, began, interrupt)) {
      break;
    }
  }
  return report;
}

} // namespace dbctl::engine
