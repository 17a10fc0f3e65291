#include "dbctl/report/lint.hpp"

#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

namespace dbctl::report {

namespace {

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

bool shown(const LintFilter& only, const std::string& path) {
  if (only.empty()) {
    return true;
  }
  std::error_code ec;
  return only.count(std::filesystem::weakly_canonical(path, ec).string()) != 0;
}

// Visit every shown file's findings and problems in the order the files apply.
LintTotals each_shown(const ops::LintReport& report, const LintFilter& only,
                  const std::function<void(const ops::LintedFolder&, const lint::Finding&)>& finding,
                  const std::function<void(const util::Diagnostic&)>& problem) {
  LintTotals totals;
  for (const auto& folder : report.folders) {
    for (std::size_t i = 0; i < folder.files.size(); ++i) {
      if (!shown(only, folder.files[i]->path)) {
        continue;
      }
      const lint::FileLint& result = folder.results[i];
      ++totals.files;
      totals.suppressed += result.suppressed;
      for (const auto& item : result.problems) {
        ++totals.problems;
        problem(item);
      }
      for (const auto& item : result.findings) {
        (item.level == lint::Level::error ? totals.errors : totals.warnings) += 1;
        finding(folder, item);
      }
    }
  }
  return totals;
}

} // namespace

LintTotals lint_totals(const ops::LintReport& report, const LintFilter& only) {
  return each_shown(report, only, [](const ops::LintedFolder&, const lint::Finding&) {}, [](const util::Diagnostic&) {});
}

std::string lint_text(const ops::LintReport& report, const LintFilter& only) {
  std::string out;
  LintTotals totals = each_shown(
      report, only,
      [&](const ops::LintedFolder&, const lint::Finding& finding) {
        out += lint::format(finding) + "\n  fix: " + finding.fix + "\n";
      },
      [&](const util::Diagnostic& problem) {
        out += util::to_string(problem.where) + ": error: " + problem.message + "\n";
      });
  out += "lint: " + plural(totals.files, "file") + ", " + plural(totals.errors + totals.problems, "error") + ", " +
         plural(totals.warnings, "warning") + ", " + std::to_string(totals.suppressed) + " suppressed\n";
  return out;
}

std::string lint_json(const ops::LintReport& report, const LintFilter& only) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  nlohmann::ordered_json problems = nlohmann::ordered_json::array();
  LintTotals totals = each_shown(
      report, only,
      [&](const ops::LintedFolder& folder, const lint::Finding& finding) {
        findings.push_back({{"file", finding.where.file},
                            {"line", finding.where.line},
                            {"column", finding.where.column},
                            {"severity", std::string(topology::to_string(finding.level))},
                            {"rule", finding.rule},
                            {"message", finding.message},
                            {"fix", finding.fix},
                            {"service", folder.service},
                            {"engine", std::string(topology::to_string(folder.settings.engine))}});
      },
      [&](const util::Diagnostic& problem) {
        problems.push_back({{"file", problem.where.file},
                            {"line", problem.where.line},
                            {"column", problem.where.column},
                            {"message", problem.message}});
      });
  nlohmann::ordered_json doc = {{"files", totals.files},       {"errors", totals.errors},
                                {"warnings", totals.warnings}, {"suppressed", totals.suppressed},
                                {"findings", findings},        {"problems", problems}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace dbctl::report
