#pragma once
// The rule checker of one statement, shared by statement.cpp (what a statement is, and the rules
// on CREATE, DROP, TRUNCATE, data changes and settings) and alter_table.cpp (ALTER TABLE's
// actions).
#include "statement.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::lint {

/// Tell whether a token names something (a word or a quoted name).
inline bool is_name(const Token& token) {
  return token.kind == TokenKind::word || token.kind == TokenKind::quoted_name;
}

/// Tell whether a token is one of the keywords `words`.
inline bool is_any(const Token& token, std::initializer_list<std::string_view> words) {
  for (std::string_view word : words) {
    if (token.is(word)) {
      return true;
    }
  }
  return false;
}

// The tokens of one statement and the rules over them; `m_t` never holds comments.
class Analyzer {
public:
  Analyzer(const std::vector<Token>& code, const Settings& settings, bool no_transaction, FileState& state,
           StatementSink& sink)
      : m_t(code), m_settings(settings), m_pg(settings.engine == topology::Engine::postgres), m_no_transaction(no_transaction),
        m_state(state), m_sink(sink) {}

  // Apply every rule to the statement.
  void run();

private:
  bool word(std::size_t i, std::string_view a, std::string_view b = {}) const {
    return i < m_t.size() && (m_t[i].is(a) || (!b.empty() && m_t[i].is(b)));
  }

  std::string name(const Token& token) const { return name_of(token, m_settings.engine); }

  // Read a possibly qualified name at i (schema.table: the table), moving i past it.
  std::optional<std::string> read_name(std::size_t& i) const {
    if (i >= m_t.size() || !is_name(m_t[i])) {
      return std::nullopt;
    }
    std::string out = name(m_t[i++]);
    while (i + 1 < m_t.size() && m_t[i].is('.') && is_name(m_t[i + 1])) {
      out = name(m_t[i + 1]);
      i += 2;
    }
    return out;
  }

  void skip(std::size_t& i, std::initializer_list<std::string_view> words) const {
    while (i < m_t.size() && is_any(m_t[i], words)) {
      ++i;
    }
  }

  // The first token at depth 0 in [from, to) that is one of `words`.
  std::optional<std::size_t> find(std::size_t from, std::size_t to, std::initializer_list<std::string_view> words) const {
    for (std::size_t i = from; i < to && i < m_t.size(); ++i) {
      if (m_t[i].depth == 0 && is_any(m_t[i], words)) {
        return i;
      }
    }
    return std::nullopt;
  }

  bool has_pair(std::size_t from, std::size_t to, std::string_view a, std::string_view b) const {
    for (std::size_t i = from; i + 1 < to && i + 1 < m_t.size(); ++i) {
      if (m_t[i].depth == 0 && m_t[i].is(a) && m_t[i + 1].is(b)) {
        return true;
      }
    }
    return false;
  }

  bool existing(const std::string& table) const { return m_state.created.count(table) == 0; }

  // The statement's verb: its first word, or after WITH and its subqueries, the first of
  // SELECT/INSERT/UPDATE/DELETE/MERGE outside parentheses.
  std::optional<std::size_t> main_verb() const {
    if (!m_t.front().is("WITH")) {
      return 0;
    }
    return find(1, m_t.size(), {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE"});
  }

  // MySQL: DDL commits at once, so a file that mixes it with data changes can stop half done.
  void classify(const Token& first);

  // PostgreSQL: a statement that takes a lock on an existing table, in a file with no lock_timeout.
  void lock_taken(const Token& at);

  // CONCURRENTLY in [from, to) of a file that runs in a transaction.
  bool concurrently_in_transaction(std::size_t from, std::size_t to);

  // CREATE INDEX, CREATE TABLE (remembered as new), CREATE TRIGGER.
  void create();

  // CREATE INDEX at `index_word`: CONCURRENTLY where it belongs, and the lock it takes.
  void create_index(std::size_t index_word);

  // DROP INDEX [CONCURRENTLY], DROP TABLE of existing tables.
  void drop();

  // TRUNCATE of existing tables.
  void truncate();

  // The comma-separated tables from i that were not created in this file.
  std::vector<std::string> existing_tables(std::size_t i) const;

  // MySQL: RENAME TABLE a TO b [, c TO d].
  void rename_tables();

  // ALTER TABLE with the table's name at i: each action in turn, and the lock it takes.
  void alter_table(std::size_t i);

  // One ALTER TABLE action, tokens [a, b).
  void action(const std::string& table, bool is_new, std::size_t a, std::size_t b);

  // ADD [COLUMN | CONSTRAINT ...] in [a, b).
  void add(const std::string& table, bool is_new, std::size_t a, std::size_t b);

  // ADD [CONSTRAINT name] FOREIGN KEY | CHECK | UNIQUE | PRIMARY KEY with its kind at i.
  void add_constraint(const std::string& table, bool is_new, const std::string& constraint, std::size_t i, std::size_t b);

  // ADD COLUMN with the column's name at i: NOT NULL without a default, volatile defaults.
  void add_column(const std::string& table, std::size_t add_at, std::size_t i, std::size_t b);

  // PostgreSQL: ALTER [COLUMN] col TYPE ... / SET DATA TYPE ... / SET NOT NULL.
  void alter_column(const std::string& table, std::size_t a, std::size_t b);

  // MySQL: MODIFY [COLUMN] col def, CHANGE [COLUMN] old new def.
  void change_column(std::size_t a, std::size_t b);

  // ALTER TABLE ... RENAME [COLUMN] a TO b, or RENAME [TO | AS] table.
  void rename(const std::string& table, std::size_t a, std::size_t b);

  // UPDATE/DELETE at `verb` with no WHERE outside parentheses.
  void without_where(std::size_t verb);

  // SET lock_timeout (PostgreSQL), SET foreign_key_checks (MySQL).
  void set();

  // Whether a setting's value is 0 (off).
  static bool zero(const Token& token) { return token.text == "0" || token.text == "'0'" || token.text.empty(); }

  // PostgreSQL: SELECT set_config('lock_timeout', ...).
  void select();

  // MySQL: ALGORITHM=COPY or LOCK=EXCLUSIVE anywhere outside parentheses.
  void algorithm(std::size_t from, std::size_t to);

  const std::vector<Token>& m_t;
  const Settings& m_settings;
  bool m_pg;
  bool m_no_transaction;
  FileState& m_state;
  StatementSink& m_sink;
};

} // namespace dbctl::lint
