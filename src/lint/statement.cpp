#include "analyzer.hpp"

#include "dbctl/util/text.hpp"

namespace dbctl::lint {

using topology::Engine;

void Analyzer::run() {
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

// MySQL: DDL commits at once, so a file that mixes it with data changes can stop half done.
void Analyzer::classify(const Token& first) {
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
void Analyzer::lock_taken(const Token& at) {
  if (!m_pg || m_state.lock_timeout || m_state.lock_reported) {
    return;
  }
  m_state.lock_reported = true;
  m_sink.report("missing-lock-timeout", at,
                "this statement locks an existing table and no lock_timeout was set before it in this file");
}

// CONCURRENTLY in [from, to) of a file that runs in a transaction.
bool Analyzer::concurrently_in_transaction(std::size_t from, std::size_t to) {
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

void Analyzer::create() {
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

void Analyzer::create_index(std::size_t index_word) {
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

void Analyzer::drop() {
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
    m_sink.report("drop-table", m_t.front(), "DROP TABLE " + util::join(dropped) + " drops a table the running service may still use");
    lock_taken(m_t.front());
  }
}

void Analyzer::truncate() {
  std::size_t i = 1;
  skip(i, {"TABLE", "ONLY"});
  std::vector<std::string> tables = existing_tables(i);
  if (!tables.empty()) {
    m_sink.report("truncate", m_t.front(), "TRUNCATE " + util::join(tables) + " deletes every row");
    lock_taken(m_t.front());
  }
}

// The comma-separated tables from i that were not created in this file.
std::vector<std::string> Analyzer::existing_tables(std::size_t i) const {
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

// MySQL: RENAME TABLE a TO b [, c TO d].
void Analyzer::rename_tables() {
  std::size_t i = 2;
  std::optional<std::string> table = read_name(i);
  if (table && existing(*table)) {
    m_sink.report("rename-table", m_t.front(), "RENAME TABLE " + *table + " breaks the running service's queries of it");
  }
}

// UPDATE/DELETE at `verb` with no WHERE outside parentheses.
void Analyzer::without_where(std::size_t verb) {
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
void Analyzer::set() {
  for (std::size_t i = 1; i < m_t.size(); ++i) {
    if (m_t[i].is("LOCK_TIMEOUT") && m_pg) {
      std::size_t value = i + 1 + (word(i + 1, "TO") || (i + 1 < m_t.size() && m_t[i + 1].is('=')) ? 1 : 0);
      m_state.lock_timeout = value < m_t.size() && !zero(m_t[value]);
    } else if (m_t[i].is("FOREIGN_KEY_CHECKS") && !m_pg && i + 2 < m_t.size()) {
      m_state.foreign_key_checks = !(zero(m_t[i + 2]) || m_t[i + 2].is("OFF"));
    }
  }
}

// PostgreSQL: SELECT set_config('lock_timeout', ...).
void Analyzer::select() {
  for (std::size_t i = 1; i + 2 < m_t.size(); ++i) {
    if (m_pg && m_t[i].is("SET_CONFIG") && m_t[i + 2].text == "'lock_timeout'") {
      m_state.lock_timeout = true;
    }
  }
}

// MySQL: ALGORITHM=COPY or LOCK=EXCLUSIVE anywhere outside parentheses.
void Analyzer::algorithm(std::size_t from, std::size_t to) {
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

void analyze(const std::vector<Token>& code, const Settings& settings, bool no_transaction, FileState& state,
             StatementSink& sink) {
  Analyzer(code, settings, no_transaction, state, sink).run();
}

} // namespace dbctl::lint
