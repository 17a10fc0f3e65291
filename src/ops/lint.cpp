#include "dbctl/ops/lint.hpp"

#include <memory>

#include <spdlog/spdlog.h>
#include <unordered_map>

namespace dbctl::ops {

std::size_t LintReport::files() const {
  std::size_t n = 0;
  for (const auto& folder : folders) {
    n += folder.files.size();
  }
  return n;
}

std::size_t LintReport::count(lint::Level level) const {
  std::size_t n = 0;
  for (const auto& folder : folders) {
    for (const auto& result : folder.results) {
      for (const auto& finding : result.findings) {
        n += finding.level == level ? 1 : 0;
      }
    }
  }
  return n;
}

std::size_t LintReport::suppressed() const {
  std::size_t n = 0;
  for (const auto& folder : folders) {
    for (const auto& result : folder.results) {
      n += result.suppressed;
    }
  }
  return n;
}

std::vector<util::Diagnostic> LintReport::problems() const {
  std::vector<util::Diagnostic> out;
  for (const auto& folder : folders) {
    for (const auto& result : folder.results) {
      out.insert(out.end(), result.problems.begin(), result.problems.end());
    }
  }
  return out;
}

lint::Settings lint_settings(const topology::Topology& topology, const topology::Service* service,
                             topology::Engine engine) {
  lint::Settings settings;
  settings.engine = engine;
  for (const auto& entry : topology.lint) {
    settings.levels[entry.rule.value] = entry.level.value;
  }
  if (service != nullptr && service->manifest && engine == topology::Engine::postgres) {
    if (const auto* minimum = service->manifest->minimum("postgres")) {
      // "9.6" and "14" alike: the major version is what decides how ADD COLUMN behaves
      std::string digits = minimum->value.substr(0, minimum->value.find('.'));
      if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 4) {
        settings.postgres_major = std::stoi(digits);
      }
    }
  }
  return settings;
}

void add_lint_folder(LintReport& report, const std::filesystem::path& folder, const std::string& service,
                     migration::MigrationSet& set, lint::Settings settings) {
  LintedFolder entry;
  entry.folder = folder;
  entry.service = service;
  entry.settings = std::move(settings);
  for (auto* files : {&set.versioned, &set.repeatable}) {
    for (migration::MigrationFile& file : *files) {
      entry.files.push_back(&file);
    }
  }
  entry.results.resize(entry.files.size());
  report.folders.push_back(std::move(entry));
}

migration::FileVisitor lint_visitor(LintReport& report) {
  // Built once every folder is in: a file may be linted for more than one engine.
  struct Slot {
    lint::FileLint* result;
    const lint::Settings* settings;
  };
  auto slots = std::make_shared<std::unordered_map<const migration::MigrationFile*, std::vector<Slot>>>();
  for (LintedFolder& folder : report.folders) {
    for (std::size_t i = 0; i < folder.files.size(); ++i) {
      (*slots)[folder.files[i]].push_back({&folder.results[i], &folder.settings});
    }
  }
  return [slots](const migration::MigrationFile& file, std::string_view contents) {
    auto found = slots->find(&file);
    if (found == slots->end()) {
      return;
    }
    for (const Slot& slot : found->second) {
      *slot.result = lint::lint_file(file.path, contents, file.no_transaction, *slot.settings);
    }
  };
}

void finish_lint(LintReport& report) {
  for (LintedFolder& folder : report.folders) {
    std::vector<lint::FileLint*> in_order;
    for (auto& result : folder.results) {
      in_order.push_back(&result);
    }
    lint::settle(in_order);
  }
}

lint::FileLint PendingLint::lint_one(const migration::MigrationFile& file, const lint::Settings& settings) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto found = m_cache.find({&file, settings.engine});
    if (found != m_cache.end()) {
      return found->second;
    }
  }
  lint::FileLint result = lint::lint_file(file.path, migration::read_runnable(file).sql, file.no_transaction, settings);
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_cache.emplace(std::pair{&file, settings.engine}, std::move(result)).first->second;
}

std::vector<std::string> PendingLint::refusals(const targets::Target& target, const migration::MigrationSet& files,
                                               const migration::MigrationFile& file) {
  lint::Settings settings = lint_settings(m_topology, m_topology.find_service(target.service), target.engine());
  std::vector<lint::FileLint> in_order{lint_one(file, settings)};
  if (!in_order.back().pending.empty()) {
    // A finding that an earlier file's CHECK may answer: settle over the folder up to this file.
    in_order.clear();
    for (const auto& earlier : files.versioned) {
      if (&earlier == &file) {
        break;
      }
      in_order.push_back(lint_one(earlier, settings));
    }
    in_order.push_back(lint_one(file, settings)); // a repeatable comes after every versioned file
  }
  std::vector<lint::FileLint*> pointers;
  for (auto& result : in_order) {
    pointers.push_back(&result);
  }
  lint::settle(pointers);
  for (const auto& problem : in_order.back().problems) {
    spdlog::warn("{} (not linted)", util::to_string(problem));
  }
  std::vector<std::string> out;
  for (const lint::Finding& finding : in_order.back().findings) {
    if (finding.level == lint::Level::error) {
      out.push_back(lint::format(finding) + "; lint refuses to run it (fix it, put -- dbctl:lint-ignore " +
                    finding.rule + " <reason> before it, or pass --no-lint)");
    }
  }
  return out;
}

LintReport lint_folder(const std::filesystem::path& folder, migration::Format format, lint::Settings settings,
                       migration::MigrationSet& set, util::Diagnostics& diagnostics) {
  LintReport report;
  set = migration::list(folder, {}, diagnostics, format);
  add_lint_folder(report, folder, "", set, std::move(settings));
  for (const auto& problem : migration::read_files({&set}, lint_visitor(report))) {
    diagnostics.error(problem.where, problem.message);
  }
  finish_lint(report);
  return report;
}

} // namespace dbctl::ops
