#pragma once
// Schema drift: each target's live schema against the one recorded after its last migrate,
// and the targets of one service at one version against each other.
#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/schema.hpp"
#include "dbctl/targets/target.hpp"

#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::ops {

/// One target's schema as `status --schema` found it.
struct SchemaCheck {
  std::string sha256;              ///< the live schema's fingerprint
  bool drift = false;              ///< differs from its record or from its fleet
  std::vector<std::string> issues; ///< how, one line each
};

/// The distinct live schemas of a run, one copy per fingerprint, filled by parallel jobs.
class SchemaModels {
public:
  /// Keep `model` under `sha256` unless one is kept already.
  void keep(const std::string& sha256, engine::SchemaModel model);
  /// Return whether a model is kept under `sha256`.
  bool has(const std::string& sha256) const;
  /// Return the model kept under `sha256` (it must have been kept).
  const engine::SchemaModel& at(const std::string& sha256) const;

private:
  mutable std::mutex m_mutex;
  std::map<std::string, engine::SchemaModel> m_models;
};

/// Return how a target's live schema (and its fingerprint) compares with the record read from
/// it: drift, naming the objects, when the record is of its current version (or of another
/// service sharing its schema) and differs; an issue without drift when there is no record, or
/// one of another version of its own service.
SchemaCheck check_record(const targets::Target& target, const std::optional<std::string>& current_version,
                         const engine::SchemaModel& live, const std::string& sha256,
                         const std::optional<engine::SchemaRecord>& record);

/// The live schema states (tokens and record headers) of the databases that hold many of a
/// status --schema run's target schemas (PostgreSQL's schema tenancy): each database's are read
/// in one query, in the background on a connection of its own, while the run inspects its
/// targets. Other targets read their own.
class SchemaTokens {
public:
  /// Start reading the tokens of every database holding many of `selected`'s schemas.
  SchemaTokens(const std::vector<targets::Target>& selected, const engine::Registry& registry);
  SchemaTokens(const SchemaTokens&) = delete;
  SchemaTokens& operator=(const SchemaTokens&) = delete;
  ~SchemaTokens(); ///< waits for reads still running

  /// Return the connections the reads hold while they run, by server (for FanoutOptions::held).
  std::map<const topology::Server*, int> held() const { return m_held; }
  /// Return whether `target`'s state comes from its database's read.
  bool together(const targets::Target& target) const;
  /// Return `target`'s state from its database's read, waiting for it; nullopt when that read
  /// failed or did not find the schema (the target then reads its own).
  std::optional<engine::SchemaState> of(const targets::Target& target) const;

private:
  std::map<std::string, std::shared_future<std::map<std::string, engine::SchemaState>>> m_read; ///< by database
  std::map<const topology::Server*, int> m_held;
};

/// Return whether `token`, a schema's live token, stands for `record`: both have one, and it is
/// the recorded one (nothing the model is read from changed since).
bool token_stands(const std::string& token, const std::optional<engine::SchemaRecord>& record);

/// Return how one target's live schema compares with its record (check_record), keeping its
/// model in `models` for the fleet comparison. Where `token`, the live schema token, is the
/// recorded one, the record's fingerprint stands for the live schema and no definition is read
/// (only the record's model, by the first target of each fingerprint); else the live model is.
SchemaCheck check_schema(engine::TargetSession& session, const targets::Target& target,
                         const std::optional<std::string>& current_version, const std::string& token,
                         SchemaModels& models);

/// Return the check of a target whose live token is its record's (`record`, read without its
/// model) when `models` already holds that fingerprint's model; nullopt when the target needs
/// check_schema (its token moved, there is no token, or the model is still to be read).
std::optional<SchemaCheck> trusted_check(const targets::Target& target, const std::optional<std::string>& current_version,
                                         const std::string& token, const std::optional<engine::SchemaRecord>& record,
                                         const SchemaModels& models);

/// A target in the fleet comparison: its service, its current version and its live fingerprint.
struct FleetMember {
  const targets::Target* target = nullptr;
  std::optional<std::string> version;
  std::string sha256;
};

/// Among members of one service at one version (at least three), find the fingerprint that
/// more of them have than any other; mark each member that differs from it (checks[i] for
/// members[i]) as drift, with "differs from N others of SERVICE at VERSION: ...". Groups without
/// one such fingerprint are left alone.
void compare_fleet(const std::vector<FleetMember>& members, const SchemaModels& models,
                   std::vector<SchemaCheck*>& checks);

} // namespace dbctl::ops
