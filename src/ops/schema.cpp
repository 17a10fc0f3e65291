#include "dbctl/ops/schema.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <tuple>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

void SchemaModels::keep(const std::string& sha256, engine::SchemaModel model) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_models.emplace(sha256, std::move(model));
}

bool SchemaModels::has(const std::string& sha256) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_models.count(sha256) != 0;
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

namespace {

// From this many schemas of one database on, their tokens are read in one query.
constexpr std::size_t k_tokens_together = 16;

std::string database_key(const targets::Target& target) { return target.server->name + "\n" + target.database; }

} // namespace

SchemaTokens::SchemaTokens(const std::vector<targets::Target>& selected, const engine::Registry& registry) {
  std::map<std::string, std::pair<const targets::Target*, std::set<std::string>>> schemas;
  for (const auto& target : selected) {
    if (target.schema) {
      auto& database = schemas[database_key(target)];
      database.first = database.first != nullptr ? database.first : &target;
      database.second.insert(*target.schema);
    }
  }
  for (const auto& [key, database] : schemas) {
    if (database.second.size() < k_tokens_together) {
      continue;
    }
    const targets::Target* target = database.first;
    std::vector<std::string> names(database.second.begin(), database.second.end());
    ++m_held[target->server]; // its own connection, within the server's max_connections
    m_read.emplace(key, std::async(std::launch::async, [&registry, target, names]() {
                          try {
                            return registry.get(target->engine()).target(*target)->schema_states(names);
                          } catch (const std::exception& e) {
                            spdlog::debug("{}: the schema tokens of its database were not read together ({}): each "
                                          "target reads its own", target->key(), e.what());
                            return std::map<std::string, engine::SchemaState>{};
                          }
                        }).share());
  }
}

SchemaTokens::~SchemaTokens() {
  for (auto& [key, read] : m_read) {
    read.wait();
  }
}

bool SchemaTokens::together(const targets::Target& target) const {
  return target.schema && m_read.count(database_key(target)) != 0;
}

std::optional<engine::SchemaState> SchemaTokens::of(const targets::Target& target) const {
  if (!together(target)) {
    return std::nullopt;
  }
  const auto& states = m_read.at(database_key(target)).get();
  auto state = states.find(*target.schema);
  return state == states.end() ? std::nullopt : std::optional<engine::SchemaState>(state->second);
}

bool token_stands(const std::string& token, const std::optional<engine::SchemaRecord>& record) {
  return !token.empty() && record && record->token == token;
}

std::optional<SchemaCheck> trusted_check(const targets::Target& target, const std::optional<std::string>& current_version,
                                         const std::string& token, const std::optional<engine::SchemaRecord>& record,
                                         const SchemaModels& models) {
  if (!token_stands(token, record) || !models.has(record->sha256)) {
    return std::nullopt;
  }
  // Not one catalog row the model is read from changed since the record: the live schema is
  // the recorded one.
  spdlog::debug("{}: schema as recorded (its catalog token is the recorded one): no definition read", target.key());
  return check_record(target, current_version, engine::SchemaModel{}, record->sha256, record);
}

SchemaCheck check_schema(engine::TargetSession& session, const targets::Target& target,
                         const std::optional<std::string>& current_version, const std::string& token,
                         SchemaModels& models) {
  std::optional<engine::SchemaRecord> record = session.read_schema_record(false);
  if (token_stands(token, record) && !models.has(record->sha256)) {
    // The first target of a fingerprint whose token stands reads the record's model for the
    // fleet comparison (unless a migrate recorded anew in between).
    std::optional<engine::SchemaRecord> whole = session.read_schema_record(true);
    if (whole && whole->sha256 == record->sha256) {
      models.keep(whole->sha256, std::move(whole->model));
    }
  }
  if (auto trusted = trusted_check(target, current_version, token, record, models)) {
    return *trusted;
  }
  engine::SchemaModel live = session.read_schema();
  std::string sha256 = engine::fingerprint(live);
  if (record && record->sha256 != sha256) {
    record = session.read_schema_record(true); // its model names what differs
  }
  SchemaCheck check = check_record(target, current_version, live, sha256, record);
  models.keep(sha256, std::move(live));
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
