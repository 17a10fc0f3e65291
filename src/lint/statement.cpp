#include "statement.hpp"

#include <initializer_list>
#include <optional>

namespace dbctl::lint {

namespace {

using topology::Engine;

bool is_name(const Token& token) { return token.kind == TokenKind::word || token.kind == TokenKind::quoted_name; }

bool is_any(const Token& token, std::initializer_list<std::string_view> words) {
  for (std::string_view word : words) {
    if (token.is(word)) {
      return true;
    }
  }
  return false;
}

// Functions whose value differs per row: a DEFAULT calling one fills every row, rewriting the table.
const std::initializer_list<std::string_view> k_volatile = {
    "RANDOM", "CLOCK_TIMESTAMP", "TIMEOFDAY", "GEN_RANDOM_UUID", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC",
    "UUID_GENERATE_V4", "NEXTVAL", "SETSEED"};
const std::initializer_list<std::string_view> k_serial = {"SERIAL",  "BIGSERIAL", "SMALLSERIAL",
                                                           "SERIAL2", "SERIAL4",   "SERIAL8"};
// Words that end a column's DEFAULT expression.
const std::initializer_list<std::string_view> k_after_default = {
    "NOT",     "NULL",    "CONSTRAINT", "CHECK", "REFERENCES",     "UNIQUE", "PRIMARY", "GENERATED",
    "COLLATE", "COMMENT", "ON",         "AFTER", "AUTO_INCREMENT", "FIRST",  "KEY"};

// The tokens of one statement and the rules over them; `m_t` never holds comments.
class Analyzer {
public:
  Analyzer(const std::vector<Token>& code, const Settings& settings, bool no_transaction, FileState& state,
           StatementSink& sink)
      : m_t(code), m_settings(settings), m_pg(settings.engine == Engine::postgres), m_no_transaction(no_transaction),
        m_state(state), m_sink(sink) {}

  void run() {
    const Token& first = m_t.front();
    classify(first);
    if (first.is("CREATE")) {
      create();
    } else if (first.is("ALTER") && word(1, "TABLE")) {
      alter_table(2);
    } else if (first.is("ALTER") && word(2, "TABLE") && word(1, "ONLINE", "IGNORE")) {
      alter_table(3);
    } else if (first.is("DROP")) {
      drop();
    } else if (first.is("TRUNCATE")) {
      truncate();
    } else if (first.is("RENAME") && word(1, "TABLE")) {
      rename_tables();
    } else if (first.is("REINDEX")) {
      concurrently_in_transaction(1, m_t.size());
    } else if (first.is("LOCK")) {
      lock_taken(first);
    } else if (first.is("SET")) {
      set();
    } else if (first.is("SELECT")) {
      select();
    }
    if (std::optional<std::size_t> verb = main_verb()) {
      if (m_t[*verb].is("UPDATE") || m_t[*verb].is("DELETE")) {
        without_where(*verb);
      }
    }
    algorithm(0, m_t.size());
  }

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
  void classify(const Token& first) {
    if (m_pg) {
      return;
    }
    std::optional<std::size_t> verb = main_verb();
    const Token& head = verb ? m_t[*verb] : first;
    int line = m_sink.line_of(first);
    if (is_any(head, {"CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"})) {
      m_state.first_ddl_line = m_state.first_ddl_line != 0 ? m_state.first_ddl_line : line;
    } else if (is_any(head, {"INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD"})) {
      m_state.first_dml_line = m_state.first_dml_line != 0 ? m_state.first_dml_line : line;
    } else {
      return;
    }
    if (m_state.first_ddl_line != 0 && m_state.first_dml_line != 0 && !m_state.mixed_reported) {
      m_state.mixed_reported = true;
      m_sink.report("ddl-with-dml", first,
                    "this file mixes DDL (line " + std::to_string(m_state.first_ddl_line) + ") with data changes (line " +
                        std::to_string(m_state.first_dml_line) +
                        "); DDL commits at once, so a failure between them leaves the file half applied");
    }
  }

  // PostgreSQL: a statement that takes a lock on an existing table, in a file with no lock_timeout.
  void lock_taken(const Token& at) {
    if (!m_pg || m_state.lock_timeout || m_state.lock_reported) {
      return;
    }
    m_state.lock_reported = true;
    m_sink.report("missing-lock-timeout", at,
                  "this statement locks an existing table and no lock_timeout was set before it in this file");
  }

