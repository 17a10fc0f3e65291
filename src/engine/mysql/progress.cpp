// MySQL scripts behind their progress row, many statements per round trip. Each statement
// travels in one batch (CLIENT_MULTI_STATEMENTS) with its SHOW WARNINGS and the row's update
// after it, so the server updates the row after every statement exactly as it did when each
// went on a round trip of its own: a failure, a kill -9 or a lost connection leaves the row
// where the server stopped, and migrate resumes there. The results, read in order, say which
// statement failed; a gate between statements ends the batch when the run is interrupted.
#include "target_session.hpp"

#include "../progress.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/interrupt.hpp"

#include <cctype>
#include <strings.h>

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

namespace dbctl::engine::mysql {

namespace {

using Clock = std::chrono::steady_clock;

// A batch stays far below max_allowed_packet (16 MiB by default on MariaDB, 64 MiB on MySQL 8);
// a statement longer than this goes in a batch of its own.
constexpr std::size_t k_batch_bytes = std::size_t{1} << 20;
constexpr std::size_t k_batch_statements = 500;

// What a result of a batch is: the row's insert or the session variables set (row), the
// inserted row's rank, a gate, a statement of the script, its warnings, the row's update after
// it, and the batch's end.
enum class Part { row, rank, gate, statement, warnings, progress, tail };

struct Expected {
  Part part;
  std::size_t index; ///< the statement's, in the script
};

// Whether the result is a result set. The others are indistinguishable, in Connector/C++ 1.1,
// from the end of the results: a result set after each statement (its warnings) and at the end
// tells a batch the server ended early from one it ran through.
bool has_rows(Part part) {
  return part == Part::rank || part == Part::gate || part == Part::warnings || part == Part::tail;
}

// Where a statement's code starts: after blanks and `-- `, `#` and /* */ comments (a /*! */
// version comment is code).
std::size_t code_start(const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[at])) != 0) {
      ++at;
    } else if (text.compare(at, 2, "--") == 0 || text[at] == '#') {
      std::size_t eol = text.find('\n', at);
      at = eol == std::string::npos ? text.size() : eol + 1;
    } else if (text.compare(at, 2, "/*") == 0 && text.compare(at, 3, "/*!") != 0) {
      std::size_t close = text.find("*/", at + 2);
      at = close == std::string::npos ? text.size() : close + 2;
    } else {
      break;
    }
  }
  return at;
}

bool starts_with_word(const std::string& text, std::size_t at, const char* word) {
  std::size_t length = std::char_traits<char>::length(word);
  if (text.size() < at + length || strncasecmp(text.c_str() + at, word, length) != 0) {
    return false;
  }
  return text.size() == at + length || (std::isalnum(static_cast<unsigned char>(text[at + length])) == 0 &&
                                        text[at + length] != '_');
}

// Whether a statement goes on a round trip of its own: one holding a `;` (a DELIMITER block's
// body, or a literal), which the server may read as several statements, so that results would
// no longer line up with statements; and a CALL or EXECUTE, which may return several results.
bool alone(const std::string& text) {
  if (text.find(';') != std::string::npos) {
    return true;
  }
  std::size_t at = code_start(text);
  return starts_with_word(text, at, "CALL") || starts_with_word(text, at, "EXECUTE");
}

// A statement's error in the words the server would have used for it alone: a syntax error's
// excerpt ("near '...' at line N") runs on into the rest of the batch, dbctl's part included;
// it ends where the statement does, at the first separator (a batched statement holds no `;`).
sql::SQLException alone_words(const sql::SQLException& error) {
  std::string message = error.what();
  std::size_t near = message.find("near '");
  std::size_t separator = near == std::string::npos ? near : message.find("\n;\n", near);
  std::size_t close = separator == std::string::npos ? separator : message.rfind("' at line ");
  if (close == std::string::npos || close < separator) {
    return error;
  }
  return sql::SQLException(message.substr(0, separator) + message.substr(close), error.getSQLStateCStr(),
                           error.getErrorCode());
}

