// Fuzz target: both statement splitters take any bytes without crashing, and return statements
// in order, each starting on a line of the input.
#include "dbctl/engine/splitter.hpp"

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
    if (statement.line < last || statement.line > lines || statement.text.size() > sql.size()) {
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
  return 0;
}
