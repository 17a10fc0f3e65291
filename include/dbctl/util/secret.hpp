#pragma once
// A value that must never reach a log: no stream operator, no implicit conversion.
#include <string>
#include <vector>

namespace dbctl::util {

/// Holds a password or key; reading it takes an explicit reveal().
class Secret {
public:
  Secret() = default;
  /// Wrap a plaintext value.
  explicit Secret(std::string value) : m_value(std::move(value)) {}
  /// Return the plaintext; call only where it is sent to a server or printed on request.
  const std::string& reveal() const { return m_value; }
  /// Tell whether the value is empty.
  bool empty() const { return m_value.empty(); }
  friend bool operator==(const Secret& a, const Secret& b) { return a.m_value == b.m_value; }
  friend bool operator!=(const Secret& a, const Secret& b) { return !(a == b); }

private:
  std::string m_value;
};

/// Return text with every occurrence of each secret replaced by `***`, longest secret first
/// (so one holding another is masked whole). A secret shorter than four characters is masked
/// only where it stands alone (not inside a longer run of letters and digits), so a password
/// such as "p" leaves "problem" readable; `secrets` must be sorted longest first.
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);

} // namespace dbctl::util
