#include "holder.hpp"

#include "dbctl/util/hash.hpp"

#include <chrono>

#include <unistd.h>

namespace dbctl::engine {

std::string holder_name() {
  char host[256] = "?";
  gethostname(host, sizeof host - 1);
  std::string nonce = util::sha256_hex(std::to_string(getpid()) + ":" +
                                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))
                          .substr(0, 8);
  return "dbctl pid " + std::to_string(getpid()) + " on " + host + " (" + nonce + ")";
}

} // namespace dbctl::engine
