#include "dbctl/report/validation.hpp"

#include <nlohmann/json.hpp>

namespace dbctl::report {

namespace {
nlohmann::ordered_json to_json(const std::vector<util::Diagnostic>& items) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    out.push_back({{"file", item.where.file},
                   {"line", item.where.line},
                   {"column", item.where.column},
                   {"message", item.message}});
  }
  return out;
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}
} // namespace

std::string validation_json(const ValidationSummary& summary) {
  nlohmann::ordered_json doc = {{"valid", summary.errors.empty()},
                                {"file", summary.file},
                                {"mode", summary.mode},
                                {"services", summary.services},
                                {"servers", summary.servers},
                                {"targets", summary.targets},
                                {"redis_namespaces", summary.redis_namespaces},
                                {"migrations", summary.migrations},
                                {"lint_warnings", summary.lint_warnings},
                                {"errors", to_json(summary.errors)},
                                {"warnings", to_json(summary.warnings)}};
  // Replace invalid UTF-8 (a file name, say) rather than fail to print.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string validation_text(const ValidationSummary& summary) {
  return summary.file + ": valid (" + summary.mode + ": " + plural(summary.services, "service") +
         ", " + plural(summary.targets, "target") +
         (summary.redis_namespaces == 0 ? "" : " and " + plural(summary.redis_namespaces, "Redis namespace")) + " on " +
         plural(summary.servers, "server") +
         ", " + plural(summary.migrations, "migration file") + ")" +
         (summary.lint_warnings == 0 ? std::string()
                                     : "; " + plural(summary.lint_warnings, "lint warning") + " (dbctl lint lists them)") +
         "\n";
}

} // namespace dbctl::report
