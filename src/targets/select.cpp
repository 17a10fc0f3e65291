#include "dbctl/targets/expand.hpp"

#include "dbctl/util/error.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>

namespace dbctl::targets {

namespace {

template <typename T> std::vector<std::string> names_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    out.push_back(item.name);
  }
  return out;
}

void require_known(const std::vector<std::string>& wanted, const std::vector<std::string>& known,
                   const std::string& option, const std::string& what) {
  for (const auto& name : wanted) {
    if (std::find(known.begin(), known.end(), name) != known.end()) {
      continue;
    }
    std::string message = option + " " + util::printable(name) + ": the topology has no " + what +
                          " of that name";
    if (auto suggestion = util::closest(name, known)) {
      message += " (did you mean '" + *suggestion + "'?)";
    }
    throw UsageError(message);
  }
}

bool matches(const std::vector<std::string>& wanted, const std::string& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

} // namespace

std::vector<Target> select(const std::vector<Target>& targets, const Selection& selection,
                           const topology::Topology& topology) {
  require_known(selection.services, names_of(topology.services), "--service", "service");
  require_known(selection.servers, names_of(topology.servers), "--server", "server");
  if (!selection.tenants.empty() &&
      !(topology.mode && topology.mode->value == topology::Mode::multi_tenant)) {
    throw UsageError("--tenant applies to multi-tenant topologies only");
  }
  require_known(selection.tenants, names_of(topology.tenants), "--tenant", "tenant");
  std::vector<Target> out;
  out.reserve(targets.size()); // most runs select everything: one copy, not a growing one
  for (const auto& target : targets) {
    bool tenant_ok = selection.tenants.empty() ||
                     (target.tenant && matches(selection.tenants, *target.tenant));
    if (tenant_ok && matches(selection.services, target.service) &&
        matches(selection.servers, target.server->name)) {
      out.push_back(target);
    }
  }
  return out;
}

} // namespace dbctl::targets
