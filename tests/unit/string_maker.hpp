#pragma once
// Show string lists in doctest failure messages, one item per line.
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace doctest {
/// Show string lists in failure messages, one item per line.
template <> struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& item : items) {
      out += "\n  \"" + item + "\"";
    }
    return (out + "]").c_str();
  }
};
} // namespace doctest
