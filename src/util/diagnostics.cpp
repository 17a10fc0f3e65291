#include "dbctl/util/diagnostics.hpp"

#include "dbctl/util/error.hpp"

#include <algorithm>
#include <tuple>

namespace dbctl::util {

std::string to_string(const Location& where) {
  std::string out = where.file;
  if (where.line > 0) {
    out += ':' + std::to_string(where.line);
    if (where.column > 0) {
      out += ':' + std::to_string(where.column);
    }
  }
  return out;
}

std::string to_string(const Diagnostic& diagnostic) {
  std::string prefix = to_string(diagnostic.where);
  if (!prefix.empty()) {
    prefix += ": ";
  }
  if (diagnostic.severity == Severity::warning) {
    prefix += "warning: ";
  }
  return prefix + diagnostic.message;
}

void Diagnostics::error(Location where, std::string message) {
  m_items.push_back({std::move(where), std::move(message), Severity::error});
}

void Diagnostics::warning(Location where, std::string message) {
  m_items.push_back({std::move(where), std::move(message), Severity::warning});
}

void Diagnostics::merge(const Diagnostics& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

bool Diagnostics::has_errors() const {
  return std::any_of(m_items.begin(), m_items.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

namespace {
std::vector<Diagnostic> sort_filtered(std::vector<Diagnostic> items) {
  std::stable_sort(items.begin(), items.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
  // The same problem reached by two paths (e.g. a template used by many targets) shows once.
  items.erase(std::unique(items.begin(), items.end(),
                          [](const Diagnostic& a, const Diagnostic& b) {
                            return a.message == b.message && a.where.file == b.where.file &&
                                   a.where.line == b.where.line &&
                                   a.where.column == b.where.column;
                          }),
              items.end());
  return items;
}

std::vector<Diagnostic> with_severity(const std::vector<Diagnostic>& items, Severity severity) {
  std::vector<Diagnostic> out;
  std::copy_if(items.begin(), items.end(), std::back_inserter(out),
               [severity](const Diagnostic& d) { return d.severity == severity; });
  return sort_filtered(std::move(out));
}
} // namespace

std::vector<Diagnostic> Diagnostics::sorted() const { return sort_filtered(m_items); }
std::vector<Diagnostic> Diagnostics::errors() const { return with_severity(m_items, Severity::error); }
std::vector<Diagnostic> Diagnostics::warnings() const {
  return with_severity(m_items, Severity::warning);
}

} // namespace dbctl::util

namespace dbctl {

namespace {
std::string join_problems(const std::vector<util::Diagnostic>& problems) {
  std::string out;
  for (const auto& problem : problems) {
    if (!out.empty()) {
      out += '\n';
    }
    out += util::to_string(problem);
  }
  return out;
}
} // namespace

ConfigError::ConfigError(std::vector<util::Diagnostic> problems)
    : Error(join_problems(problems)), m_problems(std::move(problems)) {}

ConfigError::ConfigError(const std::string& message)
    : Error(message), m_problems{util::Diagnostic{{}, message, util::Severity::error}} {}

} // namespace dbctl
