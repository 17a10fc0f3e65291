#pragma once
// The loader's section readers, one per part of topology.yaml.
#include "dbctl/topology/model.hpp"
#include "dbctl/util/file.hpp"
#include "yaml_reader.hpp"

namespace dbctl::topology::detail {

/// Read `servers:` into topology.servers.
void read_servers(Reader& reader, const YAML::Node& node, Topology& topology);
/// Read `services:` into topology.services.
void read_services(Reader& reader, const YAML::Node& node, Topology& topology);
/// Read a migrations folder into service.migrations: resolved against `base`, `none` for no
/// folder, `absent` (normalized) when the key is not there.
void read_migrations(Reader& reader, const YAML::Node& node, const std::string& path,
                     const std::filesystem::path& base, const Located<std::filesystem::path>& absent,
                     Service& service);
/// Read a `format:` (flyway, golang-migrate, dbmate, goose, auto, command) into service.format.
void read_format(Reader& reader, const YAML::Node& node, const std::string& path, Service& service);
/// Read the `format: command` keys present in `node` (a service entry or a manifest; `prefix`
/// is "services.<name>." or "") into service.command, a relative cwd against `base`; a key
/// that the entry and the manifest both give is an error.
void read_command(Reader& reader, const YAML::Node& node, const std::string& prefix,
                  const std::filesystem::path& base, Service& service);
/// Check that format: command has run:, and that no other format has command keys.
void check_command(Reader& reader, const std::string& prefix, Service& service);
/// Read the manifest in the folder `services.<name>.path` names (relative to `dir`) and apply
/// it to the service: its migrations folder and app role; its engines, extensions and minimum
/// server versions are kept for the checks. `node` is the service's mapping, `path` its name
/// in messages.
void read_manifest(Reader& reader, const YAML::Node& node, const std::string& path,
                   const std::filesystem::path& dir, Service& service);
/// Read `roles:` into topology.roles.
void read_roles(Reader& reader, const YAML::Node& node, Topology& topology);
/// Read the `tenants:` list.
void read_tenant_list(Reader& reader, const YAML::Node& node, Topology& topology);
/// Read a tenants file (one tenant per line, optional server after it, `#` comments).
void read_tenants_file(Reader& reader, const Located<std::string>& path, Topology& topology);
using util::read_text_file;

} // namespace dbctl::topology::detail
