#include "dbctl/migration/splitter.hpp"

#include <cctype>

namespace dbctl::migration {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }

class PostgresSplitter {
public:
  explicit PostgresSplitter(std::string_view sql) : m_sql(sql) {}

  std::vector<SqlStatement> run() {
    while (m_at < m_sql.size()) {
      char c = m_sql[m_at];
      if (c == ';') {
        ++m_at;
        finish(m_at);
      } else if (c == '\'') {
        bool escapes = m_at > 0 && (m_sql[m_at - 1] == 'E' || m_sql[m_at - 1] == 'e') &&
                       (m_at < 2 || !is_ident_char(m_sql[m_at - 2]));
        skip_quoted('\'', escapes);
      } else if (c == '"') {
        skip_quoted('"', false);
      } else if (c == '-' && peek(1) == '-') {
        skip_line_comment();
      } else if (c == '/' && peek(1) == '*') {
        skip_block_comment();
      } else if (c == '$' && (m_at == 0 || !is_ident_char(m_sql[m_at - 1]))) {
        skip_dollar_quote();
      } else {
        ++m_at;
      }
    }
    finish(m_sql.size());
    return std::move(m_out);
  }

private:
  char peek(std::size_t ahead) const {
    return m_at + ahead < m_sql.size() ? m_sql[m_at + ahead] : '\0';
  }

  void skip_quoted(char quote, bool backslash_escapes) {
    ++m_at;
    while (m_at < m_sql.size()) {
      char c = m_sql[m_at++];
      if (backslash_escapes && c == '\\') {
        ++m_at;
      } else if (c == quote) {
        if (peek(0) != quote) {
          return;
        }
        ++m_at; // a doubled quote stands for itself
      }
    }
  }

  void skip_line_comment() {
    while (m_at < m_sql.size() && m_sql[m_at] != '\n') {
      ++m_at;
    }
  }

  void skip_block_comment() {
    int depth = 0;
    while (m_at < m_sql.size()) {
      if (m_sql[m_at] == '/' && peek(1) == '*') {
        ++depth;
        m_at += 2;
      } else if (m_sql[m_at] == '*' && peek(1) == '/') {
        m_at += 2;
        if (--depth == 0) {
          return;
        }
      } else {
        ++m_at;
      }
    }
  }

  void skip_dollar_quote() {
    std::size_t end = m_at + 1;
    if (end < m_sql.size() && is_ident_start(m_sql[end])) {
      while (end < m_sql.size() && is_ident_char(m_sql[end])) {
        ++end;
      }
    }
    if (end >= m_sql.size() || m_sql[end] != '$') {
      ++m_at; // $1 parameters and stray dollars are plain text
      return;
    }
    std::string_view tag = m_sql.substr(m_at, end - m_at + 1);
    std::size_t close = m_sql.find(tag, end + 1);
    m_at = close == std::string_view::npos ? m_sql.size() : close + tag.size();
  }

  // End the statement running from m_start to `end` (exclusive).
  void finish(std::size_t end) {
    std::string_view text = m_sql.substr(m_start, end - m_start);
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && has_code(text.substr(first))) {
      int line = m_line;
      for (std::size_t i = m_start; i < m_start + first; ++i) {
        line += m_sql[i] == '\n' ? 1 : 0;
      }
      std::size_t last = text.find_last_not_of(" \t\r\n");
      m_out.push_back({std::string(text.substr(first, last - first + 1)), line});
    }
    for (std::size_t i = m_start; i < end; ++i) {
      m_line += m_sql[i] == '\n' ? 1 : 0;
    }
    m_start = end;
  }

  // Whether a statement holds anything besides comments, blanks and semicolons.
  static bool has_code(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      char c = text[i];
      if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
        std::size_t end = text.find('\n', i);
        i = end == std::string_view::npos ? text.size() : end;
      } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
        std::size_t end = text.find("*/", i + 2);
        i = end == std::string_view::npos ? text.size() : end + 2;
      } else if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == ';') {
        ++i;
      } else {
        return true;
      }
    }
    return false;
  }

  std::string_view m_sql;
  std::size_t m_at = 0;
  std::size_t m_start = 0;
  int m_line = 1;
  std::vector<SqlStatement> m_out;
};

} // namespace

std::vector<SqlStatement> split_postgres(std::string_view sql) { return PostgresSplitter(sql).run(); }

} // namespace dbctl::migration
