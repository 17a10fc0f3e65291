#pragma once
// Schema drift: each target's live schema against the one recorded after its last migrate,
// and the targets of one service at one version against each other.
#include "dbctl/engine/schema.hpp"
#include "dbctl/targets/target.hpp"

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
