#include "dbctl/util/interpolate.hpp"

#include <cctype>
#include <cstdlib>

namespace dbctl::util {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

namespace {

bool is_name_char(char c, bool first) {
  return c == '_' || std::isalpha(static_cast<unsigned char>(c)) != 0 ||
         (!first && std::isdigit(static_cast<unsigned char>(c)) != 0);
}

// Find the `}` closing the `${` whose body starts at `from`, skipping nested `${...}`.
std::size_t find_close(std::string_view text, std::size_t from) {
  int depth = 1;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (text[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

class Interpolator {
public:
  Interpolator(const EnvLookup& lookup, Interpolated& out) : m_lookup(lookup), m_out(out) {}

  std::string run(std::string_view text) {
    std::string result;
    std::size_t i = 0;
    while (i < text.size()) {
      if (text.compare(i, 3, "$${") == 0) {
        result += "${";
        i += 3;
      } else if (text.compare(i, 2, "${") == 0) {
        std::size_t close = find_close(text, i + 2);
        if (close == std::string_view::npos) {
          m_out.errors.push_back("unterminated '${' (missing '}')");
          return result;
        }
        result += expand(text.substr(i + 2, close - i - 2));
        i = close + 1;
      } else {
        result += text[i++];
      }
    }
    return result;
  }

private:
  std::string expand(std::string_view body) {
    std::size_t n = 0;
    while (n < body.size() && is_name_char(body[n], n == 0)) {
      ++n;
    }
    std::string name(body.substr(0, n));
    std::string_view rest = body.substr(n);
    if (name.empty() || !(rest.empty() || rest.rfind(":-", 0) == 0 || rest.rfind('-', 0) == 0)) {
      m_out.errors.push_back("invalid variable reference '${" + std::string(body) +
                             "}' (expected ${NAME}, ${NAME:-default} or ${NAME-default})");
      return {};
    }
    std::optional<std::string> value = m_lookup(name);
    bool empty_means_unset = rest.rfind(":-", 0) == 0;
    if (value && !(empty_means_unset && value->empty())) {
      m_out.used.push_back(name);
      return *value;
    }
    if (rest.empty()) {
      m_out.errors.push_back("environment variable " + name +
                             " is not set (use ${" + name + ":-default} to give a default)");
      return {};
    }
    return run(rest.substr(empty_means_unset ? 2 : 1));
  }

  const EnvLookup& m_lookup;
  Interpolated& m_out;
};

} // namespace

Interpolated interpolate(std::string_view text, const EnvLookup& lookup) {
  Interpolated out;
  if (text.find('$') == std::string_view::npos) {
    out.value = std::string(text);
    return out;
  }
  out.value = Interpolator(lookup, out).run(text);
  return out;
}

} // namespace dbctl::util
