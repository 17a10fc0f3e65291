#include "dbctl/engine/history.hpp"

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

} // namespace dbctl::engine
