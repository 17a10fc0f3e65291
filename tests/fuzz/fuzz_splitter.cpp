// Fuzz target: both statement splitters take any bytes without crashing, and return statements
// in order, each starting on a line of the input and being the input's text at its offset; the
// linter reads the same bytes for both engines without crashing, every finding and problem at
// a line of the input.
#include "dbctl/engine/splitter.hpp"
#include "dbctl/lint/lint.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void check(const std::vector<dbctl::engine::SqlStatement>& statements, std::string_view sql) {
  int lines = 1 + static_cast<int>(std::count(sql.begin(), sql.end(), '\n'));
  int last = 1;
  for (const auto& statement : statements) {
    if (statement.line < last || statement.line > lines || statement.text.size() > sql.size() ||
        statement.offset + statement.text.size() > sql.size() ||
        sql.substr(statement.offset, statement.text.size()) != statement.text) {
      std::abort();
    }
    last = statement.line;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  check(dbctl::engine::split_postgres(sql), sql);
  check(dbctl::engine::split_mysql(sql), sql);
  int lines = 1 + static_cast<int>(std::count(sql.begin(), sql.end(), '\n'));
  for (auto engine : {dbctl::topology::Engine::postgres, dbctl::topology::Engine::mysql}) {
    dbctl::lint::Settings settings;
    settings.engine = engine;
    settings.postgres_major = 10; // every rule on
    dbctl::lint::FileLint lint = dbctl::lint::lint_file("f.sql", sql, false, settings);
    dbctl::lint::settle({&lint});
    for (const auto& finding : lint.findings) {
      if (finding.where.line < 1 || finding.where.line > lines || finding.where.column < 1) {
        std::abort();
      }
    }
    for (const auto& problem : lint.problems) {
      if (problem.where.line < 1 || problem.where.line > lines) {
        std::abort();
      }
    }
  }
  return 0;
}