  // CONCURRENTLY in [from, to) of a file that runs in a transaction.
  bool concurrently_in_transaction(std::size_t from, std::size_t to) {
    std::optional<std::size_t> at = find(from, to, {"CONCURRENTLY"});
    if (!m_pg || !at) {
      return false;
    }
    if (!m_no_transaction) {
      m_sink.report("concurrent-in-transaction", m_t[*at],
                    "CONCURRENTLY cannot run inside a transaction block, and this file runs in one (its first line "
                    "is not -- dbctl:no-transaction)");
    }
    return true;
  }

  void create() {
    std::size_t i = 1;
    skip(i, {"OR", "REPLACE", "UNIQUE", "FULLTEXT", "SPATIAL", "GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED"});
    if (word(i, "INDEX")) {
      create_index(i);
    } else if (word(i, "TABLE")) {
      ++i;
      skip(i, {"IF", "NOT", "EXISTS"});
      if (auto table = read_name(i)) {
        m_state.created.insert(*table);
      }
    } else if (word(i, "TRIGGER") || (word(i, "CONSTRAINT") && word(i + 1, "TRIGGER"))) {
      std::optional<std::size_t> on = find(i, m_t.size(), {"ON"});
      std::size_t at = on ? *on + 1 : m_t.size();
      std::optional<std::string> table = read_name(at);
      if (table && existing(*table)) {
        lock_taken(m_t.front());
      }
    }
  }

  void create_index(std::size_t index_word) {
    std::optional<std::size_t> on = find(index_word, m_t.size(), {"ON"});
    if (!on) {
      return;
    }
    std::size_t i = *on + 1;
    skip(i, {"ONLY"});
    std::optional<std::string> table = read_name(i);
    if (concurrently_in_transaction(index_word, *on) || !m_pg || !table || !existing(*table)) {
      return;
    }
    m_sink.report("index-not-concurrent", m_t.front(),
                  "CREATE INDEX on existing table " + *table + " without CONCURRENTLY blocks its writes while it builds");
    lock_taken(m_t.front());
  }

  void drop() {
    if (word(1, "INDEX")) {
      if (!concurrently_in_transaction(2, m_t.size()) && m_pg) {
        lock_taken(m_t.front()); // DROP INDEX locks its table
      }
      return;
    }
    if (!word(1, "TABLE")) {
      return;
    }
    std::size_t i = 2;
    skip(i, {"IF", "EXISTS"});
    std::vector<std::string> dropped = existing_tables(i);
    if (!dropped.empty()) {
      m_sink.report("drop-table", m_t.front(), "DROP TABLE " + join(dropped) + " drops a table the running service may still use");
      lock_taken(m_t.front());
    }
  }

  void truncate() {
    std::size_t i = 1;
    skip(i, {"TABLE", "ONLY"});
    std::vector<std::string> tables = existing_tables(i);
    if (!tables.empty()) {
      m_sink.report("truncate", m_t.front(), "TRUNCATE " + join(tables) + " deletes every row");
      lock_taken(m_t.front());
    }
  }

  // The comma-separated tables from i that were not created in this file.
  std::vector<std::string> existing_tables(std::size_t i) const {
    std::vector<std::string> out;
    while (std::optional<std::string> table = read_name(i)) {
      if (existing(*table)) {
        out.push_back(*table);
      }
      if (i < m_t.size() && m_t[i].is('*')) {
        ++i;
      }
      if (i >= m_t.size() || !m_t[i].is(',')) {
        break;
      }
      ++i;
    }
    return out;
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
      out += (out.empty() ? "" : ", ") + name;
    }
    return out;
  }

  // MySQL: RENAME TABLE a TO b [, c TO d].
  void rename_tables() {
    std::size_t i = 2;
    std::optional<std::string> table = read_name(i);
    if (table && existing(*table)) {
      m_sink.report("rename-table", m_t.front(), "RENAME TABLE " + *table + " breaks the running service's queries of it");
    }
  }

  void alter_table(std::size_t i) {
    skip(i, {"IF", "EXISTS", "ONLY"});
    std::optional<std::string> table = read_name(i);
    if (!table) {
      return;
    }
    if (i < m_t.size() && m_t[i].is('*')) {
      ++i;
    }
    bool is_new = !existing(*table);
    // Each action runs to the next comma outside parentheses.
    std::size_t from = i;
    for (std::size_t j = i; j <= m_t.size(); ++j) {
      if (j == m_t.size() || (m_t[j].depth == 0 && m_t[j].is(','))) {
        if (from < j) {
          action(*table, is_new, from, j);
        }
        from = j + 1;
      }
    }
    if (!is_new) {
      lock_taken(m_t.front());
    }
  }

