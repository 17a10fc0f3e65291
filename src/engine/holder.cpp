#include "holder.hpp"

#include "dbctl/util/hash.hpp"

#include <chrono>

#include <unistd.h>

namespace dbctl::engine {

const std::string& holder_name() {
  static const std::string name = [] {
    char host[256] = "?";
    gethostname(host, sizeof host - 1);
    std::string nonce = util::sha256_hex(std::to_string(getpid()) + ":" +
                                         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))
                            .substr(0, 8);
    return "dbctl pid " + std::to_string(getpid()) + " on " + host + " (" + nonce + ")";
  }();
  return name;
}

} // namespace dbctl::engine
