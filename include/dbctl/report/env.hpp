#pragma once
// Printing connection URLs as dotenv, shell or JSON.
#include <string>
#include <vector>

namespace dbctl::report {

/// One variable of `dbctl env` output.
struct EnvEntry {
  std::string name; ///< e.g. USERS_DATABASE_URL
  std::string url;
};

enum class EnvFormat { dotenv, shell, json };

/// Return the entries as `NAME=url` lines (dotenv), `export NAME='url'` lines (shell) or one
/// JSON object mapping names to URLs.
std::string format_env(const std::vector<EnvEntry>& entries, EnvFormat format);

} // namespace dbctl::report
