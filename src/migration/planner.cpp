#include "dbctl/migration/planner.hpp"

#include <algorithm>
#include <map>

namespace dbctl::migration {

std::string to_string(State state) {
  switch (state) {
  case State::missing:
    return "missing";
  case State::empty:
    return "empty";
  case State::pending:
    return "pending";
  case State::up_to_date:
    return "up-to-date";
  case State::failed:
    return "failed";
  case State::drift:
    return "drift";
  case State::ahead:
    return "ahead";
  case State::schema_drift:
    return "schema-drift";
  }
  return "?";
}

namespace {

using VersionedRow = std::pair<Version, const HistoryRow*>;

bool version_less(const VersionedRow& a, const VersionedRow& b) { return a.first < b.first; }

struct Applied {
  std::vector<VersionedRow> versions; ///< by version, one row each (the latest)
  std::map<std::string, const HistoryRow*> repeatables; ///< script -> latest successful row
  std::vector<const HistoryRow*> failed;
  std::optional<Version> newest;
  std::optional<Version> baseline;
  std::size_t count = 0;

  bool has(const Version& version) const {
    auto found = std::lower_bound(versions.begin(), versions.end(), VersionedRow{version, nullptr},
                                  version_less);
    return found != versions.end() && found->first == version;
  }
};

// Sorted vectors and binary searches throughout: thousands of rows and files are compared on
// every run, so no step may be quadratic or allocate per comparison.
Applied read_history(const std::vector<HistoryRow>& history, const std::string& service) {
  std::vector<const HistoryRow*> rows;
  for (const auto& row : history) {
    if (row.service == service) {
      rows.push_back(&row);
    }
  }
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) { return a->rank < b->rank; });
  Applied out;
  for (const HistoryRow* row : rows) {
    if (row->type == RowType::command) {
      continue; // a run of the service's program (format: command), no file's
    }
    if (!row->success) {
      out.failed.push_back(row);
      continue;
    }
    if (row->type == RowType::repeatable) {
      out.repeatables[row->script] = row;
      continue;
    }
    std::optional<Version> version = Version::parse(row->version);
    if (!version) {
      continue; // not written by dbctl; nothing to compare it with
    }
    ++out.count;
    if (!out.newest || *version > *out.newest) {
      out.newest = *version;
    }
    if (row->type == RowType::baseline) {
      out.baseline = out.baseline && *out.baseline > *version ? *out.baseline : *version;
    } else {
      out.versions.emplace_back(std::move(*version), row);
    }
  }
  // By version, keeping only the latest row of a version (rows are in rank order, and the
  // stable sort keeps them so).
  std::stable_sort(out.versions.begin(), out.versions.end(), version_less);
  auto last = std::unique(out.versions.rbegin(), out.versions.rend(),
                          [](const VersionedRow& a, const VersionedRow& b) { return a.first == b.first; });
  out.versions.erase(out.versions.begin(), last.base());
  return out;
}

bool covered_by_baseline(const Applied& applied, const Version& version) {
  return applied.baseline && !(version > *applied.baseline);
}

const MigrationFile* file_of(const MigrationSet& files, const Version& version) {
  auto found = std::lower_bound(
      files.versioned.begin(), files.versioned.end(), version,
      [](const MigrationFile& file, const Version& wanted) { return *file.version < wanted; });
  return found != files.versioned.end() && *found->version == version ? &*found : nullptr;
}

void check_applied(const MigrationSet& files, const Applied& applied, MigrationPlan& plan,
                   bool& drift, bool& ahead) {
  const Version* newest_file = files.versioned.empty() ? nullptr : &*files.versioned.back().version;
  for (const auto& [version, row] : applied.versions) {
    const MigrationFile* file = file_of(files, version);
    if (file == nullptr) {
      if (newest_file == nullptr || version > *newest_file) {
        ahead = true;
        plan.issues.push_back("version " + version.text() + " (" + row->script +
                              ") is applied but newer than every file");
      } else {
        drift = true;
        plan.problems.push_back("version " + version.text() + " (" + row->script +
                                ") is applied but its file is missing");
      }
    } else if (file->checksum != row->checksum) {
      drift = true;
      plan.problems.push_back(file->script + " was changed after it was applied (checksum " +
                              file->checksum.substr(0, 12) + ", applied " +
                              row->checksum.substr(0, 12) + "); restore it, or run dbctl repair "
                              "to accept the change");
    }
  }
}

// What to do about a failed row: where the engine resumes, fixing the file and migrating again
// goes on at the failed statement; elsewhere the row must go first.
std::string failed_advice(const HistoryRow& row, bool resumable) {
  std::string head = row.script + " failed" + (row.installed_at.empty() ? "" : " at " + row.installed_at);
  if (resumable && row.statements_done) {
    std::string next = std::to_string(*row.statements_done + 1);
    return head + " at statement " + next + "; fix the file and run dbctl migrate (it resumes at "
           "statement " + next + "); dbctl repair if you changed statements before it";
  }
  return head + "; fix it, then run dbctl repair and dbctl migrate";
}

} // namespace

MigrationPlan plan_migrations(const MigrationSet& files, const std::vector<HistoryRow>& history,
                              const std::string& service, bool exists, const PlanOptions& options) {
  MigrationPlan plan;
  Applied applied = read_history(history, service);
  plan.applied = applied.count;
  if (applied.newest) {
    plan.current_version = applied.newest->text();
  }
  for (const HistoryRow* row : applied.failed) {
    if (options.resume_failed && row->statements_done) {
      plan.resume[row->script] = *row; // the latest failed row of a script wins
      continue;
    }
    plan.problems.push_back(failed_advice(*row, options.resumable));
  }
  bool drift = false;
  bool ahead = false;
  check_applied(files, applied, plan, drift, ahead);
  for (const auto& file : files.versioned) {
    const Version& version = *file.version;
    if (applied.has(version) || covered_by_baseline(applied, version)) {
      continue;
    }
    if (options.target && version > *options.target) {
      continue;
    }
    if (applied.newest && version < *applied.newest && !options.out_of_order) {
      plan.problems.push_back(file.script + " is older than the newest applied version " +
                              applied.newest->text() + "; apply it with --out-of-order");
    }
    plan.pending.push_back(&file);
  }
  for (const auto& file : files.repeatable) {
    auto row = applied.repeatables.find(file.script);
    if (row == applied.repeatables.end() || row->second->checksum != file.checksum) {
      plan.pending.push_back(&file);
    }
  }
  plan.issues.insert(plan.issues.begin(), plan.problems.begin(), plan.problems.end());
  if (!exists) {
    plan.state = State::missing;
  } else if (!applied.failed.empty() && plan.resume.size() < applied.failed.size()) {
    plan.state = State::failed;
  } else if (drift) {
    plan.state = State::drift;
  } else if (!plan.pending.empty()) {
    plan.state = applied.count == 0 && applied.repeatables.empty() ? State::empty : State::pending;
  } else if (ahead) {
    plan.state = State::ahead;
  }
  return plan;
}

} // namespace dbctl::migration
