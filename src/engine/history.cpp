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
  }
  return "?";
}

std::optional<RowType> parse_row_type(const std::string& text) {
  for (RowType type : {RowType::versioned, RowType::repeatable, RowType::baseline}) {
    if (to_string(type) == text) {
      return type;
    }
  }
  return std::nullopt;
}

} // namespace dbctl::engine
