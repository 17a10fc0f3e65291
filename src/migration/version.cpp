#include "dbctl/migration/version.hpp"

#include <algorithm>
#include <cctype>

namespace dbctl::migration {

std::optional<Version> Version::parse(std::string_view text) {
  Version version;
  std::string segment;
  auto flush = [&]() {
    if (segment.empty()) {
      return false;
    }
    std::size_t first = segment.find_first_not_of('0');
    version.m_segments.push_back(first == std::string::npos ? "0" : segment.substr(first));
    segment.clear();
    return true;
  };
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      segment += c;
    } else if ((c == '.' || c == '_') && flush()) {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (!flush()) {
    return std::nullopt;
  }
  return version;
}

std::string Version::text() const {
  std::string out;
  for (const auto& segment : m_segments) {
    out += (out.empty() ? "" : ".") + segment;
  }
  return out;
}

Version Version::next() const {
  Version out = *this;
  std::string& last = out.m_segments.back();
  // Decimal increment on the digit string, so versions of any length work.
  int i = static_cast<int>(last.size()) - 1;
  while (i >= 0 && last[static_cast<std::size_t>(i)] == '9') {
    last[static_cast<std::size_t>(i--)] = '0';
  }
  if (i < 0) {
    last.insert(last.begin(), '1');
  } else {
    ++last[static_cast<std::size_t>(i)];
  }
  return out;
}

int compare(const Version& a, const Version& b) {
  std::size_t n = std::max(a.m_segments.size(), b.m_segments.size());
  static const std::string k_zero = "0";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& x = i < a.m_segments.size() ? a.m_segments[i] : k_zero;
    const std::string& y = i < b.m_segments.size() ? b.m_segments[i] : k_zero;
    if (x.size() != y.size()) {
      return x.size() < y.size() ? -1 : 1;
    }
    if (int c = x.compare(y); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  return 0;
}

} // namespace dbctl::migration
