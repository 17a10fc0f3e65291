#pragma once
// The Redis driver: ACL users as a server's "roles", key namespaces as its "databases".
#include "dbctl/engine/driver.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dbctl::engine::redis {

struct Reply;

/// Return the Redis driver, its sessions set up by `options`.
std::unique_ptr<engine::Driver> make_driver(const SessionOptions& options);

/// The record dbctl keeps of a user it wrote (hash dbctl:users): the command rules it asked
/// for and the server's own spelling of them (Redis rewrites rules: "+@all -@admin -@dangerous"
/// reads back "+@all -@dangerous"), so a later run can tell a changed topology or a hand edit
/// from the server's rewriting.
struct Recorded {
  std::string asked;
  std::string stored;
};

/// Return how a live user (ACL GETUSER's reply; nil when absent) differs from its spec, one
/// phrase each; `recorded` is dbctl's record of it, if any. Empty: it matches.
std::vector<std::string> differences(const Reply& live, const AclUserSpec& spec, const Recorded* recorded);

/// Return the ACL SETUSER words that make a user exactly its spec (its password as `#<sha256>`).
std::vector<std::string> setuser_args(const AclUserSpec& spec);

} // namespace dbctl::engine::redis
