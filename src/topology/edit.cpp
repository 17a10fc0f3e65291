#include "dbctl/topology/edit.hpp"

#include <algorithm>
#include <cctype>

#include <yaml-cpp/yaml.h>

namespace dbctl::topology {

namespace {

// A YAML scalar as written: plain when it cannot be mistaken for anything else, else quoted.
std::string scalar(const std::string& value) {
  bool plain = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '/' ||
           c == '-';
  }) && value.front() != '-';
  if (plain) {
    return value;
  }
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

std::optional<YAML::Node> parse(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

// The `services:` key and value of a parsed top-level mapping, and the 0-based line of the
// top-level key after it (-1 when it is the last).
struct ServicesBlock {
  YAML::Node value;
  int key_line = -1;
  int next_line = -1;
};

std::optional<ServicesBlock> find_services(const YAML::Node& root) {
  if (!root.IsMap()) {
    return std::nullopt;
  }
  ServicesBlock out;
  for (const auto& entry : root) {
    if (entry.first.IsScalar() && entry.first.Scalar() == "services") {
      out.value = entry.second;
      out.key_line = entry.first.Mark().line;
    }
  }
  if (out.key_line < 0) {
    return std::nullopt;
  }
  for (const auto& entry : root) {
    int line = entry.first.Mark().line;
    if (line > out.key_line && (out.next_line < 0 || line < out.next_line)) {
      out.next_line = line;
    }
  }
  return out;
}

// The 0-based line the new entry goes before: after the block's last line of its own. Blank
// lines and comments indented less than the entries belong to what follows.
int insertion_line(const std::vector<std::string>& lines, const ServicesBlock& block, int indent) {
  int at = block.next_line < 0 ? static_cast<int>(lines.size()) : block.next_line;
  while (at > block.key_line + 1) {
    const std::string& line = lines[static_cast<std::size_t>(at - 1)];
    std::size_t first = line.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || (line[first] == '#' && static_cast<int>(first) < indent) ||
        line.compare(first, 3, "---") == 0 || line.compare(first, 3, "...") == 0) {
      --at;
      continue;
    }
    break;
  }
  return at;
}

} // namespace

std::string manifest_text(const std::string& service, const std::vector<Engine>& engines, bool app) {
  std::string list;
  for (Engine engine : engines) {
    list += (list.empty() ? "" : ", ") + std::string(to_string(engine));
  }
  return "# What service " + service + " needs from its database. The project's topology decides\n"
         "# where it lives (services: { " + service + ": { path: <this folder> } }); dbctl validate,\n"
         "# plan and init check each placement against this file.\n"
         "version: 1\n"
         "name: " + service + "\n"
         "engines: [" + list + "]     # the engines this service's SQL supports: postgres, mysql\n"
         "extensions: []              # PostgreSQL extensions it needs, e.g. [pgcrypto]\n"
         "# min_server_version: { postgres: \"14\", mariadb: \"10.6\", mysql: \"8.0\" }\n"
         "migrations: migrations      # its V<n>__<description>.sql files, relative to this file\n"
         "app: " + std::string(app ? "true" : "false") +
         "                   # it connects at run time as a separate role with DML rights only\n";
}

std::string service_entry(const std::string& service, const std::string& folder,
                          const std::string& server) {
  return service + ": { path: " + scalar(folder) + (server.empty() ? "" : ", server: " + scalar(server)) +
         " }";
}

std::optional<std::string> add_service_entry(const std::string& text, const std::string& service,
                                             const std::string& entry) {
  std::optional<YAML::Node> root = parse(text);
  if (!root) {
    return std::nullopt;
  }
  std::optional<ServicesBlock> block = find_services(*root);
  if (!block || !block->value.IsMap() || block->value.size() == 0 ||
      block->value.Style() == YAML::EmitterStyle::Flow) {
    return std::nullopt;
  }
  const YAML::Node services = block->value;
  if (services[service]) {
    return std::nullopt;
  }
  int indent = services.begin()->first.Mark().column;
  // Lines with their ends.
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(at, end - at));
    at = end;
  }
  std::string newline = text.find("\r\n") != std::string::npos ? "\r\n" : "\n";
  int insert_at = insertion_line(lines, *block, indent);
  if (insert_at > 0 && !lines[static_cast<std::size_t>(insert_at - 1)].empty() &&
      lines[static_cast<std::size_t>(insert_at - 1)].back() != '\n') {
    lines[static_cast<std::size_t>(insert_at - 1)] += newline;
  }
  lines.insert(lines.begin() + insert_at, std::string(static_cast<std::size_t>(indent), ' ') + entry + newline);
  std::string out;
  for (const auto& line : lines) {
    out += line;
  }
  // The result must hold every service it held, plus this one, and the same top-level keys.
  std::optional<YAML::Node> check = parse(out);
  std::optional<ServicesBlock> after = check ? find_services(*check) : std::nullopt;
  if (!after || check->size() != root->size()) {
    return std::nullopt;
  }
  const YAML::Node now = after->value;
  if (!now.IsMap() || now.size() != services.size() + 1 || !now[service]) {
    return std::nullopt;
  }
  for (const auto& old_entry : services) {
    if (!now[old_entry.first.Scalar()]) {
      return std::nullopt;
    }
  }
  return out;
}

} // namespace dbctl::topology
