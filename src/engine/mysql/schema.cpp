// The MySQL/MariaDB TargetSession's schema model: read from information_schema in one query,
// and the records of it in dbctl_schema.
#include "target_session.hpp"

#include <cppconn/metadata.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

namespace dbctl::engine::mysql {

namespace {

// A backtick-quoted identifier, written in SQL.
std::string q(const std::string& column) { return "CONCAT('`', REPLACE(" + column + ", '`', '``'), '`')"; }

constexpr const char* k_own_tables = "('dbctl_history', 'dbctl_lock', 'dbctl_schema')";

// Routines and triggers have bodies with `;` inside: DDL that a client (and dbctl) can load
// again needs them between DELIMITER lines. render_ddl ends the definition with `;`.
std::string delimited(const std::string& create) {
  return "CONCAT('DELIMITER ;;\\n', " + create + ", ';;\\nDELIMITER ')";
}

// Every object of database `db` (a quoted literal) as (kind, table, name, quoted, inside_table,
// position, definition). CHECK constraints name their table in MariaDB's information_schema
// only; MySQL's are joined through TABLE_CONSTRAINTS.
std::string schema_query(const std::string& db, bool mariadb) {
  std::string tables = "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                       db + " AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT IN " + k_own_tables;
  std::string checks =
      mariadb ? "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                "WHERE CONSTRAINT_SCHEMA = " + db
              : "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS cc "
                "JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND "
                "tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' WHERE cc.CONSTRAINT_SCHEMA = " + db;
  return
      // Tables, with the options after their closing parenthesis.
      "SELECT 'table', '', t.TABLE_NAME, " + q("t.TABLE_NAME") + ", 0, 0, CONCAT(' ENGINE=', t.ENGINE, "
      "' DEFAULT COLLATE=', t.TABLE_COLLATION, IF(t.TABLE_COMMENT = '', '', CONCAT(' COMMENT=', QUOTE(t.TABLE_COMMENT)))) "
      "FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = " + db + " AND t.TABLE_TYPE = 'BASE TABLE' "
      "AND t.TABLE_NAME NOT IN " + k_own_tables +
      " UNION ALL SELECT 'sequence', '', TABLE_NAME, " + q("TABLE_NAME") + ", 0, 0, CONCAT('CREATE SEQUENCE ', " +
      q("TABLE_NAME") + ") FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + db + " AND TABLE_TYPE = 'SEQUENCE'"
      // Columns in their table's order; MariaDB writes defaults as SQL (quoted literals, NULL).
      " UNION ALL SELECT 'column', c.TABLE_NAME, c.COLUMN_NAME, '', 1, c.ORDINAL_POSITION, CONCAT(" +
      q("c.COLUMN_NAME") + ", ' ', c.COLUMN_TYPE, "
      "IF(c.COLLATION_NAME IS NULL OR c.COLLATION_NAME = t.TABLE_COLLATION, '', CONCAT(' COLLATE ', c.COLLATION_NAME)), "
      "IF(c.IS_GENERATED = 'ALWAYS', CONCAT(' GENERATED ALWAYS AS (', c.GENERATION_EXPRESSION, ') ', "
      "IF(c.EXTRA LIKE 'STORED%' OR c.EXTRA LIKE 'PERSISTENT%', 'STORED', 'VIRTUAL')), CONCAT("
      "IF(c.IS_NULLABLE = 'NO', ' NOT NULL', ' NULL'), IFNULL(CONCAT(' DEFAULT ', c.COLUMN_DEFAULT), ''), "
      "IF(c.EXTRA LIKE '%auto_increment%', ' AUTO_INCREMENT', ''), "
      "IF(c.EXTRA LIKE 'on update %', CONCAT(' ON UPDATE ', SUBSTRING(c.EXTRA, 11)), ''))), "
      "IF(c.COLUMN_COMMENT = '', '', CONCAT(' COMMENT ', QUOTE(c.COLUMN_COMMENT)))) "
      "FROM information_schema.COLUMNS c JOIN (" + tables + ") t ON t.TABLE_NAME = c.TABLE_NAME "
      "WHERE c.TABLE_SCHEMA = " + db +
      // Keys, inside CREATE TABLE (an AUTO_INCREMENT column needs its key there).
      " UNION ALL SELECT IF(s.INDEX_NAME = 'PRIMARY', 'constraint', 'index'), s.TABLE_NAME, s.INDEX_NAME, '', 1, 0, "
      "CONCAT(CASE WHEN s.INDEX_NAME = 'PRIMARY' THEN 'PRIMARY KEY' "
      "WHEN s.NON_UNIQUE = 0 THEN CONCAT('UNIQUE KEY ', " + q("s.INDEX_NAME") + ") "
      "WHEN s.INDEX_TYPE IN ('FULLTEXT', 'SPATIAL') THEN CONCAT(s.INDEX_TYPE, ' KEY ', " + q("s.INDEX_NAME") + ") "
      "ELSE CONCAT('KEY ', " + q("s.INDEX_NAME") + ") END, ' (', GROUP_CONCAT(CONCAT(" + q("s.COLUMN_NAME") +
      ", IFNULL(CONCAT('(', s.SUB_PART, ')'), ''), IF(s.COLLATION = 'D', ' DESC', '')) ORDER BY s.SEQ_IN_INDEX "
      "SEPARATOR ', '), ')', IF(s.INDEX_TYPE IN ('BTREE', 'FULLTEXT', 'SPATIAL'), '', CONCAT(' USING ', s.INDEX_TYPE))) "
      "FROM information_schema.STATISTICS s JOIN (" + tables + ") t ON t.TABLE_NAME = s.TABLE_NAME "
      "WHERE s.TABLE_SCHEMA = " + db + " GROUP BY s.TABLE_NAME, s.INDEX_NAME, s.NON_UNIQUE, s.INDEX_TYPE"
      " UNION ALL SELECT 'constraint', k.TABLE_NAME, k.CONSTRAINT_NAME, '', 1, 0, CONCAT('CONSTRAINT ', " +
      q("k.CONSTRAINT_NAME") + ", ' CHECK (', k.CHECK_CLAUSE, ')') FROM (" + checks + ") k JOIN (" + tables +
      ") t ON t.TABLE_NAME = k.TABLE_NAME"
      // Foreign keys, after every table exists.
      " UNION ALL SELECT 'foreign key', r.TABLE_NAME, r.CONSTRAINT_NAME, '', 0, 0, CONCAT('ALTER TABLE ', " +
      q("r.TABLE_NAME") + ", ' ADD CONSTRAINT ', " + q("r.CONSTRAINT_NAME") + ", ' FOREIGN KEY (', "
      "GROUP_CONCAT(" + q("k.COLUMN_NAME") + " ORDER BY k.ORDINAL_POSITION SEPARATOR ', '), ') REFERENCES ', "
      "IF(k.REFERENCED_TABLE_SCHEMA = r.CONSTRAINT_SCHEMA, '', CONCAT(" + q("k.REFERENCED_TABLE_SCHEMA") + ", '.')), " +
      q("r.REFERENCED_TABLE_NAME") + ", ' (', GROUP_CONCAT(" + q("k.REFERENCED_COLUMN_NAME") +
      " ORDER BY k.ORDINAL_POSITION SEPARATOR ', '), ') ON DELETE ', r.DELETE_RULE, ' ON UPDATE ', r.UPDATE_RULE) "
      "FROM information_schema.REFERENTIAL_CONSTRAINTS r JOIN information_schema.KEY_COLUMN_USAGE k ON "
      "k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME "
      "WHERE r.CONSTRAINT_SCHEMA = " + db + " AND k.TABLE_SCHEMA = " + db + " GROUP BY r.TABLE_NAME, r.CONSTRAINT_NAME, k.REFERENCED_TABLE_SCHEMA, "
      "r.CONSTRAINT_SCHEMA, r.REFERENCED_TABLE_NAME, r.DELETE_RULE, r.UPDATE_RULE"
      " UNION ALL SELECT 'view', '', v.TABLE_NAME, " + q("v.TABLE_NAME") + ", 0, 0, CONCAT('CREATE VIEW ', " +
      q("v.TABLE_NAME") + ", ' AS ', v.VIEW_DEFINITION) FROM information_schema.VIEWS v WHERE v.TABLE_SCHEMA = " + db +
      " UNION ALL SELECT LOWER(r.ROUTINE_TYPE), '', r.ROUTINE_NAME, '', 0, 0, " +
      delimited("CONCAT('CREATE ', r.ROUTINE_TYPE, ' ', " + q("r.ROUTINE_NAME") + ", '(', IFNULL((SELECT "
                "GROUP_CONCAT(CONCAT(IF(r.ROUTINE_TYPE = 'PROCEDURE', CONCAT(p.PARAMETER_MODE, ' '), ''), " +
                q("p.PARAMETER_NAME") + ", ' ', p.DTD_IDENTIFIER) ORDER BY p.ORDINAL_POSITION SEPARATOR ', ') "
                "FROM information_schema.PARAMETERS p WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND "
                "p.SPECIFIC_NAME = r.SPECIFIC_NAME AND p.ROUTINE_TYPE = r.ROUTINE_TYPE AND p.ORDINAL_POSITION > 0), ''), "
                "')', IF(r.ROUTINE_TYPE = 'FUNCTION', CONCAT(' RETURNS ', r.DTD_IDENTIFIER), ''), "
                "IF(r.IS_DETERMINISTIC = 'YES', ' DETERMINISTIC', ''), ' ', r.SQL_DATA_ACCESS, '\\n', r.ROUTINE_DEFINITION)") +
      " FROM information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA = " + db +
      " UNION ALL SELECT 'trigger', g.EVENT_OBJECT_TABLE, g.TRIGGER_NAME, '', 0, g.ACTION_ORDER, " +
      delimited("CONCAT('CREATE TRIGGER ', " + q("g.TRIGGER_NAME") + ", ' ', g.ACTION_TIMING, ' ', "
                "g.EVENT_MANIPULATION, ' ON ', " + q("g.EVENT_OBJECT_TABLE") + ", ' FOR EACH ROW ', g.ACTION_STATEMENT)") +
      " FROM information_schema.TRIGGERS g WHERE g.EVENT_OBJECT_SCHEMA = " + db;
}

bool identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         c == '`' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

// Remove the qualification `db`. where it starts a name (views name their tables with it), so
// that every tenant's objects read the same.
std::string strip_database(const std::string& text, const std::string& database) {
  std::string quoted = quote_ident(database) + ".";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool boundary = i == 0 || !identifier_char(text[i - 1]);
    if (boundary && text.compare(i, quoted.size(), quoted) == 0) {
      i += quoted.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

} // namespace

SchemaModel TargetSession::read_schema() {
  std::vector<ReadObject> read;
  exists(); // USE the target's database
  try {
    bool mariadb = std::string(work().getMetaData()->getDatabaseProductVersion()).find("MariaDB") != std::string::npos;
    // Routine bodies and view definitions are longer than GROUP_CONCAT's default of 1024 bytes.
    execute("SET SESSION group_concat_max_len = 1048576");
    auto rows = query(work(), schema_query(quote_literal(work(), m_target.database), mariadb));
    while (rows->next()) {
      std::optional<ObjectKind> kind = parse_object_kind(rows->getString(1));
      if (!kind) {
        continue;
      }
      SchemaObject object{*kind, rows->getString(2), rows->getString(3),
                          strip_database(rows->getString(7), m_target.database), rows->getString(4),
                          rows->getInt(5) != 0};
      read.push_back({std::move(object), rows->getInt64(6)});
    }
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading the schema: ");
  }
  return model_of(std::move(read));
}

// information_schema has no cheap digest of a database's definitions: read_schema reads them.
std::string TargetSession::schema_token() { return ""; }

std::map<std::string, SchemaState> TargetSession::schema_states(const std::vector<std::string>& /*schemas*/) {
  return {};
}

std::optional<SchemaRecord> TargetSession::read_schema_record(bool with_model) {
  if (!exists()) {
    return std::nullopt;
  }
  try {
    if (!has_table("dbctl_schema")) {
      return std::nullopt;
    }
    auto rows = query(work(), std::string("SELECT service, version, sha256, ") + (with_model ? "objects" : "''") +
                                  " FROM dbctl_schema ORDER BY recorded_rank DESC LIMIT 1");
    if (!rows->next()) {
      return std::nullopt;
    }
    return SchemaRecord{rows->getString(1), rows->getString(2), rows->getString(3), parse_schema(rows->getString(4)), ""};
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading dbctl_schema: ");
  }
}

void TargetSession::record_schema(const SchemaRecord& record) {
  exists();
  try {
    execute("CREATE TABLE IF NOT EXISTS dbctl_schema (recorded_rank BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
            " service VARCHAR(64) NOT NULL, version VARCHAR(255) NOT NULL, sha256 CHAR(64) NOT NULL,"
            " objects LONGTEXT NOT NULL, token VARCHAR(64) NOT NULL DEFAULT '', recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))"
            " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    std::unique_ptr<sql::PreparedStatement> drop(
        work().prepareStatement("DELETE FROM dbctl_schema WHERE service = ? AND version = ?"));
    drop->setString(1, record.service);
    drop->setString(2, record.version);
    drop->executeUpdate();
    std::unique_ptr<sql::PreparedStatement> insert(
        work().prepareStatement("INSERT INTO dbctl_schema (service, version, sha256, objects) VALUES (?, ?, ?, ?)"));
    insert->setString(1, record.service);
    insert->setString(2, record.version);
    insert->setString(3, record.sha256);
    insert->setString(4, serialize(record.model));
    insert->executeUpdate();
  } catch (const std::exception& e) {
    rethrow(e, context() + "writing dbctl_schema: ");
  }
}

} // namespace dbctl::engine::mysql
