#include "dbctl/util/secret.hpp"

#include <cctype>

namespace dbctl::util {

namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Tell whether text[at, at + size) is not part of a longer run of letters and digits.
bool stands_alone(const std::string& text, std::size_t at, std::size_t size) {
  bool open_before = at == 0 || !is_word_char(text[at - 1]) || !is_word_char(text[at]);
  std::size_t end = at + size;
  bool open_after = end >= text.size() || !is_word_char(text[end]) || !is_word_char(text[end - 1]);
  return open_before && open_after;
}

} // namespace

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
  constexpr std::size_t k_short = 4;
  for (const auto& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    std::size_t at = text.find(secret);
    while (at != std::string::npos) {
      if (secret.size() >= k_short || stands_alone(text, at, secret.size())) {
        text.replace(at, secret.size(), "***");
        at = text.find(secret, at + 3);
      } else {
        at = text.find(secret, at + 1);
      }
    }
  }
  return text;
}

} // namespace dbctl::util
