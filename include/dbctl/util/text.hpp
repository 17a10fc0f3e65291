#pragma once
// Small text helpers: identifiers, suggestions, slugs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::util {

/// Tell whether name is a database identifier dbctl accepts: [A-Za-z_][A-Za-z0-9_]{0,62}.
bool is_identifier(std::string_view name);

/// Return the candidate closest to word by edit distance, if one is close enough to suggest.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

/// Return text lowercased with each run of non-alphanumerics turned into one `_`, trimmed.
std::string slugify(std::string_view text);

/// Return name uppercased with every character outside [A-Z0-9_] turned into `_`.
std::string env_name(std::string_view name);

/// Return text with characters that would corrupt a terminal line shown as `\xNN`.
std::string printable(std::string_view text);

/// Tell whether text is well-formed UTF-8 (no overlong forms, surrogates or values past
/// U+10FFFF).
bool is_utf8(std::string_view text);

/// Return the items joined by `separator` ("a, b, c" with the default).
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

/// Return the words of `text`, split at spaces and tabs.
std::vector<std::string> split_words(std::string_view text);

/// Return a duration for people: "340 ms", "12.4 s", "3 min 05 s".
std::string format_duration(long long ms);

} // namespace dbctl::util
