#include "dbctl/migration/version.hpp"

#include <algorithm>

namespace dbctl::migration {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Split off the first segment of a canonical text; "0" once the text is used up (missing
// segments count as zero).
std::string_view next_segment(std::string_view& rest) {
  if (rest.empty()) {
    return "0";
  }
  std::size_t dot = rest.find('.');
  std::string_view segment = rest.substr(0, dot);
  rest.remove_prefix(dot == std::string_view::npos ? rest.size() : dot + 1);
  return segment;
}

} // namespace

std::optional<Version> Version::parse(std::string_view text) {
  Version version;
  version.m_text.reserve(text.size());
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) {
      ++i;
    }
    if (i == start) {
      return std::nullopt; // an empty segment, or a character that is not a digit
    }
    std::string_view segment = text.substr(start, i - start);
    std::size_t first = segment.find_first_not_of('0');
    if (!version.m_text.empty()) {
      version.m_text += '.';
    }
    version.m_text += first == std::string_view::npos ? std::string_view("0") : segment.substr(first);
    if (i == text.size()) {
      return version;
    }
    if (text[i] != '.' && text[i] != '_') {
      return std::nullopt;
    }
    ++i;
  }
}

std::size_t Version::segment_count() const {
  return static_cast<std::size_t>(std::count(m_text.begin(), m_text.end(), '.')) + 1;
}

Version Version::next() const {
  Version out = *this;
  std::string& text = out.m_text;
  // Decimal increment of the last segment's digits, so versions of any length work.
  std::size_t dot = text.rfind('.');
  std::size_t start = dot == std::string::npos ? 0 : dot + 1;
  std::size_t i = text.size();
  while (i > start && text[i - 1] == '9') {
    text[--i] = '0';
  }
  if (i == start) {
    text.insert(text.begin() + static_cast<std::ptrdiff_t>(start), '1');
  } else {
    ++text[i - 1];
  }
  return out;
}

int compare(const Version& a, const Version& b) {
  std::string_view x = a.m_text;
  std::string_view y = b.m_text;
  while (!x.empty() || !y.empty()) {
    std::string_view s = next_segment(x);
    std::string_view t = next_segment(y);
    if (s.size() != t.size()) {
      return s.size() < t.size() ? -1 : 1;
    }
    if (int c = s.compare(t); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  return 0;
}

} // namespace dbctl::migration
