#pragma once
// `${VAR}` substitution inside configuration values.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::util {

/// Look up one environment variable; nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Return a lookup reading the process environment.
EnvLookup process_environment();

/// The outcome of substituting one value: the text, or every problem found in it.
struct Interpolated {
  std::string value;
  std::vector<std::string> errors;
  /// Names of the variables whose values were substituted (to redact secrets later).
  std::vector<std::string> used;
};

/// Substitute `${VAR}`, `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset) in
/// text; defaults may hold further `${...}`. `$${` stands for a literal `${`; any other `$` is
/// kept as is. An unset variable without a default is an error naming it.
Interpolated interpolate(std::string_view text, const EnvLookup& lookup);

} // namespace dbctl::util