  void action(const std::string& table, bool is_new, std::size_t a, std::size_t b) {
    const Token& verb = m_t[a];
    if (verb.is("VALIDATE") && word(a + 1, "CONSTRAINT") && a + 2 < b) {
      m_sink.event({ConstraintEvent::Kind::validated, table, name(m_t[a + 2]), "", true});
    } else if (verb.is("ADD")) {
      add(table, is_new, a, b);
    } else if (verb.is("DETACH")) {
      concurrently_in_transaction(a, b);
    }
    if (is_new) {
      return; // a table created in this file is empty and unused: changing it is safe
    }
    if (verb.is("ALTER")) {
      alter_column(table, a, b);
    } else if (verb.is("MODIFY") || verb.is("CHANGE")) {
      change_column(a, b);
    } else if (verb.is("DROP")) {
      std::size_t i = a + 1;
      bool column = word(i, "COLUMN");
      if (!column && (i >= b || is_any(m_t[i], {"CONSTRAINT", "INDEX", "KEY", "PRIMARY", "FOREIGN", "CHECK",
                                                 "DEFAULT", "PARTITION", "SYSTEM", "PERIOD"}))) {
        return;
      }
      i += column ? 1 : 0;
      skip(i, {"IF", "EXISTS"});
      std::string column_name = i < b ? name(m_t[i]) : "";
      m_sink.report("drop-column", verb, "DROP COLUMN " + table + "." + column_name +
                                             " drops a column the running service may still read");
    } else if (verb.is("RENAME")) {
      rename(table, a, b);
    }
  }

  void add(const std::string& table, bool is_new, std::size_t a, std::size_t b) {
    std::size_t i = a + 1;
    std::string constraint;
    if (word(i, "CONSTRAINT")) {
      ++i;
      if (i < b && !is_any(m_t[i], {"FOREIGN", "CHECK", "UNIQUE", "PRIMARY", "EXCLUDE"})) {
        constraint = name(m_t[i++]);
      }
    } else if (word(i, "COLUMN")) {
      ++i;
    } else if (i < b && (m_t[i].is('(') || is_any(m_t[i], {"INDEX", "KEY", "FULLTEXT", "SPATIAL", "PARTITION"}))) {
      return; // MySQL: several columns at once, or an index (built online)
    }
    if (i < b && is_any(m_t[i], {"FOREIGN", "CHECK", "UNIQUE", "PRIMARY", "EXCLUDE"})) {
      add_constraint(table, is_new, constraint, i, b);
      return;
    }
    skip(i, {"IF", "NOT", "EXISTS"});
    if (!is_new && i < b) {
      add_column(table, a, i, b);
    }
  }

  void add_constraint(const std::string& table, bool is_new, const std::string& constraint, std::size_t i, std::size_t b) {
    bool not_valid = has_pair(i, b, "NOT", "VALID");
    if (m_t[i].is("CHECK")) {
      // CHECK (col IS NOT NULL): proves the column NOT NULL once valid, for set-not-null
      if (i + 6 < b && m_t[i + 1].is('(') && is_name(m_t[i + 2]) && m_t[i + 3].is("IS") &&
          m_t[i + 4].is("NOT") && m_t[i + 5].is("NULL") && m_t[i + 6].is(')')) {
        m_sink.event({ConstraintEvent::Kind::added, table, constraint, name(m_t[i + 2]), !not_valid});
      }
    }
    if (is_new) {
      return;
    }
    const Token& kind = m_t[i];
    if (m_pg && (kind.is("FOREIGN") || kind.is("CHECK")) && !not_valid) {
      m_sink.report("validating-constraint", kind,
                    "ADD " + std::string(kind.is("CHECK") ? "CHECK" : "FOREIGN KEY") + " on existing table " + table +
                        " without NOT VALID checks every row while it blocks writes");
    } else if (!m_pg && kind.is("FOREIGN") && m_state.foreign_key_checks) {
      m_sink.report("validating-constraint", kind,
                    "ADD FOREIGN KEY on existing table " + table +
                        " copies the whole table (ALGORITHM=COPY) while foreign_key_checks is on");
    } else if (m_pg && (kind.is("UNIQUE") || kind.is("PRIMARY")) && !has_pair(i, b, "USING", "INDEX")) {
      m_sink.report("index-not-concurrent", kind,
                    "ADD " + std::string(kind.is("UNIQUE") ? "UNIQUE" : "PRIMARY KEY") + " on existing table " +
                        table + " builds its index while it blocks writes");
    }
  }

