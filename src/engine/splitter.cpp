#include "dbctl/engine/splitter.hpp"

#include <cctype>

namespace dbctl::engine {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }

// What both dialects' splitters share: the position in the text, the statement being read,
// quoted runs, line comments, and emitting a statement with the line it starts on. Each
// dialect's run() decides what a character means.
class Scanner {
protected:
  /// `hash_comments`: `#` starts a comment (MySQL).
  Scanner(std::string_view sql, bool hash_comments) : m_sql(sql), m_hash_comments(hash_comments) {}

  char peek(std::size_t ahead) const {
    return m_at + ahead < m_sql.size() ? m_sql[m_at + ahead] : '\0';
  }

  // Skip a quoted run from its opening quote; a doubled quote stands for itself.
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
        ++m_at;
      }
    }
  }

  void skip_to_line_end() {
    while (m_at < m_sql.size() && m_sql[m_at] != '\n') {
      ++m_at;
    }
  }

  // Keep the statement from m_start to `end` (exclusive), trimmed, when `has_code` says it
  // holds more than blanks and comments.
  void emit(std::size_t end, bool (*has_code)(std::string_view)) {
    std::string_view text = m_sql.substr(m_start, end - m_start);
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && has_code(text.substr(first))) {
      int line = m_line;
      for (std::size_t i = m_start; i < m_start + first; ++i) {
        line += m_sql[i] == '\n' ? 1 : 0;
      }
      std::size_t last = text.find_last_not_of(" \t\r\n");
      std::string_view kept = text.substr(first, last - first + 1);
      std::size_t code = code_start(kept);
      int code_line = line;
      for (std::size_t i = 0; i < code; ++i) {
        code_line += kept[i] == '\n' ? 1 : 0;
      }
      m_out.push_back({std::string(kept), line, m_start + first, code_line});
    }
  }

  // Where a statement's code starts after its leading blanks and comments (a MySQL /*! ... */
  // version comment is code).
  std::size_t code_start(std::string_view text) const {
    std::size_t i = 0;
    while (i < text.size()) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++i;
      } else if (text.compare(i, 2, "--") == 0 || (m_hash_comments && c == '#')) {
        i = text.find('\n', i);
        i = i == std::string_view::npos ? text.size() : i;
      } else if (text.compare(i, 2, "/*") == 0 && !(m_hash_comments && text.compare(i, 3, "/*!") == 0)) {
        i = text.find("*/", i + 2);
        i = i == std::string_view::npos ? text.size() : i + 2;
      } else {
        break;
      }
    }
    return i;
  }

  // Start the next statement at `to`, counting the lines passed.
  void advance_start(std::size_t to) {
    for (std::size_t i = m_start; i < to; ++i) {
      m_line += m_sql[i] == '\n' ? 1 : 0;
    }
    m_start = to;
  }

  std::string_view m_sql;
  bool m_hash_comments;
  std::size_t m_at = 0;
  std::size_t m_start = 0;
  int m_line = 1;
  std::vector<SqlStatement> m_out;
};

class PostgresSplitter : Scanner {
public:
  explicit PostgresSplitter(std::string_view sql) : Scanner(sql, false) {}

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
        skip_to_line_end();
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
    emit(end, has_code);
    advance_start(end);
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
};

} // namespace

std::vector<SqlStatement> split_postgres(std::string_view sql) { return PostgresSplitter(sql).run(); }

} // namespace dbctl::engine

namespace dbctl::engine {

namespace {

class MysqlSplitter : Scanner {
public:
  explicit MysqlSplitter(std::string_view sql) : Scanner(sql, true) {}

  std::vector<SqlStatement> run() {
    while (m_at < m_sql.size()) {
      if (at_line_start() && delimiter_command()) {
        continue;
      }
      char c = m_sql[m_at];
      if (m_sql.compare(m_at, m_delimiter.size(), m_delimiter) == 0 && m_depth <= 0) {
        emit(m_at, has_code);
        m_at += m_delimiter.size();
        next_statement(m_at);
      } else if (word_start(c)) {
        word();
      } else if (c == '\'' || c == '"' || c == '`') {
        skip_quoted(c, c != '`');
      } else if (c == '#' || (c == '-' && peek(1) == '-' && dash_comment())) {
        skip_to_line_end();
      } else if (c == '/' && peek(1) == '*') {
        std::size_t end = m_sql.find("*/", m_at + 2);
        m_at = end == std::string_view::npos ? m_sql.size() : end + 2;
      } else {
        ++m_at;
      }
    }
    emit(m_sql.size(), has_code);
    return std::move(m_out);
  }

private:
  static bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
  }

  bool word_start(char c) const {
    return word_char(c) && std::isdigit(static_cast<unsigned char>(c)) == 0 &&
           (m_at == 0 || !word_char(m_sql[m_at - 1]));
  }

