#pragma once
// What both drivers say when a server refuses a login to a role dbctl manages.
#include "dbctl/topology/model.hpp"

#include <string>

namespace dbctl::engine {

/// Return the message for a refused login of `user` (a "role" or a "user", as the engine calls
/// it) that is not the server's admin. Where the server has admin credentials, init creates
/// the role and sets its password, so that is what to do; without them (--url mode, a server
/// without an admin) only the password given can be wrong.
inline std::string refused_login(const topology::Server& server, const std::string& user,
                                 const std::string& noun) {
  std::string head = server.name + ": cannot log in as " + user + " at " + server.host + ":" +
                     std::to_string(server.port) + ": ";
  if (server.user.empty()) {
    return head + "the " + noun + " does not exist or has another password than the one given";
  }
  return head + "the " + noun + " does not exist yet or has another password; run `dbctl init` " +
         "(or `dbctl up`), which creates it and sets its password";
}

} // namespace dbctl::engine
