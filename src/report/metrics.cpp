#include "dbctl/report/metrics.hpp"

#include <cstdio>
#include <map>

namespace dbctl::report {

namespace {

// A label value with backslash, quote and newline escaped, as the text format wants.
std::string escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string labels_of(const Labels& labels) {
  std::string out;
  for (const auto& [key, value] : labels) {
    out += (out.empty() ? "{" : ",") + key + "=\"" + escaped(value) + "\"";
  }
  return out.empty() ? out : out + "}";
}

// The metrics text, a family at a time: HELP and TYPE once, then its samples.
class Writer {
public:
  void family(const std::string& name, const std::string& help) {
    m_out += "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n";
    m_name = name;
  }
  void sample(const Labels& labels, double value) { m_out += m_name + labels_of(labels) + " " + number(value) + "\n"; }
  std::string text() const { return m_out; }

private:
  std::string m_out;
  std::string m_name;
};

Labels run_labels(const RunMetrics& run) { return {{"command", run.command}, {"project", run.project}}; }

Labels target_labels(const RunMetrics& run, const targets::Target& target) {
  return {{"project", run.project},
          {"service", target.service},
          {"tenant", target.tenant.value_or("")},
          {"server", target.server->name}};
}

void run_families(Writer& out, const RunMetrics& run) {
  out.family("dbctl_run_duration_seconds", "Wall time of the last dbctl run of this command.");
  out.sample(run_labels(run), run.duration_seconds);
  out.family("dbctl_run_timestamp_seconds", "When the last dbctl run of this command ended (Unix time).");
  out.sample(run_labels(run), run.finished_at);
  out.family("dbctl_run_success", "Whether the last dbctl run of this command succeeded (1) or not (0).");
  out.sample(run_labels(run), run.success ? 1 : 0);
  if (run.last_success) {
    out.family("dbctl_last_success_timestamp_seconds", "When a dbctl run of this command last succeeded (Unix time).");
    out.sample(run_labels(run), *run.last_success);
  }
}

std::string result_name(const std::optional<ops::Outcome>& outcome) {
  if (!outcome) {
    return "not_started";
  }
  switch (outcome->result) {
  case ops::Result::migrated: return "migrated";
  case ops::Result::up_to_date: return "up_to_date";
  case ops::Result::checked: return "checked";
  case ops::Result::inspected: return "inspected";
  case ops::Result::failed: return "failed";
  case ops::Result::interrupted: return "interrupted";
  }
  return "failed";
}

} // namespace

std::string migrate_metrics(const RunMetrics& run, const std::vector<targets::Target>& selected,
                            const std::vector<std::optional<ops::Outcome>>& outcomes) {
  Writer out;
  run_families(out, run);
  std::map<std::string, std::size_t> by_result{{"migrated", 0}, {"up_to_date", 0}, {"failed", 0},
                                               {"interrupted", 0}, {"not_started", 0}};
  std::size_t applied = 0;
  for (const auto& outcome : outcomes) {
    ++by_result[result_name(outcome)];
    applied += outcome ? outcome->applied : 0;
  }
  out.family("dbctl_targets", "Targets of the last run by how their job ended.");
  for (const auto& [result, count] : by_result) {
    Labels labels = run_labels(run);
    labels.emplace_back("result", result);
    out.sample(labels, static_cast<double>(count));
  }
  out.family("dbctl_migrations_applied", "Migrations the last run applied, over all targets.");
  out.sample(run_labels(run), static_cast<double>(applied));
  struct PerTarget {
    const char* name;
    const char* help;
    double (*value)(const ops::Outcome&);
  };
  const PerTarget families[] = {
      {"dbctl_target_migrations_applied", "Migrations the last run applied to the target.",
       [](const ops::Outcome& o) { return static_cast<double>(o.applied); }},
      {"dbctl_target_duration_seconds", "Wall time of the target's job in the last run.",
       [](const ops::Outcome& o) { return static_cast<double>(o.duration_ms) / 1000.0; }},
      {"dbctl_target_lock_wait_seconds", "Time the target's job waited for its lock in the last run.",
       [](const ops::Outcome& o) { return static_cast<double>(o.lock_wait_ms) / 1000.0; }},
      {"dbctl_target_failed", "Whether the target failed in the last run (1) or not (0).",
       [](const ops::Outcome& o) { return o.result == ops::Result::failed ? 1.0 : 0.0; }},
  };
  for (const auto& family : families) {
    out.family(family.name, family.help);
    for (std::size_t i = 0; i < selected.size() && i < outcomes.size(); ++i) {
      if (outcomes[i]) {
        out.sample(target_labels(run, selected[i]), family.value(*outcomes[i]));
      }
    }
  }
  return out.text();
}

std::string status_metrics(const RunMetrics& run, const std::vector<StatusRow>& rows) {
  static const std::vector<std::string> states{"missing", "empty", "pending", "up-to-date", "failed",
                                               "drift",   "ahead", "schema-drift", "error"};
  Writer out;
  run_families(out, run);
  std::map<std::string, std::size_t> by_state;
  for (const auto& state : states) {
    by_state[state] = 0;
  }
  for (const auto& row : rows) {
    ++by_state[row.state ? migration::to_string(*row.state) : "error"];
  }
  out.family("dbctl_targets_by_state", "Targets in each state at the last status run.");
  for (const auto& [state, count] : by_state) {
    Labels labels{{"project", run.project}, {"state", state}};
    out.sample(labels, static_cast<double>(count));
  }
  auto labels_of_row = [&](const StatusRow& row) {
    return Labels{{"project", run.project}, {"service", row.service}, {"tenant", row.tenant.value_or("")},
                  {"server", row.server}};
  };
  out.family("dbctl_target_pending_migrations", "Migrations pending on the target at the last status run.");
  for (const auto& row : rows) {
    out.sample(labels_of_row(row), static_cast<double>(row.pending));
  }
  out.family("dbctl_target_state", "The target's state at the last status run: 1 for its state, 0 for the others.");
  for (const auto& row : rows) {
    std::string current = row.state ? migration::to_string(*row.state) : "error";
    for (const auto& state : states) {
      Labels labels = labels_of_row(row);
      labels.emplace_back("state", state);
      out.sample(labels, state == current ? 1 : 0);
    }
  }
  return out.text();
}

std::optional<double> last_success_in(const std::string& text, const std::string& command) {
  std::string prefix = "dbctl_last_success_timestamp_seconds{command=\"" + escaped(command) + "\",";
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    if (at != 0 && text[at - 1] != '\n') {
      continue;
    }
    std::size_t end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    std::size_t space = line.rfind(' ');
    try {
      return std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

} // namespace dbctl::report
