#pragma once
// Migration versions: integers separated by `.` or `_`, compared numerically.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::migration {

/// A version such as `1.10` (after `1.9`); `1_1` equals `1.1` and `1.0` equals `1`.
class Version {
public:
  /// Parse digits separated by `.` or `_`; nullopt for anything else.
  static std::optional<Version> parse(std::string_view text);

  /// Return the canonical text: segments joined by `.`, without leading zeros.
  std::string text() const;
  /// Return the segments as digit strings without leading zeros.
  const std::vector<std::string>& segments() const { return m_segments; }
  /// Return this version with its last segment increased by one (`1.9` -> `1.10`).
  Version next() const;

  /// Compare numerically, segment by segment; missing segments count as zero.
  friend int compare(const Version& a, const Version& b);
  friend bool operator<(const Version& a, const Version& b) { return compare(a, b) < 0; }
  friend bool operator>(const Version& a, const Version& b) { return compare(a, b) > 0; }
  friend bool operator==(const Version& a, const Version& b) { return compare(a, b) == 0; }
  friend bool operator!=(const Version& a, const Version& b) { return compare(a, b) != 0; }

private:
  std::vector<std::string> m_segments;
};

} // namespace dbctl::migration
