// Reads the keys of `format: command`: the program that migrates a service, and how dbctl asks
// where its database stands.
#include "sections.hpp"

#include "dbctl/util/text.hpp"

namespace dbctl::topology::detail {

namespace {

// An argv, as run: and current: take it.
std::optional<Located<std::vector<std::string>>> read_argv(Reader& reader, const YAML::Node& node,
                                                           const std::string& path) {
  return reader.argv(node, path, "[\"alembic\", \"upgrade\", \"head\"]");
}

// url_scheme: a scheme for every engine, or {postgres: ..., mysql: ...}.
void read_url_scheme(Reader& reader, const YAML::Node& node, const std::string& path, CommandRunner& command) {
  auto check = [&](const Located<std::string>& scheme) {
    bool ok = !scheme.value.empty() && std::isalpha(static_cast<unsigned char>(scheme.value[0])) != 0;
    for (char c : scheme.value) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.');
    }
    if (!ok) {
      reader.error(scheme.where, path + ": '" + util::printable(scheme.value) +
                                     "' is not a URL scheme (letters, digits, + - .), e.g. postgresql+psycopg2");
    }
    return ok;
  };
  if (node.IsScalar()) {
    if (auto scheme = reader.text(node, path); scheme && check(*scheme)) {
      command.url_scheme = {{Engine::postgres, *scheme}, {Engine::mysql, *scheme}};
    }
    return;
  }
  if (!reader.mapping(node, path, {"postgres", "mysql"})) {
    return;
  }
  for (auto [key, engine] : {std::pair{"postgres", Engine::postgres}, std::pair{"mysql", Engine::mysql}}) {
    if (auto scheme = reader.text(node[key], path + "." + key); scheme && check(*scheme)) {
      command.url_scheme.emplace_back(engine, *scheme);
    }
  }
}

} // namespace

void read_command(Reader& reader, const YAML::Node& node, const std::string& prefix,
                  const std::filesystem::path& base, Service& service) {
  CommandRunner& command = service.command;
  auto given = [&](const char* key, bool already) {
    if (!node[key]) {
      return false;
    }
    if (already) {
      reader.error(node[key], prefix + key + ": both the service's entry and its manifest give it; remove one");
      return false;
    }
    return true;
  };
  if (given("run", command.run_given)) {
    command.run_given = true;
    command.run = read_argv(reader, node["run"], prefix + "run");
  }
  if (given("cwd", command.cwd.has_value())) {
    if (auto cwd = reader.text(node["cwd"], prefix + "cwd")) {
      std::filesystem::path folder(cwd->value);
      command.cwd = Located<std::filesystem::path>{(folder.is_relative() ? base / folder : folder).lexically_normal(),
                                                   cwd->where};
    }
  }
  if (given("current", command.alembic || command.current.has_value())) {
    const YAML::Node current = node["current"];
    command.current_where = reader.at(current);
    if (current.IsScalar() && current.Scalar() == "alembic") {
      command.alembic = true;
    } else if (current.IsScalar()) {
      reader.error(current, prefix + "current must be alembic or a program's argv (a list), not '" +
                                util::printable(current.Scalar()) + "'");
    } else {
      command.current = read_argv(reader, current, prefix + "current");
    }
  }
  if (given("version_table", command.version_table.has_value())) {
    command.version_table = reader.text(node["version_table"], prefix + "version_table");
    if (command.version_table && !util::is_identifier(command.version_table->value)) {
      reader.error(command.version_table->where, prefix + "version_table: '" +
                                                     util::printable(command.version_table->value) +
                                                     "' is not a table name ([A-Za-z_][A-Za-z0-9_]*)");
    }
  }
  if (given("heads", command.heads.has_value())) {
    command.heads = read_argv(reader, node["heads"], prefix + "heads");
  }
  if (given("url_scheme", !command.url_scheme.empty())) {
    read_url_scheme(reader, node["url_scheme"], prefix + "url_scheme", command);
  }
}

void check_command(Reader& reader, const std::string& prefix, Service& service) {
  const CommandRunner& command = service.command;
  if (service.runs_command()) {
    if (!command.run_given) {
      reader.error(service.format->where, prefix + "format: command needs run: [program, args...], e.g. run: "
                                                   "[\"alembic\", \"upgrade\", \"head\"]");
    }
    if (command.heads && command.alembic) {
      reader.error(command.heads->where, prefix + "heads: current: alembic asks `alembic heads`; remove heads:");
    }
    if (command.version_table && !command.alembic) {
      reader.error(command.version_table->where, prefix + "version_table: serves current: alembic");
    }
    if (command.heads && !command.current) {
      reader.error(command.heads->where, prefix + "heads: needs current: [program, ...] beside it");
    }
    return;
  }
  std::string format = service.format ? std::string(to_string(service.format->value)) : "flyway";
  auto refuse = [&](const char* key, const Location& where) {
    reader.error(where, prefix + key + ": only a service with format: command runs a program (this one's format is " +
                            format + ")");
  };
  if (command.run) {
    refuse("run", command.run->where);
  } else if (command.run_given) {
    refuse("run", service.where);
  }
  if (command.cwd) {
    refuse("cwd", command.cwd->where);
  }
  if (command.alembic || command.current) {
    refuse("current", command.current_where);
  }
  if (command.heads) {
    refuse("heads", command.heads->where);
  }
  if (command.version_table) {
    refuse("version_table", command.version_table->where);
  }
  if (!command.url_scheme.empty()) {
    refuse("url_scheme", command.url_scheme.front().second.where);
  }
}

} // namespace dbctl::topology::detail
