#pragma once
// A value that must never reach a log: no stream operator, no implicit conversion.
#include <string>

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

} // namespace dbctl::util
