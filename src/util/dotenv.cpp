#include "dbctl/util/dotenv.hpp"

#include <cctype>
#include <optional>
#include <utility>

namespace dbctl::util {

namespace {

bool is_key(const std::string& key) {
  if (key.empty() || !(std::isalpha(static_cast<unsigned char>(key[0])) != 0 || key[0] == '_')) {
    return false;
  }
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_')) {
      return false;
    }
  }
  return true;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Reads one assignment after another; a cursor over the text with its line and column.
class Parser {
public:
  Parser(const std::string& text, std::string file, Dotenv& out)
      : m_text(text), m_file(std::move(file)), m_out(out) {}

  void run() {
    while (m_at < m_text.size()) {
      entry();
    }
  }

private:
  char peek() const { return m_at < m_text.size() ? m_text[m_at] : '\n'; }
  bool at_line_end() const { return peek() == '\n'; }
  void skip_blanks() {
    while (m_at < m_text.size() && blank(m_text[m_at])) {
      ++m_at;
    }
  }
  Location here() const { return {m_file, m_line, static_cast<int>(m_at - m_line_start) + 1}; }
  void next_line() {
    std::size_t end = m_text.find('\n', m_at);
    m_at = end == std::string::npos ? m_text.size() : end + 1;
    ++m_line;
    m_line_start = m_at;
  }
  void error(const Location& where, std::string message) {
    m_out.diagnostics.error(where, std::move(message));
  }

  void entry() {
    skip_blanks();
    if (at_line_end() || peek() == '#') {
      next_line();
      return;
    }
    if (m_text.compare(m_at, 7, "export ") == 0) {
      m_at += 7;
      skip_blanks();
    }
    Location key_at = here();
    std::size_t equals = m_text.find('=', m_at);
    std::size_t end = m_text.find('\n', m_at);
    if (equals == std::string::npos || (end != std::string::npos && equals > end)) {
      error(key_at, "expected KEY=VALUE (a variable assignment)");
      next_line();
      return;
    }
    std::string key = m_text.substr(m_at, equals - m_at);
    while (!key.empty() && blank(key.back())) {
      key.pop_back();
    }
    if (!is_key(key)) {
      error(key_at, "'" + key + "' is not a variable name (letters, digits and _)");
      next_line();
      return;
    }
    m_at = equals + 1;
    skip_blanks();
    std::optional<std::string> value = peek() == '\'' || peek() == '"' ? quoted(key) : bare();
    if (value && value->find('\0') != std::string::npos) {
      error(key_at, key + " holds a NUL byte");
    } else if (value) {
      m_out.variables.emplace_back(key, std::move(*value));
    }
    next_line();
  }

  // An unquoted value: the rest of the line, less a ` #` comment and surrounding blanks.
  std::string bare() {
    std::size_t end = m_text.find('\n', m_at);
    std::string value = m_text.substr(m_at, (end == std::string::npos ? m_text.size() : end) - m_at);
    for (std::size_t i = 1; i < value.size(); ++i) {
      if (value[i] == '#' && blank(value[i - 1])) {
        value.erase(i);
        break;
      }
    }
    while (!value.empty() && blank(value.back())) {
      value.pop_back();
    }
    return value;
  }

  // A quoted value, which may span lines; nullopt (reported) when it is never closed or is
  // followed by more than a comment.
  std::optional<std::string> quoted(const std::string& key) {
    char quote = m_text[m_at];
    Location opened = here();
    std::string value;
    for (++m_at; m_at < m_text.size() && m_text[m_at] != quote; ++m_at) {
      char c = m_text[m_at];
      if (c == '\n') {
        ++m_line;
        m_line_start = m_at + 1;
      }
      if (quote == '"' && c == '\\' && m_at + 1 < m_text.size()) {
        value += unescape(m_text[++m_at]);
        continue;
      }
      value += c;
    }
    if (m_at >= m_text.size()) {
      error(opened, key + ": the quoted value is never closed");
      return std::nullopt;
    }
    ++m_at;
    skip_blanks();
    if (!at_line_end() && peek() != '#') {
      error(here(), key + ": unexpected text after the closing quote");
      return std::nullopt;
    }
    return value;
  }

  // The text a backslash escape stands for inside double quotes; unknown escapes stay as written.
  static std::string unescape(char c) {
    switch (c) {
    case 'n':
      return "\n";
    case 't':
      return "\t";
    case 'r':
      return "\r";
    case '"':
    case '\\':
    case '$':
      return std::string(1, c);
    default:
      return std::string("\\") + c;
    }
  }

  const std::string& m_text;
  std::string m_file;
  Dotenv& m_out;
  std::size_t m_at = 0;
  std::size_t m_line_start = 0;
  int m_line = 1;
};

} // namespace

Dotenv parse_dotenv(const std::string& text, const std::string& file) {
  Dotenv out;
  Parser(text, file, out).run();
  return out;
}

} // namespace dbctl::util
