// Reads tenants from `tenants:` or from a tenants file.
#include "sections.hpp"

#include "dbctl/topology/load.hpp"

#include "dbctl/util/text.hpp"

#include <sstream>

namespace dbctl::topology::detail {

namespace {

// Split "acme pg-eu" into the tenant and its server.
std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  std::string word;
  while (in >> word) {
    out.push_back(word);
  }
  return out;
}

void add_tenant(Reader& reader, Tenant tenant, Topology& topology) {
  if (const Tenant* existing = topology.find_tenant(tenant.name)) {
    reader.error(tenant.where, "tenant '" + util::printable(tenant.name) +
                                   "' is listed twice (first at " +
                                   util::to_string(existing->where) + ")");
    return;
  }
  topology.tenants.push_back(std::move(tenant));
}

// A tenant given as one scalar: "acme" or "acme pg-eu".
void add_tenant_words(Reader& reader, const Located<std::string>& line, Topology& topology) {
  std::vector<std::string> parts = words(line.value);
  if (parts.empty() || parts.size() > 2) {
    reader.error(line.where, "a tenant is 'name' or 'name server', not '" +
                                 util::printable(line.value) + "'");
    return;
  }
  Tenant tenant{parts[0], line.where, std::nullopt};
  if (parts.size() == 2) {
    tenant.server = Located<std::string>{parts[1], line.where};
  }
  add_tenant(reader, std::move(tenant), topology);
}

} // namespace

void read_tenant_list(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (node.IsNull()) {
    return;
  }
  if (!node.IsSequence()) {
    reader.error(node, "topology.tenants must be a list of tenants");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    std::string path = "topology.tenants[" + std::to_string(i) + "]";
    if (item.IsMap()) {
      if (!reader.mapping(item, path, {"name", "server", "canary"})) {
        continue;
      }
      auto name = reader.text(item["name"], path + ".name");
      if (!name) {
        reader.error(item, path + ".name is required");
        continue;
      }
      auto canary = reader.boolean(item["canary"], path + ".canary");
      add_tenant(reader,
                 Tenant{name->value, name->where, reader.text(item["server"], path + ".server"),
                        canary && canary->value},
                 topology);
    } else if (auto line = reader.text(item, path)) {
      add_tenant_words(reader, *line, topology);
    } else if (item.IsNull()) {
      reader.error(item, path + " is empty");
    }
  }
}

void read_tenants_file(Reader& reader, const Located<std::string>& path, Topology& topology) {
  std::filesystem::path file(path.value);
  if (file.is_relative()) {
    file = topology.dir / file;
  }
  file = file.lexically_normal();
  std::string message;
  std::optional<std::string> text = read_text_file(file, k_max_tenants_file_bytes, message);
  if (!text) {
    reader.error(path.where, "topology.tenants_file: " + file.string() + ": " + message);
    return;
  }
  std::istringstream in(*text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::size_t hash = line.find('#');
    if (hash != std::string::npos) {
      line.erase(hash);
    }
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (words(line).empty()) {
      continue;
    }
    std::size_t column = line.find_first_not_of(" \t");
    add_tenant_words(reader,
                     Located<std::string>{line, {file.string(), number, static_cast<int>(column) + 1}},
                     topology);
  }
}

} // namespace dbctl::topology::detail