  void add_column(const std::string& table, std::size_t add_at, std::size_t i, std::size_t b) {
    std::string column = name(m_t[i]);
    bool not_null = has_pair(i, b, "NOT", "NULL");
    std::optional<std::size_t> defaults = find(i, b, {"DEFAULT"});
    bool filled = find(i, b, {"GENERATED", "AUTO_INCREMENT", "AS"}).has_value() ||
                  (i + 1 < b && is_any(m_t[i + 1], k_serial));
    const Token& at = m_t[add_at];
    if (not_null && !defaults && !filled) {
      m_sink.report("add-column-not-null", at,
                    m_pg ? "ADD COLUMN " + table + "." + column +
                               " NOT NULL without a DEFAULT fails on a table that has rows"
                         : "ADD COLUMN " + table + "." + column +
                               " NOT NULL without a DEFAULT fills existing rows with an implicit value and makes "
                               "the running service's inserts fail");
    }
    if (!m_pg) {
      return;
    }
    if (i + 1 < b && is_any(m_t[i + 1], k_serial)) {
      m_sink.report("volatile-default", at, "ADD COLUMN " + table + "." + column +
                                                " of a serial type fills every row from a sequence: the table is rewritten");
      return;
    }
    if (!defaults) {
      return;
    }
    std::size_t end = *defaults + 2; // the expression's first token is its own, even NULL
    while (end < b && !(m_t[end].depth == 0 && is_any(m_t[end], k_after_default))) {
      ++end;
    }
    for (std::size_t k = *defaults + 1; k + 1 < end; ++k) {
      if (is_any(m_t[k], k_volatile) && m_t[k + 1].is('(')) {
        m_sink.report("volatile-default", at,
                      "ADD COLUMN " + table + "." + column + " DEFAULT " + std::string(m_t[k].text) +
                          "() is volatile: every row gets its own value, so the table is rewritten");
        return;
      }
    }
    bool null_default = end == *defaults + 2 && m_t[*defaults + 1].is("NULL");
    if (m_settings.postgres_major && *m_settings.postgres_major < 11 && !null_default) {
      m_sink.report("volatile-default", at,
                    "ADD COLUMN " + table + "." + column + " with a DEFAULT rewrites the table before PostgreSQL 11 "
                    "(this service supports PostgreSQL " + std::to_string(*m_settings.postgres_major) + ")");
    }
  }

  // PostgreSQL: ALTER [COLUMN] col TYPE ... / SET DATA TYPE ... / SET NOT NULL.
  void alter_column(const std::string& table, std::size_t a, std::size_t b) {
    std::size_t i = a + 1;
    if (word(i, "CONSTRAINT") || word(i, "INDEX")) {
      return;
    }
    i += word(i, "COLUMN") ? 1 : 0;
    if (i >= b) {
      return;
    }
    std::string column = name(m_t[i]);
    if (word(i + 1, "TYPE") || (word(i + 1, "SET") && word(i + 2, "DATA"))) {
      m_sink.report("alter-column-type", m_t[a],
                    "changing the type of " + table + "." + column + " rewrites the table and its indexes under an "
                                                                     "exclusive lock");
    } else if (word(i + 1, "SET") && word(i + 2, "NOT") && word(i + 3, "NULL") && m_pg) {
      m_sink.report_unless_proven("set-not-null", m_t[a],
                                  "SET NOT NULL on " + table + "." + column +
                                      " scans the whole table under an exclusive lock (no validated CHECK (" + column +
                                      " IS NOT NULL) was added before)",
                                  table, column);
    }
  }

  // MySQL: MODIFY [COLUMN] col def, CHANGE [COLUMN] old new def.
  void change_column(std::size_t a, std::size_t b) {
    std::size_t i = a + 1 + (word(a + 1, "COLUMN") ? 1 : 0);
    if (i >= b) {
      return;
    }
    std::string column = name(m_t[i]);
    if (m_t[a].is("CHANGE") && i + 1 < b && name(m_t[i + 1]) != column) {
      m_sink.report("rename-column", m_t[a],
                    "CHANGE " + column + " " + name(m_t[i + 1]) + " renames a column the running service uses");
    }
    m_sink.report("alter-column-type", m_t[a],
                  std::string(m_t[a].text) + " " + column +
                      " redefines the column: unless MySQL can do it in place, the table is copied");
  }

