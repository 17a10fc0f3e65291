#include "dbctl/ops/schema.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace dbctl::ops {

void SchemaModels::keep(const std::string& sha256, engine::SchemaModel model) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_models.emplace(sha256, std::move(model));
}

const engine::SchemaModel& SchemaModels::at(const std::string& sha256) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_models.at(sha256); // a map's elements stay where they are while others are added
}

SchemaCheck check_record(const targets::Target& target, const std::optional<std::string>& current_version,
                         const engine::SchemaModel& live, const std::string& sha256,
                         const std::optional<engine::SchemaRecord>& record) {
  SchemaCheck check;
  check.sha256 = sha256;
  if (!record) {
    check.issues.push_back("no schema recorded yet: the next migrate that applies a file records it (dbctl repair "
                           "records the schema as it is)");
    return check;
  }
  std::string at = record->service + (record->version.empty() ? "" : " " + record->version);
  // A schema shared by services holds one record: the last service's migrate wrote it, and it
  // describes the whole schema. A record of this service at another version says nothing.
  if (record->service == target.service && record->version != current_version.value_or("")) {
    check.issues.push_back("schema recorded at " + at + ", not at the current version: a migrate that applies a file "
                           "records it again (dbctl repair records the schema as it is)");
    return check;
  }
  if (record->sha256 != check.sha256) {
    check.drift = true;
    check.issues.push_back("schema differs from the one recorded after " + at + ": " +
                           engine::describe(engine::diff(record->model, live)));
  }
  return check;
}

void compare_fleet(const std::vector<FleetMember>& members, const SchemaModels& models,
                   std::vector<SchemaCheck*>& checks) {
  using Group = std::pair<std::string, std::string>; // service, version
  std::map<Group, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < members.size(); ++i) {
    groups[{members[i].target->service, members[i].version.value_or("")}].push_back(i);
  }
  for (const auto& [group, indexes] : groups) {
    if (indexes.size() < 3) {
      continue; // two that differ: neither is the odd one out
    }
    std::map<std::string, std::size_t> counts;
    for (std::size_t i : indexes) {
      ++counts[members[i].sha256];
    }
    auto most = std::max_element(counts.begin(), counts.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    bool unique = std::count_if(counts.begin(), counts.end(),
                                [&](const auto& count) { return count.second == most->second; }) == 1;
    if (counts.size() == 1 || !unique || most->second < 2) {
      continue;
    }
    const engine::SchemaModel& usual = models.at(most->first);
    std::string at = group.first + (group.second.empty() ? "" : " at " + group.second);
    for (std::size_t i : indexes) {
      if (members[i].sha256 == most->first) {
        continue;
      }
      checks[i]->drift = true;
      checks[i]->issues.push_back("differs from " + std::to_string(most->second) + " other" +
                                  (most->second == 1 ? "" : "s") + " of " + at + ": " +
                                  engine::describe(engine::diff(usual, models.at(members[i].sha256))));
    }
  }
}

} // namespace dbctl::ops
