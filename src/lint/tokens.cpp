#include "tokens.hpp"


namespace dbctl::lint {

namespace {

using topology::Engine;

// ASCII classes, not <cctype>'s: SQL keywords are ASCII whatever the locale, and these run
// for every byte of every file (bench/lint).
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool word_start(char c) { return is_alpha(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }
bool word_char(char c) { return word_start(c) || is_digit(c) || c == '$'; }

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Reads one statement's text left to right; each read_* starts at m_at on its first character.
class Reader {
public:
  Reader(std::string_view text, std::size_t offset, Engine engine)
      : m_text(text), m_offset(offset), m_engine(engine) {
    m_out.tokens.reserve(text.size() / 4);
  }

  Tokens run() {
    while (m_at < m_text.size()) {
      char c = m_text[m_at];
      char next = peek(1);
      if (is_space(c)) {
        ++m_at;
      } else if ((c == '-' && next == '-' && dash_comment()) || (c == '#' && m_engine == Engine::mysql)) {
        read_line_comment();
      } else if (c == '/' && next == '*') {
        read_block_comment();
      } else if (c == '*' && next == '/' && m_version_comment) {
        m_version_comment = false; // the end of a /*! ... */ version comment
        m_at += 2;
      } else if (c == '\'') {
        read_quoted(TokenKind::string, '\'', backslash_escapes(), "string");
      } else if (c == '"') {
        bool mysql = m_engine == Engine::mysql;
        read_quoted(mysql ? TokenKind::string : TokenKind::quoted_name, '"', mysql, "quoted name");
      } else if (c == '`' && m_engine == Engine::mysql) {
        read_quoted(TokenKind::quoted_name, '`', false, "quoted name");
      } else if (c == '$' && m_engine == Engine::postgres && read_dollar_quote()) {
        continue;
      } else if (word_start(c)) {
        read_while(TokenKind::word, word_char);
      } else if (is_digit(c)) {
        read_while(TokenKind::number, [](char d) { return is_alpha(d) || is_digit(d) || d == '.'; });
      } else {
        read_symbol(c);
      }
    }
    for (std::size_t open : m_open) {
      m_out.problems.push_back({m_offset + open, "'(' is never closed"});
    }
    return std::move(m_out);
  }

private:
  char peek(std::size_t ahead) const { return m_at + ahead < m_text.size() ? m_text[m_at + ahead] : '\0'; }

  // PostgreSQL: `--` always starts a comment; MySQL needs a blank or control after it.
  bool dash_comment() const {
    return m_engine == Engine::postgres || static_cast<unsigned char>(peek(2)) <= ' ';
  }

  // MySQL strings take backslash escapes; PostgreSQL's only after E (E'...').
  bool backslash_escapes() const {
    if (m_engine == Engine::mysql) {
      return true;
    }
    return m_at > 0 && (m_text[m_at - 1] == 'E' || m_text[m_at - 1] == 'e') &&
           (m_at < 2 || !word_char(m_text[m_at - 2]));
  }

  void push(TokenKind kind, std::size_t from) {
    m_out.tokens.push_back({kind, m_text.substr(from, m_at - from), m_offset + from, depth()});
  }

  int depth() const { return static_cast<int>(m_open.size()); }

  template <typename Pred> void read_while(TokenKind kind, Pred keep) {
    std::size_t from = m_at;
    while (m_at < m_text.size() && keep(m_text[m_at])) {
      ++m_at;
    }
    push(kind, from);
  }

  void read_line_comment() {
    std::size_t from = m_at;
    while (m_at < m_text.size() && m_text[m_at] != '\n') {
      ++m_at;
    }
    push(TokenKind::comment, from);
  }

  void read_block_comment() {
    std::size_t from = m_at;
    if (m_engine == Engine::mysql && peek(2) == '!') {
      // /*!50100 code */ is code for MySQL and MariaDB: read on inside it
      m_at += 3;
      while (m_at < m_text.size() && is_digit(m_text[m_at])) {
        ++m_at;
      }
      m_version_comment = true;
      return;
    }
    int nesting = 0;
    while (m_at < m_text.size()) {
      if (m_text[m_at] == '/' && peek(1) == '*' && (nesting == 0 || m_engine == Engine::postgres)) {
        ++nesting;
        m_at += 2;
      } else if (m_text[m_at] == '*' && peek(1) == '/') {
        m_at += 2;
        if (--nesting == 0) {
          push(TokenKind::comment, from);
          return;
        }
      } else {
        ++m_at;
      }
    }
    m_out.problems.push_back({m_offset + from, "the comment starting here is never closed ('*/')"});
  }

  void read_quoted(TokenKind kind, char quote, bool escapes, std::string_view what) {
    std::size_t from = m_at++;
    while (m_at < m_text.size()) {
      char c = m_text[m_at++];
      if (escapes && c == '\\') {
        ++m_at;
      } else if (c == quote) {
        if (peek(0) != quote) {
          push(kind, from);
          return;
        }
        ++m_at;
      }
    }
    m_at = m_text.size();
    m_out.problems.push_back({m_offset + from, "the " + std::string(what) + " starting here is never closed (" +
                                                   std::string(1, quote) + ")"});
  }

  // $tag$ ... $tag$; returns false for a `$` that does not open one ($1 parameters).
  bool read_dollar_quote() {
    if (m_at > 0 && word_char(m_text[m_at - 1])) {
      return false;
    }
    std::size_t end = m_at + 1;
    if (end < m_text.size() && word_start(m_text[end])) {
      while (end < m_text.size() && word_char(m_text[end]) && m_text[end] != '$') {
        ++end;
      }
    }
    if (end >= m_text.size() || m_text[end] != '$') {
      return false;
    }
    std::string_view tag = m_text.substr(m_at, end - m_at + 1);
    std::size_t close = m_text.find(tag, end + 1);
    std::size_t from = m_at;
    if (close == std::string_view::npos) {
      m_at = m_text.size();
      m_out.problems.push_back({m_offset + from, "the " + std::string(tag) + " quote starting here is never closed"});
      return true;
    }
    m_at = close + tag.size();
    push(TokenKind::string, from);
    return true;
  }

  void read_symbol(char c) {
    std::size_t from = m_at++;
    if (c == '(') {
      push(TokenKind::symbol, from);
      m_open.push_back(from);
      return;
    }
    if (c == ')') {
      if (m_open.empty()) {
        m_out.problems.push_back({m_offset + from, "')' closes no '('"});
      } else {
        m_open.pop_back();
      }
    }
    push(TokenKind::symbol, from);
  }

  std::string_view m_text;
  std::size_t m_offset;
  Engine m_engine;
  std::size_t m_at = 0;
  std::vector<std::size_t> m_open; ///< where each open '(' is
  bool m_version_comment = false;
  Tokens m_out;
};

} // namespace

bool Token::is(std::string_view keyword) const {
  if (kind != TokenKind::word || text.size() != keyword.size()) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (upper(text[i]) != keyword[i]) {
      return false;
    }
  }
  return true;
}

Tokens tokenize(std::string_view text, std::size_t offset, Engine engine) {
  return Reader(text, offset, engine).run();
}

std::string name_of(const Token& token, Engine engine) {
  std::string out;
  if (token.kind == TokenKind::quoted_name && token.text.size() >= 2) {
    char quote = token.text.front();
    std::string_view inner = token.text.substr(1, token.text.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      out += inner[i];
      i += inner[i] == quote && i + 1 < inner.size() && inner[i + 1] == quote ? 1 : 0;
    }
    if (engine == Engine::postgres) {
      return out;
    }
  } else {
    out = std::string(token.text);
  }
  for (char& c : out) {
    c = lower(c);
  }
  return out;
}

} // namespace dbctl::lint
