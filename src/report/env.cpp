#include "dbctl/report/env.hpp"

#include <nlohmann/json.hpp>

namespace dbctl::report {

namespace {
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}
} // namespace

std::string format_env(const std::vector<EnvEntry>& entries, EnvFormat format) {
  if (format == EnvFormat::json) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const auto& entry : entries) {
      object[entry.name] = entry.url;
    }
    return object.dump(2) + "\n";
  }
  std::string out;
  for (const auto& entry : entries) {
    // URLs are percent-encoded, so a dotenv value needs no quotes (docker --env-file keeps
    // quotes literally, so none is the portable choice).
    out += format == EnvFormat::shell ? "export " + entry.name + "=" + shell_quote(entry.url)
                                      : entry.name + "=" + entry.url;
    out += '\n';
  }
  return out;
}

} // namespace dbctl::report
