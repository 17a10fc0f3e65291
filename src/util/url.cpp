#include "dbctl/util/url.hpp"

#include <cctype>
#include <charconv>

namespace dbctl::util {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

ParsedUrl failure(std::string message) { return {std::nullopt, std::move(message)}; }

// Split `host[:port]` (host may be a bracketed IPv6 literal) into the URL.
std::string parse_host_port(std::string_view text, Url& url) {
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return "unterminated '[' in IPv6 host";
    }
    url.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return "unexpected text after IPv6 host";
      }
      port_text = rest.substr(1);
    }
  } else {
    std::size_t colon = text.rfind(':');
    std::string_view host = colon == std::string_view::npos ? text : text.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = text.substr(colon + 1);
    }
    auto decoded = percent_decode(host);
    if (!decoded) {
      return "malformed %-escape in host";
    }
    url.host = *decoded;
  }
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return "port '" + std::string(port_text) + "' is not a number from 1 to 65535";
    }
    url.port = port;
  }
  return {};
}

std::string parse_userinfo(std::string_view text, Url& url) {
  std::size_t colon = text.find(':');
  auto user = percent_decode(text.substr(0, colon));
  if (!user) {
    return "malformed %-escape in user name";
  }
  url.user = *user;
  if (colon != std::string_view::npos) {
    auto password = percent_decode(text.substr(colon + 1));
    if (!password) {
      return "malformed %-escape in password";
    }
    url.password = *password;
  }
  return {};
}

std::string parse_query(std::string_view text, Url& url) {
  while (!text.empty()) {
    std::size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key || !value) {
      return "malformed %-escape in query";
    }
    url.query.emplace_back(*key, *value);
  }
  return {};
}
} // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) { // needs two hex digits after '%'
      return std::nullopt;
    }
    int high = hex_value(text[i + 1]);
    int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 && byte < 128) {
      out += c;
    } else if (c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0x0f];
    }
  }
  return out;
}

ParsedUrl parse_url(std::string_view text) {
  std::size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return failure("expected scheme://[user[:password]@]host[:port][/database][?options]");
  }
  Url url;
  url.scheme = std::string(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);
  std::size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  rest = rest.substr(0, question);
  std::size_t slash = rest.find('/');
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  std::string_view authority = rest.substr(0, slash);
  std::size_t at = authority.rfind('@');
  std::string error;
  if (at != std::string_view::npos) {
    error = parse_userinfo(authority.substr(0, at), url);
    authority = authority.substr(at + 1);
  }
  if (error.empty()) {
    error = parse_host_port(authority, url);
  }
  if (error.empty()) {
    auto decoded = percent_decode(path);
    error = decoded ? parse_query(query, url) : "malformed %-escape in database name";
    url.path = decoded.value_or("");
  }
  if (!error.empty()) {
    return failure(error);
  }
  return {url, {}};
}

} // namespace dbctl::util