  // The word at m_at, upper-cased; m_at moves past it.
  std::string take_word() {
    std::string out;
    while (m_at < m_sql.size() && word_char(m_sql[m_at])) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(m_sql[m_at++])));
    }
    return out;
  }

  // The next word after blanks, upper-cased, without moving.
  std::string next_word() const {
    std::size_t i = m_at;
    while (i < m_sql.size() && std::isspace(static_cast<unsigned char>(m_sql[i])) != 0) {
      ++i;
    }
    std::string out;
    while (i < m_sql.size() && word_char(m_sql[i])) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(m_sql[i++])));
    }
    return out;
  }

  // A stored program written without DELIMITER (CREATE PROCEDURE ... BEGIN ...; ... END;), as
  // the server's own parser reads it from one multi-statement query: while its BEGIN ... END
  // (and CASE ... END) blocks are open, `;` does not end the statement. Its head decides:
  // CREATE [OR REPLACE] [DEFINER = user] [AGGREGATE] PROCEDURE|FUNCTION|TRIGGER|EVENT|PACKAGE,
  // or BEGIN NOT ATOMIC. Only with the default delimiter: under DELIMITER the user split it.
  void word() {
    bool qualified = m_at > 0 && m_sql[m_at - 1] == '.'; // t.end is a column, not a keyword
    std::string w = take_word();
    if (m_delimiter != ";" || qualified) {
      return;
    }
    ++m_words;
    if (m_words == 1) {
      m_compound = false;
      m_depth = 0;
      m_head = w == "CREATE";
      if (w == "BEGIN" && next_word() == "NOT") {
        m_compound = true;
        m_depth = 1;
      }
      return;
    }
    if (m_head && !m_compound) {
      if (w == "PROCEDURE" || w == "FUNCTION" || w == "TRIGGER" || w == "EVENT" || w == "PACKAGE") {
        m_compound = true;
      } else if (w == "DEFINER") {
        m_definer_words = 2; // the user: CURRENT_USER, or name@host written unquoted
      } else if (m_definer_words > 0) {
        --m_definer_words;
      } else if (w != "OR" && w != "REPLACE" && w != "AGGREGATE" && w != "CURRENT_USER") {
        m_head = false;
      }
      return;
    }
    if (!m_compound) {
      return;
    }
    if (w == "BEGIN" || w == "CASE") {
      ++m_depth;
    } else if (w == "END") {
      // END IF/LOOP/WHILE/REPEAT/FOR close blocks not counted; END, END CASE and END label
      // close a BEGIN or a CASE. The word after END is taken here, so CASE does not open again.
      std::string closes = next_word();
      bool uncounted = closes == "IF" || closes == "LOOP" || closes == "WHILE" || closes == "REPEAT" ||
                       closes == "FOR";
      if (uncounted || closes == "CASE") {
        while (std::isspace(static_cast<unsigned char>(m_sql[m_at])) != 0) {
          ++m_at;
        }
        take_word();
      }
      if (!uncounted) {
        --m_depth;
      }
    }
  }

  // MySQL needs blank or control after "--" for a comment ("1--1" is arithmetic).
  bool dash_comment() const {
    char next = peek(2);
    return next == '\0' || static_cast<unsigned char>(next) <= ' ';
  }

  bool at_line_start() const {
    std::size_t i = m_at;
    while (i > m_start && (m_sql[i - 1] == ' ' || m_sql[i - 1] == '\t')) {
      --i;
    }
    return i == 0 || m_sql[i - 1] == '\n' || i == m_start;
  }

  // "DELIMITER xx" on a line of its own between statements: the client's command, not SQL.
  bool delimiter_command() {
    std::size_t i = m_at;
    while (i < m_sql.size() && (m_sql[i] == ' ' || m_sql[i] == '\t')) {
      ++i;
    }
    const std::string_view keyword = "delimiter";
    if (i + keyword.size() >= m_sql.size() || !has_no_code(m_sql.substr(m_start, m_at - m_start))) {
      return false;
    }
    for (std::size_t k = 0; k < keyword.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(m_sql[i + k])) != keyword[k]) {
        return false;
      }
    }
    std::size_t j = i + keyword.size();
    if (m_sql[j] != ' ' && m_sql[j] != '\t') {
      return false;
    }
    while (j < m_sql.size() && (m_sql[j] == ' ' || m_sql[j] == '\t')) {
      ++j;
    }
    std::size_t end = j;
    while (end < m_sql.size() && std::isspace(static_cast<unsigned char>(m_sql[end])) == 0) {
      ++end;
    }
    if (end == j) {
      return false;
    }
    m_delimiter = std::string(m_sql.substr(j, end - j));
    std::size_t line_end = m_sql.find('\n', end);
    m_at = line_end == std::string_view::npos ? m_sql.size() : line_end + 1;
    next_statement(m_at);
    return true;
  }

  // Whether text holds anything besides blanks and comments (version comments are code).
  static bool has_no_code(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
      char c = text[i];
      char next = i + 1 < text.size() ? text[i + 1] : '\0';
      if (c == '#' || (c == '-' && next == '-' &&
                       (i + 2 >= text.size() || static_cast<unsigned char>(text[i + 2]) <= ' '))) {
        std::size_t end = text.find('\n', i);
        i = end == std::string_view::npos ? text.size() : end;
      } else if (c == '/' && next == '*' && (i + 2 >= text.size() || text[i + 2] != '!')) {
        std::size_t end = text.find("*/", i + 2);
        i = end == std::string_view::npos ? text.size() : end + 2;
      } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        ++i;
      } else {
        return false;
      }
    }
    return true;
  }

  static bool has_code(std::string_view text) { return !has_no_code(text); }

  // Start the next statement at `to`, with no head read and no block open.
  void next_statement(std::size_t to) {
    advance_start(to);
    m_words = 0;
    m_depth = 0;
    m_compound = false;
    m_head = false;
    m_definer_words = 0;
  }

  std::string m_delimiter = ";";
  // The statement's head and open blocks, for stored programs written without DELIMITER.
  int m_words = 0;
  int m_depth = 0;
  bool m_compound = false;
  bool m_head = false;
  int m_definer_words = 0;
};

} // namespace

std::vector<SqlStatement> split_mysql(std::string_view sql) { return MysqlSplitter(sql).run(); }

} // namespace dbctl::engine
