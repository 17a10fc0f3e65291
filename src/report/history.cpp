#include "dbctl/report/history.hpp"

#include "json.hpp"

namespace dbctl::report {

using detail::Json;

struct HistoryEdits::Items {
  Json array = Json::array();

  void add(const targets::Target& target, const Json& fields) {
    array.push_back(detail::target_doc(target));
    array.back().update(fields);
  }
};

HistoryEdits::HistoryEdits() : m_items(std::make_unique<Items>()) {}
HistoryEdits::~HistoryEdits() = default;

std::string HistoryEdits::repaired(const targets::Target& target, const migration::RepairResult& result) {
  m_items->add(target, {{"failed_removed", result.failed_removed}, {"realigned", result.realigned}});
  std::string done;
  if (result.failed_removed > 0) {
    done = "removed " + std::to_string(result.failed_removed) + " failed row" +
           (result.failed_removed == 1 ? "" : "s");
  }
  for (const auto& script : result.realigned) {
    done += (done.empty() ? "" : ", ") + std::string("accepted the checksum of ") + script;
  }
  return done.empty() ? "nothing to repair" : done;
}

std::string HistoryEdits::baselined(const targets::Target& target, const migration::Version& version) {
  m_items->add(target, {{"version", version.text()}});
  return "baselined at version " + version.text();
}

std::string HistoryEdits::imported(const targets::Target& target, const migration::FlywayImportResult& result,
                                   const std::string& table) {
  m_items->add(target, {{"version", detail::or_null(result.version)}, {"imported", result.imported}});
  return "imported " + std::to_string(result.imported) + " row" + (result.imported == 1 ? "" : "s") + " from " +
         table + (result.version ? " (at version " + *result.version + ")" : "");
}

std::string HistoryEdits::json() const { return detail::dump(m_items->array); }

} // namespace dbctl::report
