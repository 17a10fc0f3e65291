// Can a server host the services placed on it? Checked before init or plan changes anything.
#include "dbctl/provision/provision.hpp"

#include <cctype>
#include <optional>
#include <set>
#include <utility>

namespace dbctl::provision {

namespace {

// The leading numbers of a version: "15.4 (Debian ...)" -> 15, 4.
std::vector<long> numbers_of(std::string_view text) {
  std::vector<long> out;
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
    long value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
      value = value * 10 + (text[i] - '0');
      if (value > 1'000'000'000L) {
        value = 1'000'000'000L;
      }
      ++i;
    }
    out.push_back(value);
    if (i + 1 < text.size() && text[i] == '.' && std::isdigit(static_cast<unsigned char>(text[i + 1])) != 0) {
      ++i;
    } else {
      break;
    }
  }
  return out;
}

std::string product_name(const std::string& product) {
  if (product == "postgres") {
    return "PostgreSQL";
  }
  return product == "mariadb" ? "MariaDB" : "MySQL";
}

// Where an extension of a service was asked for: the topology's list or the manifest's.
std::string asked_at(const topology::Service& service, const std::string& extension) {
  for (const auto& listed : service.extensions) {
    if (listed.value == extension) {
      return util::to_string(listed.where);
    }
  }
  if (service.manifest) {
    for (const auto& listed : service.manifest->extensions) {
      if (listed.value == extension) {
        return util::to_string(listed.where);
      }
    }
  }
  return util::to_string(service.where);
}

} // namespace

bool version_at_least(std::string_view server_version, std::string_view required) {
  std::vector<long> have = numbers_of(server_version);
  std::vector<long> need = numbers_of(required);
  if (have.empty()) {
    return false;
  }
  std::size_t n = std::max(have.size(), need.size());
  have.resize(n, 0);
  need.resize(n, 0);
  return have >= need;
}

std::vector<util::Diagnostic> check_hosting(engine::AdminSession& session,
                                            const topology::Topology& topology,
                                            const targets::TargetRefs& selected) {
  util::Diagnostics out;
  const engine::AdminInfo& admin = session.info();
  std::set<std::string> versions_checked;
  std::set<std::pair<std::string, std::string>> extensions_reported;
  std::optional<std::map<std::string, engine::AvailableExtension>> available; // read when needed
  if (admin.galera && !selected.empty() && selected.front().server->lock != topology::LockStrategy::table) {
    out.error(selected.front().server->where, engine::galera_needs_lease(*selected.front().server));
  }
  for (const auto& target : selected) {
    const topology::Service* service = topology.find_service(target.service);
    if (service == nullptr) {
      continue;
    }
    std::string server = "server '" + target.server->name + "'";
    if (service->manifest && versions_checked.insert(service->name).second) {
      const auto* minimum = service->manifest->minimum(admin.product);
      if (minimum != nullptr && !version_at_least(admin.server_version, minimum->value)) {
        out.error(target.placed_at, "services." + service->name + " needs " +
                                        product_name(admin.product) + " " + minimum->value +
                                        " or newer (manifest " + util::to_string(minimum->where) +
                                        "), but " + server + " runs " + admin.server_version);
      }
    }
    for (const auto& extension : target.extensions) {
      if (session.converge(engine::ExtensionSpec{target.database, extension}).empty()) {
        continue; // already in the target's database
      }
      if (!available) {
        available = session.available_extensions();
      }
      auto found = available->find(extension);
      std::string problem;
      if (found == available->end()) {
        problem = "which " + server + " does not have: it is not in pg_available_extensions "
                  "(install the package that provides it on the server)";
      } else if (found->second.superuser && !found->second.trusted && !admin.superuser) {
        problem = "which only a superuser may create, and admin '" + admin.user + "' of " + server +
                  " is not one: have a superuser run CREATE EXTENSION " + extension + " in database '" +
                  target.database + "' once, or give dbctl a superuser admin";
      }
      if (!problem.empty() && extensions_reported.emplace(service->name, extension).second) {
        out.error(target.placed_at, "services." + service->name + " needs extension '" + extension +
                                        "' (" + asked_at(*service, extension) + "), " + problem);
      }
    }
  }
  return out.errors();
}

} // namespace dbctl::provision
