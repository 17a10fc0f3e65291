#include "dbctl/engine/history.hpp"

#include "dbctl/util/hash.hpp"

namespace dbctl::engine {

std::string to_string(RowType type) {
  switch (type) {
  case RowType::versioned:
    return "versioned";
  case RowType::repeatable:
    return "repeatable";
  case RowType::baseline:
    return "baseline";
  case RowType::command:
    return "command";
  }
  return "?";
}

std::optional<RowType> parse_row_type(const std::string& text) {
  if (text == "versioned") {
    return RowType::versioned;
  }
  if (text == "repeatable") {
    return RowType::repeatable;
  }
  if (text == "baseline") {
    return RowType::baseline;
  }
  if (text == "command") {
    return RowType::command;
  }
  return std::nullopt;
}

std::string statement_hash(const std::string& statement) { return util::sha256_hex(statement).substr(0, 16); }

void append_hash(std::string& hashes, const std::string& statement) {
  hashes += (hashes.empty() ? "" : ",") + statement_hash(statement);
}

} // namespace dbctl::engine
