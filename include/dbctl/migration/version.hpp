#pragma once
// Migration versions: integers separated by `.` or `_`, compared numerically.
#include <optional>
#include <string>
#include <string_view>

namespace dbctl::migration {

/// A version such as `1.10` (after `1.9`); `1_1` equals `1.1` and `1.0` equals `1`.
class Version {
public:
  /// Parse digits separated by `.` or `_`; nullopt for anything else.
  static std::optional<Version> parse(std::string_view text);

  /// Return the canonical text: segments joined by `.`, without leading zeros.
  const std::string& text() const { return m_text; }
  /// Return the number of segments (`1.10` has two).
  std::size_t segment_count() const;
  /// Return this version with its last segment increased by one (`1.9` -> `1.10`).
  Version next() const;

  /// Compare numerically, segment by segment; missing segments count as zero.
  friend int compare(const Version& a, const Version& b);
  friend bool operator<(const Version& a, const Version& b) { return compare(a, b) < 0; }
  friend bool operator>(const Version& a, const Version& b) { return compare(a, b) > 0; }
  friend bool operator==(const Version& a, const Version& b) { return compare(a, b) == 0; }
  friend bool operator!=(const Version& a, const Version& b) { return compare(a, b) != 0; }

private:
  // The canonical text alone: thousands of versions are held and compared on every run, and
  // a short text needs no allocation.
  std::string m_text;
};

} // namespace dbctl::migration
