#pragma once
// Problems found in user input, each tied to a place in a file.
#include <string>
#include <vector>

namespace dbctl::util {

/// A place in a user's file; line and column are 1-based, 0 when unknown.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

/// Format a location as `file:line:col`, dropping the parts that are unknown.
std::string to_string(const Location& where);

enum class Severity { error, warning };

/// One problem in user input.
struct Diagnostic {
  Location where;
  std::string message;
  Severity severity = Severity::error;
};

/// Format a diagnostic as `file:line:col: message` (warnings say so).
std::string to_string(const Diagnostic& diagnostic);

/// Collects every problem so that validation can report all of them at once.
class Diagnostics {
public:
  /// Record an error at a place.
  void error(Location where, std::string message);
  /// Record a warning at a place; warnings never fail a run.
  void warning(Location where, std::string message);
  /// Append everything another collector holds.
  void merge(const Diagnostics& other);
  /// Tell whether any error (not warning) was recorded.
  bool has_errors() const;
  /// Return every diagnostic, ordered by file, line and column.
  std::vector<Diagnostic> sorted() const;
  /// Return the errors only, ordered by file, line and column.
  std::vector<Diagnostic> errors() const;
  /// Return the warnings only, ordered by file, line and column.
  std::vector<Diagnostic> warnings() const;

private:
  std::vector<Diagnostic> m_items;
};

} // namespace dbctl::util
