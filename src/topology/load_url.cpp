// The topology of one database named by a URL: what `--url` (or DATABASE_URL) works on.
#include "dbctl/topology/load.hpp"

#include "dbctl/util/url.hpp"

namespace dbctl::topology {

namespace {

// `-csearch_path=acme` (or `-c search_path=acme`) in a libpq options parameter.
std::optional<std::string> search_path_of(const std::vector<std::pair<std::string, std::string>>& query) {
  for (const auto& [key, value] : query) {
    std::size_t at = key == "options" ? value.find("search_path=") : std::string::npos;
    if (at != std::string::npos) {
      std::string path = value.substr(at + 12);
      return path.substr(0, path.find_first_of(", "));
    }
  }
  return std::nullopt;
}

} // namespace

LoadResult load_url(const std::string& text, const std::string& dir, const std::optional<std::string>& service_name) {
  LoadResult out;
  const Location at{"--url", 0, 0};
  auto fail = [&](const std::string& why) {
    out.diagnostics.error({}, "--url (or DATABASE_URL) " + why);
    return std::move(out);
  };
  util::ParsedUrl parsed = util::parse_url(text);
  if (!parsed.url) {
    return fail("is not a valid database URL: " + parsed.error);
  }
  const util::Url& url = *parsed.url;
  std::optional<Engine> engine = engine_of_scheme(url.scheme);
  if (!engine) {
    return fail("has scheme '" + url.scheme + "'; expected postgres://, postgresql://, mysql:// or mariadb://");
  }
  if (url.path.empty() || url.user.empty()) {
    return fail("must name a user and a database: scheme://user:password@host:port/database");
  }
  Topology topology;
  topology.file = "--url";
  topology.dir = ".";
  topology.names_as_given = true;
  topology.mode = Located<Mode>{Mode::db_per_service, at};
  Server server;
  server.name = "db";
  server.where = at;
  server.engine = Located<Engine>{*engine, at};
  server.host = url.host.empty() ? "127.0.0.1" : url.host;
  server.port = url.port.value_or(*engine == Engine::postgres ? 5432 : 3306);
  server.admin_database = url.path;
  server.options = url.query; // no admin user: dbctl acts as the URL's user, the owner
  Service service;
  service.name = service_name.value_or(url.path);
  service.where = at;
  server.application_name = "dbctl:" + service.name;
  topology.servers.push_back(std::move(server));
  service.database = Located<std::string>{url.path, at};
  service.owner.where = at;
  service.owner.name = Located<std::string>{url.user, at};
  if (url.password) {
    service.owner.password = Located<Secret>{Secret(*url.password), at};
    topology.secrets.emplace_back(*url.password);
  }
  if (std::optional<std::string> schema = search_path_of(url.query); schema && *engine == Engine::postgres) {
    service.schema = Located<std::string>{*schema, at};
  }
  service.migrations = Located<std::filesystem::path>{dir.empty() ? "migrations" : dir, {"--dir", 0, 0}};
  topology.services.push_back(std::move(service));
  out.topology = std::move(topology);
  return out;
}

} // namespace dbctl::topology
