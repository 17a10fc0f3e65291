#include "dbctl/report/migrate.hpp"

#include "json.hpp"

#include "dbctl/util/text.hpp"

#include <map>

namespace dbctl::report {

using detail::Json;

namespace detail {

Json target_doc(const targets::Target& target) {
  return {{"target", target.key()},
          {"service", target.service},
          {"tenant", or_null(target.tenant)},
          {"server", target.server->name},
          {"database", target.database},
          {"schema", or_null(target.schema)}};
}

Json outcomes_doc(const std::vector<targets::Target>& selected,
                  const std::vector<std::optional<ops::Outcome>>& outcomes) {
  Json out = Json::array();
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    Json item = target_doc(selected[i]);
    const std::optional<ops::Outcome>& outcome = outcomes[i];
    if (!outcome) {
      item["result"] = "not started";
    } else {
      item["result"] = result_name(outcome->result);
      item["applied"] = outcome->applied;
      item["version"] = or_null(outcome->version);
      item["duration_ms"] = outcome->duration_ms;
      item["notices"] = outcome->notices;
      if (!outcome->error.empty()) {
        item["error"] = outcome->error;
      }
      if (!outcome->failovers.empty()) {
        item["failovers"] = failovers_doc(outcome->failovers);
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

Json failovers_doc(const std::vector<ops::Failover>& failovers) {
  Json out = Json::array();
  for (const auto& failover : failovers) {
    out.push_back({{"server", failover.server}, {"error", failover.error}, {"waited_ms", failover.waited_ms}});
  }
  return out;
}

} // namespace detail

std::string failovers_note(const std::vector<ops::Failover>& failovers) {
  std::string out;
  for (const auto& failover : failovers) {
    out += (out.empty() ? " (after a failover of " : "; another of ") + failover.server + ": " +
           util::format_duration(failover.waited_ms) + " without a primary";
  }
  return out.empty() ? out : out + ")";
}

std::string result_name(ops::Result result) {
  switch (result) {
  case ops::Result::migrated: return "migrated";
  case ops::Result::up_to_date: return "up to date";
  case ops::Result::checked: return "checked";
  case ops::Result::inspected: return "inspected";
  case ops::Result::failed: return "failed";
  case ops::Result::interrupted: return "interrupted";
  }
  return "failed";
}

namespace {
std::string outcome_words(const ops::Outcome& outcome) {
  std::string at = outcome.version ? " (at version " + *outcome.version + ")" : "";
  switch (outcome.result) {
  case ops::Result::checked: {
    if (outcome.would_apply.empty()) {
      return "up to date" + at;
    }
    std::string list;
    for (const auto& script : outcome.would_apply) {
      list += (list.empty() ? "" : ", ") + script;
    }
    return "would apply " + list;
  }
  case ops::Result::migrated:
    if (!outcome.ran.empty()) {
      return "ran " + outcome.ran + at;
    }
    return "applied " + std::to_string(outcome.applied) + " migration" + (outcome.applied == 1 ? "" : "s") + at;
  case ops::Result::up_to_date: return "up to date" + at;
  default: return result_name(outcome.result);
  }
}
} // namespace

std::string outcome_line(const ops::Outcome& outcome) { return outcome_words(outcome) + failovers_note(outcome.failovers); }

std::string migrate_summary(const std::string& verb, const std::vector<targets::Target>& selected,
                            const std::vector<std::optional<ops::Outcome>>& outcomes, long long total_ms,
                            bool color) {
  std::map<std::string, std::size_t> counts; // by name: the lines come in alphabetical order
  std::string failed;
  std::optional<std::size_t> slowest;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i]) {
      ++counts["not started"];
      continue;
    }
    ++counts[result_name(outcomes[i]->result)];
    if (outcomes[i]->result == ops::Result::failed) {
      failed += (failed.empty() ? "" : ", ") + selected[i].key();
    }
    if (!slowest || outcomes[i]->duration_ms > outcomes[*slowest]->duration_ms) {
      slowest = i;
    }
  }
  std::string out;
  const std::string failed_name = result_name(ops::Result::failed);
  if (outcomes.size() > 1 || counts.count(failed_name) != 0) {
    for (const auto& [name, n] : counts) {
      bool red = color && name == failed_name;
      out += verb + ": " + (red ? "\033[31m" : "") + std::to_string(n) + " " + name +
             (name == failed_name ? ": " + failed : "") + (red ? "\033[0m" : "") + "\n";
    }
  }
  if (outcomes.size() > 1 && slowest) {
    out += verb + ": " + std::to_string(outcomes.size()) + " targets in " + util::format_duration(total_ms) +
           "; slowest " + selected[*slowest].key() + " (" +
           util::format_duration(outcomes[*slowest]->duration_ms) + ")\n";
  }
  return out;
}

std::string migrate_json(const std::vector<targets::Target>& selected,
                         const std::vector<std::optional<ops::Outcome>>& outcomes) {
  return detail::dump(detail::outcomes_doc(selected, outcomes));
}

std::string up_json(const std::vector<ops::ServerReady>& ready, const std::vector<ops::ServerStatements>& applied,
                    const std::vector<targets::Target>& selected,
                    const std::vector<std::optional<ops::Outcome>>& outcomes, long long duration_ms) {
  return detail::dump({{"wait", detail::wait_doc(ready)},
                       {"init", detail::statements_doc(applied)},
                       {"migrate", detail::outcomes_doc(selected, outcomes)},
                       {"duration_ms", duration_ms}});
}

} // namespace dbctl::report
