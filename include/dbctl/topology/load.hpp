#pragma once
// Reading topology.yaml into the model.
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"
#include "dbctl/util/interpolate.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>

namespace dbctl::topology {

/// The largest topology file dbctl reads; long tenant lists belong in `tenants_file`.
inline constexpr std::uintmax_t k_max_topology_bytes = 4U * 1024U * 1024U;
/// The largest tenants file dbctl reads.
inline constexpr std::uintmax_t k_max_tenants_file_bytes = 64U * 1024U * 1024U;

/// The name of a service's manifest, in the folder a topology's `services.<name>.path` gives.
inline constexpr const char* k_manifest_file = "dbctl-service.yaml";

/// A loaded topology, or nothing when the file could not be parsed at all; problems either way.
struct LoadResult {
  std::optional<Topology> topology;
  util::Diagnostics diagnostics;
};

/// Read and type-check a topology file, substituting `${VAR}` from env. Never throws for bad
/// input: every problem lands in the diagnostics as `file:line:col: message`.
LoadResult load(const std::filesystem::path& file, const util::EnvLookup& env);

/// Read and type-check topology text (for tests and stdin); `file` names it in messages and
/// relative paths resolve against `dir`.
LoadResult load_text(const std::string& text, const std::string& file,
                     const std::filesystem::path& dir, const util::EnvLookup& env);

/// Build the topology of one existing database from its URL (`--url` or DATABASE_URL, no
/// topology file): one server `db` with no admin user (dbctl acts as the URL's user), one
/// db-per-service service named `service` (default: the URL's database) whose database, owner
/// and password are the URL's and whose schema is the `search_path` of its `options` (default
/// public), migrations from `dir` (default ./migrations). Its names are taken as given
/// (Topology::names_as_given). Problems (not a URL, an unknown scheme, no user or database)
/// land in the diagnostics, never with the password.
LoadResult load_url(const std::string& url, const std::string& dir, const std::optional<std::string>& service);

} // namespace dbctl::topology
