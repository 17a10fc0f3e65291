#include "analyzer.hpp"

#include <algorithm>

namespace dbctl::lint {

namespace {

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

} // namespace

void Analyzer::alter_table(std::size_t i) {
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

void Analyzer::action(const std::string& table, bool is_new, std::size_t a, std::size_t b) {
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

void Analyzer::add(const std::string& table, bool is_new, std::size_t a, std::size_t b) {
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

void Analyzer::add_constraint(const std::string& table, bool is_new, const std::string& constraint, std::size_t i, std::size_t b) {
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

void Analyzer::add_column(const std::string& table, std::size_t add_at, std::size_t i, std::size_t b) {
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
  // The expression's first token is its own, even NULL; a DEFAULT that ends the action has none.
  std::size_t end = std::min(*defaults + 2, b);
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
void Analyzer::alter_column(const std::string& table, std::size_t a, std::size_t b) {
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
void Analyzer::change_column(std::size_t a, std::size_t b) {
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

void Analyzer::rename(const std::string& table, std::size_t a, std::size_t b) {
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

} // namespace dbctl::lint
