// Reads a service's dbctl-service.yaml and applies it to the topology's service.
#include "sections.hpp"

#include "dbctl/topology/load.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <cctype>

namespace dbctl::topology::detail {

namespace {

constexpr std::uintmax_t k_max_manifest_bytes = 1024U * 1024U;

// Digits separated by single dots: 14, 10.6, 8.0.32.
bool is_version(const std::string& text) {
  if (text.empty() || text.front() == '.' || text.back() == '.' ||
      text.find("..") != std::string::npos) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == '.' || std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

void read_engines(Reader& reader, const YAML::Node& root, Manifest& manifest) {
  const YAML::Node node = root["engines"];
  manifest.engines_where = node.IsDefined() ? reader.at(node) : reader.at(root);
  for (auto& word : reader.text_list(node, "engines")) {
    if (word.value == "postgres" || word.value == "postgresql") {
      manifest.engines.push_back({Engine::postgres, word.where});
    } else if (word.value == "mysql" || word.value == "mariadb") {
      manifest.engines.push_back({Engine::mysql, word.where});
    } else {
      auto suggestion = util::closest(word.value, {"postgres", "mysql", "mariadb"});
      reader.error(word.where, "engines: '" + util::printable(word.value) +
                                   "' is not an engine (postgres, mysql or mariadb)" +
                                   (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
    }
  }
  if (manifest.engines.empty() && node.IsDefined() && !node.IsNull()) {
    return; // reported above
  }
  if (manifest.engines.empty()) {
    reader.error(manifest.engines_where,
                 "engines is required: the engines the service's SQL supports (postgres, mysql)");
  }
}

void read_minimums(Reader& reader, const YAML::Node& node, Manifest& manifest) {
  if (!node.IsDefined() || node.IsNull() ||
      !reader.mapping(node, "min_server_version", {"postgres", "mysql", "mariadb"})) {
    return;
  }
  for (const char* product : {"postgres", "mysql", "mariadb"}) {
    std::string path = std::string("min_server_version.") + product;
    auto version = reader.text(node[product], path);
    if (!version) {
      continue;
    }
    if (!is_version(version->value)) {
      reader.error(version->where, path + " must be a version such as 14 or 10.6, not '" +
                                       util::printable(version->value) + "'");
      continue;
    }
    manifest.min_server_version.emplace_back(product, std::move(*version));
  }
}

// Read the manifest document; nullopt when it is not a mapping at all.
std::optional<Manifest> read_document(Reader& reader, const YAML::Node& root, const std::string& file,
                                      const std::filesystem::path& folder, Service& service) {
  Manifest manifest;
  manifest.file = file;
  manifest.where = {file, 0, 0};
  if (root.IsNull()) {
    reader.error(manifest.where, "is empty; expected a service manifest (version: 1, name, engines)");
    return std::nullopt;
  }
  if (!reader.mapping(root, "the manifest",
                      {"version", "name", "engines", "extensions", "min_server_version",
                       "migrations", "format", "app", "run", "cwd", "current", "heads", "url_scheme", "version_table"})) {
    return std::nullopt;
  }
  if (!reader.integer(root["version"], "version", 1, 1) && !root["version"]) {
    reader.error(root, "version is required (version: 1)");
  }
  if (auto name = reader.text(root["name"], "name")) {
    manifest.name = *name;
  } else if (!root["name"]) {
    reader.error(root, "name is required (the service's name)");
  }
  read_engines(reader, root, manifest);
  manifest.extensions = reader.text_list(root["extensions"], "extensions");
  read_minimums(reader, root["min_server_version"], manifest);
  manifest.app = reader.boolean(root["app"], "app");
  // Relative to the manifest; `none` for a service without.
  read_migrations(reader, root["migrations"], "migrations", folder,
                  {(folder / "migrations").lexically_normal(), manifest.where}, service);
  if (root["format"]) {
    if (service.format) {
      reader.error(service.format->where, "format: the service's manifest " + file + " gives its format; remove one");
    }
    read_format(reader, root["format"], "format", service);
  }
  read_command(reader, root, "", folder, service);
  return manifest;
}

} // namespace

void read_manifest(Reader& reader, const YAML::Node& node, const std::string& path,
                   const std::filesystem::path& dir, Service& service) {
  const YAML::Node path_node = node["path"];
  auto given = reader.text(path_node, path + ".path");
  if (!given) {
    if (path_node.IsNull()) {
      reader.error(path_node, path + ".path is empty; give the folder holding " +
                                  std::string(k_manifest_file));
    }
    return;
  }
  std::filesystem::path folder(given->value);
  folder = (folder.is_relative() ? dir / folder : folder).lexically_normal();
  service.path = Located<std::filesystem::path>{folder, given->where};
  std::error_code ec;
  auto status = std::filesystem::status(folder, ec);
  if (ec || !std::filesystem::exists(status)) {
    reader.error(given->where, path + ".path: " + folder.string() + " does not exist");
    return;
  }
  if (!std::filesystem::is_directory(status)) {
    reader.error(given->where, path + ".path: " + folder.string() + " is not a folder; give the "
                               "folder holding " + k_manifest_file);
    return;
  }
  std::string file = (folder / k_manifest_file).string();
  std::string message;
  std::optional<std::string> text = read_text_file(file, k_max_manifest_bytes, message);
  if (!text) {
    reader.error(given->where, path + ".path: " + file + ": " + message +
                                   (message == "no such file"
                                        ? " (a service referenced by path ships a manifest)"
                                        : ""));
    return;
  }
  Reader manifest_reader = reader.for_file(file, folder);
  std::optional<YAML::Node> root = manifest_reader.parse(*text);
  if (!root) {
    return;
  }
  std::optional<Manifest> manifest = read_document(manifest_reader, *root, file, folder, service);
  if (!manifest) {
    return;
  }
  if (!manifest->name.value.empty() && manifest->name.value != service.name) {
    reader.error(given->where, path + ".path: the manifest " + util::to_string(manifest->name.where) +
                                   " is service '" + util::printable(manifest->name.value) +
                                   "', not '" + service.name + "'; the topology's key and the "
                                   "manifest's name must match");
  }
  if (node["migrations"]) {
    reader.error(node["migrations"], path + ".migrations: the service's manifest " + file +
                                         " gives its migrations folder; remove this key");
  }
  if (manifest->app && manifest->app->value) {
    const YAML::Node app = node["app"];
    if (app.IsDefined() && !app.IsNull() && !service.app) {
      reader.error(app, path + ".app turns the app role off, but the service's manifest " +
                            util::to_string(manifest->app->where) + " says it needs one");
    } else if (!service.app) {
      service.app = RoleSpec{manifest->app->where, std::nullopt, std::nullopt};
    }
  }
  service.manifest = std::move(manifest);
}

} // namespace dbctl::topology::detail