  void rename(const std::string& table, std::size_t a, std::size_t b) {
    std::size_t i = a + 1;
    if (i >= b || is_any(m_t[i], {"CONSTRAINT", "INDEX", "KEY"})) {
      return;
    }
    bool to_table = is_any(m_t[i], {"TO", "AS"}) || (!m_pg && !m_t[i].is("COLUMN"));
    if (to_table) {
      m_sink.report("rename-table", m_t[a], "renaming table " + table + " breaks the running service's queries of it");
      return;
    }
    i += word(i, "COLUMN") ? 1 : 0;
    if (i < b) {
      m_sink.report("rename-column", m_t[a],
                    "renaming " + table + "." + name(m_t[i]) + " breaks the running service's queries of it");
    }
  }

  // UPDATE/DELETE at `verb` with no WHERE outside parentheses.
  void without_where(std::size_t verb) {
    if (find(verb, m_t.size(), {"WHERE"})) {
      return;
    }
    std::size_t i = verb + 1;
    if (m_t[verb].is("DELETE")) {
      std::optional<std::size_t> from = find(verb, m_t.size(), {"FROM"});
      if (!from) {
        return;
      }
      i = *from + 1;
    }
    skip(i, {"LOW_PRIORITY", "IGNORE", "QUICK", "ONLY"});
    std::optional<std::string> table = read_name(i);
    if (!table || !existing(*table)) {
      return;
    }
    bool update = m_t[verb].is("UPDATE");
    m_sink.report(update ? "update-without-where" : "delete-without-where", m_t[verb],
                  std::string(update ? "UPDATE " : "DELETE FROM ") + *table + " without WHERE " +
                      (update ? "changes" : "removes") + " every row");
  }

  // SET lock_timeout (PostgreSQL), SET foreign_key_checks (MySQL).
  void set() {
    for (std::size_t i = 1; i < m_t.size(); ++i) {
      if (m_t[i].is("LOCK_TIMEOUT") && m_pg) {
        std::size_t value = i + 1 + (word(i + 1, "TO") || (i + 1 < m_t.size() && m_t[i + 1].is('=')) ? 1 : 0);
        m_state.lock_timeout = value < m_t.size() && !zero(m_t[value]);
      } else if (m_t[i].is("FOREIGN_KEY_CHECKS") && !m_pg && i + 2 < m_t.size()) {
        m_state.foreign_key_checks = !(zero(m_t[i + 2]) || m_t[i + 2].is("OFF"));
      }
    }
  }

  static bool zero(const Token& token) { return token.text == "0" || token.text == "'0'" || token.text.empty(); }

  // PostgreSQL: SELECT set_config('lock_timeout', ...).
  void select() {
    for (std::size_t i = 1; i + 2 < m_t.size(); ++i) {
      if (m_pg && m_t[i].is("SET_CONFIG") && m_t[i + 2].text == "'lock_timeout'") {
        m_state.lock_timeout = true;
      }
    }
  }

  // MySQL: ALGORITHM=COPY or LOCK=EXCLUSIVE anywhere outside parentheses.
  void algorithm(std::size_t from, std::size_t to) {
    if (m_pg) {
      return;
    }
    for (std::size_t i = from; i < to; ++i) {
      bool option = m_t[i].depth == 0 && (m_t[i].is("ALGORITHM") || m_t[i].is("LOCK"));
      std::size_t value = i + 1 + (i + 1 < to && m_t[i + 1].is('=') ? 1 : 0);
      if (!option || value >= to || i == 0) {
        continue;
      }
      if ((m_t[i].is("ALGORITHM") && m_t[value].is("COPY")) || (m_t[i].is("LOCK") && m_t[value].is("EXCLUSIVE"))) {
        m_sink.report("algorithm-copy", m_t[i],
                      std::string(m_t[i].text) + "=" + std::string(m_t[value].text) +
                          (m_t[i].is("LOCK") ? " blocks every write (and read) for the whole ALTER"
                                             : " copies the whole table, blocking writes while it does"));
      }
    }
  }

  const std::vector<Token>& m_t;
  const Settings& m_settings;
  bool m_pg;
  bool m_no_transaction;
  FileState& m_state;
  StatementSink& m_sink;
};

} // namespace

void analyze(const std::vector<Token>& code, const Settings& settings, bool no_transaction, FileState& state,
             StatementSink& sink) {
  Analyzer(code, settings, no_transaction, state, sink).run();
}

} // namespace dbctl::lint
