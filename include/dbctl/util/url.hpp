#pragma once
// Database URLs: `scheme://user:password@host:port/path?key=value`.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dbctl::util {

/// A parsed URL with its parts percent-decoded.
struct Url {
  std::string scheme;
  std::string user;
  std::optional<std::string> password;
  std::string host;
  std::optional<int> port;
  std::string path; ///< without the leading `/`
  std::vector<std::pair<std::string, std::string>> query;
};

/// The outcome of parsing: a URL, or a message saying what is wrong (never the password).
struct ParsedUrl {
  std::optional<Url> url;
  std::string error;
};

/// Parse a database URL; IPv6 hosts go in brackets.
ParsedUrl parse_url(std::string_view text);

/// Percent-encode every byte outside RFC 3986's unreserved set.
std::string percent_encode(std::string_view text);

/// Decode `%XX` escapes; nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text);

} // namespace dbctl::util