// The run's interruption as InterruptedError, when it was requested; else null.
std::exception_ptr interruption(const util::Interrupt* interrupt) {
  try {
    util::throw_if_interrupted(interrupt);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

// A DbError for a Connector/C++ failure, as rethrow() words it.
std::exception_ptr translated(const std::exception& failure, const std::string& context) {
  try {
    rethrow(failure, context);
  } catch (...) {
    return std::current_exception();
  }
}

} // namespace

ProgressReport TargetSession::run_with_progress(const std::vector<SqlStatement>& statements, std::size_t from,
                                                HistoryRow row, const util::Interrupt* interrupt) {
  ProgressReport report;
  report.done = from;
  report.rank = row.rank;
  auto began = Clock::now();
  if (from >= statements.size()) {
    record_nothing_left(*this, statements.size(), row, report);
    return report;
  }
  std::vector<bool> single(statements.size());
  for (std::size_t i = from; i < statements.size(); ++i) {
    single[i] = alone(statements[i].text);
  }
  std::size_t i = from;
  while (i < statements.size()) {
    if (single[i]) {
      if (!run_step(*this, statements, i, from, row, report, began, interrupt)) {
        return report;
      }
      ++i;
      continue;
    }
    std::size_t end = i;
    std::size_t bytes = 0;
    while (end < statements.size() && !single[end] && end - i < k_batch_statements &&
           (end == i || bytes + statements[end].text.size() <= k_batch_bytes)) {
      bytes += statements[end].text.size();
      ++end;
    }
    if (!run_batch(statements, i, end, from, row, report, began, interrupt)) {
      return report;
    }
    i = end;
  }
  return report;
}

bool TargetSession::run_batch(const std::vector<SqlStatement>& statements, std::size_t first, std::size_t end,
                              std::size_t from, HistoryRow& row, ProgressReport& report, Clock::time_point began,
                              const util::Interrupt* interrupt) {
  std::string text;
  std::vector<Expected> expected;
  auto add = [&](const std::string& sql, Part part, std::size_t index) {
    // A newline before the `;`: a statement may end in a `-- ` or `#` comment.
    text += text.empty() ? "" : "\n;\n";
    text += sql;
    expected.push_back({part, index});
  };
  try {
    sql::Connection& connection = work();
    std::string table = quote_ident(m_target.database) + ".dbctl_history";
    long long offset =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
    auto literal = [&](const std::string& value) { return quote_literal(connection, value); };
    if (report.rank == 0) {
      add("INSERT INTO " + table +
              " (service, version, description, type, script, checksum, installed_by, execution_ms, success, "
              "statements_done, statement_hashes) VALUES (" +
              literal(row.service) + ", NULLIF(" + literal(row.version) + ", ''), " + literal(row.description) + ", " +
              literal(to_string(row.type)) + ", " + literal(row.script) + ", " + literal(row.checksum) + ", " +
              literal(row.installed_by) + ", 0, FALSE, " + std::to_string(from) + ", NULLIF(" +
              literal(row.statement_hashes) + ", ''))",
          Part::row, first);
      add("SET @dbctl_rank = LAST_INSERT_ID(), @dbctl_began = NOW(6)", Part::row, first);
      add("SELECT @dbctl_rank", Part::rank, first);
    } else {
      add("SET @dbctl_rank = " + std::to_string(report.rank) + ", @dbctl_began = NOW(6)", Part::row, first);
    }
    for (std::size_t k = first; k < end; ++k) {
      if (interrupt != nullptr && k > from) {
        add(batch_gate(), Part::gate, k);
      }
      add(statements[k].text, Part::statement, k);
      add("SHOW WARNINGS", Part::warnings, k);
      add("UPDATE " + table + " SET statements_done = " + std::to_string(k + 1) +
              ", statement_hashes = CONCAT_WS(',', statement_hashes, '" + statement_hash(statements[k].text) +
              "'), execution_ms = " + std::to_string(offset) +
              " + TIMESTAMPDIFF(MICROSECOND, @dbctl_began, NOW(6)) DIV 1000, checksum = " +
              literal(row.checksum) + (k + 1 == statements.size() ? ", success = TRUE" : "") +
              " WHERE installed_rank = @dbctl_rank",
          Part::progress, k);
    }
    add("SELECT ROW_COUNT()", Part::tail, end);
  } catch (const std::exception& e) {
    report.failure = translated(e, context());
    return false;
  }

  // Read the results in order; `at` is the one that failed, or where the server ended early.
  std::size_t at = 0;
  bool ended = false;
  std::exception_ptr error;
  try {
    std::unique_ptr<sql::Statement> run(work().createStatement());
    bool rows = run->execute(text);
    for (;;) {
      const Expected& result = expected[at];
      if (has_rows(result.part) && !rows) {
        ended = true;
        break;
      }
      if (rows) {
        std::unique_ptr<sql::ResultSet> set(run->getResultSet());
        while (set->next()) {
          if (result.part == Part::rank) {
            report.rank = set->getInt64(1);
          } else if (result.part == Part::warnings) {
            report.notices.emplace_back(result.index, std::string(set->getString(3)) + " (" +
                                                          std::string(set->getString(2)) + ")");
          }
        }
      }
      if (result.part == Part::warnings) { // the statement before it ran
        report.done = result.index + 1;
        append_hash(row.statement_hashes, statements[result.index].text);
      }
      if (++at == expected.size()) {
        break;
      }
      rows = run->getMoreResults();
    }
  } catch (const std::exception&) {
    error = std::current_exception();
  }
  row.rank = report.rank;
  row.statements_done = static_cast<int>(report.done);
  row.success = report.done == statements.size();
  if (at == expected.size()) {
    return true;
  }
  const Expected& stop = expected[at];
  if (stop.part == Part::tail) {
    if (error) {
      return true; // the last update ran before it: only the marker after it was stopped
    }
    // Whether the last update ran is unknown; every statement did, so say so once more.
    row.execution_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
    try {
      update_history(row);
      return true;
    } catch (...) {
      report.failure = std::current_exception();
      report.row_failed = true;
      return false;
    }
  }
  // Put a Connector/C++ failure in run_alone's words: a statement's without context (and its
  // syntax excerpt cut where it ends), the rest as the row's.
  auto words = [&](const std::string& where, bool statement) {
    try {
      std::rethrow_exception(error);
    } catch (const sql::SQLException& e) {
      return translated(statement ? alone_words(e) : e, where);
    } catch (const std::exception& e) {
      return translated(e, where);
    }
  };
  if (error && stop.part == Part::statement) {
    report.failure = words("", true);
    return false;
  }
  report.maybe_more = ended && stop.part == Part::warnings;
  report.row_failed = true; // what stopped is dbctl's own part of the batch, not a statement
  if (std::exception_ptr stopped = interruption(interrupt)) {
    report.failure = stopped;
  } else if (error) {
    report.failure = words(context() + "writing dbctl_history: ", false);
  } else {
    report.failure = std::make_exception_ptr(
        DbError(context() + "the server ended a batch of statements early, after statement " +
                std::to_string(report.done) + ", without an error"));
  }
  return false;
}

} // namespace dbctl::engine::mysql
