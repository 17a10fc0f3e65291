#pragma once
// `dbctl graph`: the topology as a picture (Graphviz dot or Mermaid): servers, their databases
// (and schemas), the services placed there (tenants beyond a count collapsed into one node),
// and the roles with their access.
#include "dbctl/targets/target.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::report {

/// What the picture shows.
struct GraphInput {
  const std::vector<targets::Target>* targets = nullptr;
  /// Per target (same order), its live state's name (`up-to-date`, ...); empty: offline.
  std::vector<std::string> states;
  std::size_t max_tenants = 8; ///< a service with more tenant targets on a server is one node
};

/// Return the picture in Graphviz's dot language (clusters for servers and databases).
std::string graph_dot(const GraphInput& input);

/// Return the picture as a Mermaid flowchart (subgraphs for servers and databases), as GitHub
/// and GitLab render it in Markdown.
std::string graph_mermaid(const GraphInput& input);

} // namespace dbctl::report
