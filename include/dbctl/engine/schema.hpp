#pragma once
// A target's schema as read from the catalogs: an engine-neutral list of objects whose
// definitions each engine writes as its own DDL, so that one model gives the fingerprint that
// `status --schema` compares, the differences it names, and the DDL that `dump` prints.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::engine {

/// What a schema object is; the order is the order `dump` creates them in.
enum class ObjectKind { type, sequence, function, procedure, table, column, constraint, foreign_key, index, view, trigger };

/// Return the kind's name as messages and the serialized model write it (`foreign key` has a
/// space); parse_object_kind reads it back (nullopt for others).
std::string to_string(ObjectKind kind);
std::optional<ObjectKind> parse_object_kind(const std::string& text);

/// One object of a target's schema. Definitions never name the target's schema, database,
/// owner or tenant, so that every tenant of one service at one version has the same model.
struct SchemaObject {
  ObjectKind kind = ObjectKind::table;
  std::string table;      ///< the table a column, constraint, index or trigger belongs to, else empty
  std::string name;
  /// An object inside its table (`inside_table`: every column, MySQL's keys and checks): its line
  /// inside CREATE TABLE; a table: what follows CREATE TABLE's closing parenthesis (MySQL's
  /// ENGINE and collation; empty on PostgreSQL); every other kind: the whole statement creating
  /// it, without the final `;`.
  std::string definition;
  std::string quoted;        ///< a table's name quoted as the engine needs it in DDL
  bool inside_table = false; ///< written inside its table's CREATE TABLE
};

/// A target's objects, ordered by kind, then table, then name (columns by position).
struct SchemaModel {
  std::vector<SchemaObject> objects;
  /// What DDL of the model starts with (PostgreSQL: SET check_function_bodies = false, as
  /// pg_dump does, so functions may name tables made after them); not part of the fingerprint.
  std::string preamble;
};

/// An object as a catalog query returns it, with its position among its table's columns (or
/// triggers) where order matters.
struct ReadObject {
  SchemaObject object;
  long long position = 0;
};

/// Return the model of the objects read, ordered by kind, table, position and name in byte order
/// (not a database's collation: every server sorts alike), starting DDL with `preamble`.
SchemaModel model_of(std::vector<ReadObject> read, std::string preamble = {});

/// Return the model as text, one object per line (kind, table, name, quoted name and definition,
/// tab-separated, with tabs, newlines and backslashes escaped); parse_schema reads it back and
/// throws Error on text it did not write.
std::string serialize(const SchemaModel& model);
SchemaModel parse_schema(const std::string& text);

/// Return the SHA-256 (64 hex digits) of serialize(model): equal models, equal fingerprints.
std::string fingerprint(const SchemaModel& model);

/// How one model differs from another, each object named as messages name it
/// ("index orders_created_at", "column orders.note").
struct SchemaDiff {
  std::vector<std::string> missing; ///< in the reference, not here
  std::vector<std::string> added;   ///< here, not in the reference
  std::vector<std::string> changed; ///< in both, defined differently
  bool empty() const { return missing.empty() && added.empty() && changed.empty(); }
};

/// Return how `live` differs from `reference`.
SchemaDiff diff(const SchemaModel& reference, const SchemaModel& live);

/// Return the differences as one phrase ("index orders_created_at missing, column orders.note
/// added"), naming at most `limit` objects and counting the rest.
std::string describe(const SchemaDiff& diff, std::size_t limit = 5);

/// Return the model as DDL that creates it in an empty schema (or database): its preamble,
/// then every object by kind (types, sequences, routines, tables with their columns, constraints,
/// foreign keys, indexes, views after the views they name, triggers), each statement ending with
/// `;` and a blank line. Equal models give equal bytes.
std::string render_ddl(const SchemaModel& model);

/// What dbctl recorded of a target's schema after a migrate: the model, its fingerprint, and the
/// service and version whose migration left it.
struct SchemaRecord {
  std::string service;
  std::string version; ///< the service's current version then; empty when it had none
  std::string sha256;
  SchemaModel model;
  std::string token; ///< the schema_token read before the model; empty where the engine has none
};

/// A schema's live token and, where the same query could read it, its latest record without
/// the model (TargetSession::schema_states).
struct SchemaState {
  std::string token;
  bool record_read = false;           ///< whether `record` says what was recorded (else: ask the target)
  std::optional<SchemaRecord> record; ///< when read: the latest record, nullopt for none
};

} // namespace dbctl::engine
