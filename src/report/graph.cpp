#include "dbctl/report/graph.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace dbctl::report {

namespace {

// The picture before it is written in either language.
struct Node {
  std::string id;
  std::vector<std::string> lines; ///< the label, a line each
  std::string state;              ///< the worst live state among its targets; empty offline
};

struct Database {
  std::string id;
  std::string key; ///< the database's name, or "*service" for a box standing for tenants' databases
  std::string label;
  std::vector<Node> nodes;
};

struct ServerBox {
  std::string id;
  std::string name; ///< the topology's server
  std::string label;
  std::vector<Database> databases;
};

struct Edge {
  std::string from;
  std::string to;
  std::string label;
};

struct Picture {
  std::vector<ServerBox> servers;
  std::vector<Node> roles;
  std::vector<Edge> edges;
};

// Worse states win when targets are drawn as one node.
int severity(const std::string& state) {
  static const std::vector<std::string> order{"up-to-date", "empty", "pending", "missing", "ahead", "drift", "failed",
                                              "error"};
  auto found = std::find(order.begin(), order.end(), state);
  return found == order.end() ? 0 : static_cast<int>(found - order.begin());
}

std::string worst(const std::string& a, const std::string& b) { return severity(b) > severity(a) ? b : a; }

class Builder {
public:
  explicit Builder(const GraphInput& input) : m_input(input) {}

  Picture build() {
    const auto& targets = *m_input.targets;
    // Services whose tenant targets on one server are too many to draw one by one.
    std::map<std::pair<std::string, std::string>, std::size_t> tenants;
    for (const auto& target : targets) {
      if (target.tenant) {
        ++tenants[{target.server->name, target.service}];
      }
    }
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const auto& target = targets[i];
      std::string state = i < m_input.states.size() ? m_input.states[i] : "";
      bool collapsed = target.tenant && tenants[{target.server->name, target.service}] > m_input.max_tenants;
      ServerBox& server = server_of(target);
      if (collapsed) {
        add_group(server, target, tenants[{target.server->name, target.service}], state);
        continue;
      }
      Database& database = database_of(server, target.database, "database " + target.database);
      Node node{id("t"), {target.tenant ? target.service + "[" + *target.tenant + "]" : target.service}, state};
      if (target.schema && *target.schema != "public") {
        node.lines.push_back("schema " + *target.schema);
      }
      if (target.redis) {
        node.lines.push_back(target.redis->prefix.empty() ? "every key" : "keys " + target.redis->prefix + "*");
      }
      database.nodes.push_back(node);
      add_roles(target, node.id, false);
    }
    return std::move(m_picture);
  }

private:
  std::string id(const std::string& kind) { return kind + std::to_string(++m_next); }

  ServerBox& server_of(const targets::Target& target) {
    const topology::Server& server = *target.server;
    for (auto& box : m_picture.servers) {
      if (box.name == server.name) {
        return box;
      }
    }
    m_picture.servers.push_back({id("s"), server.name, server.name + " (" + std::string(topology::to_string(target.engine())) +
                                              " " + server.addresses() + ")",
                                 {}});
    return m_picture.servers.back();
  }

  Database& database_of(ServerBox& server, const std::string& key, const std::string& label) {
    for (auto& database : server.databases) {
      if (database.key == key) {
        return database;
      }
    }
    server.databases.push_back({id("d"), key, label, {}});
    return server.databases.back();
  }

  // A service's tenants on a server as one node: in database tenancy one box standing for all
  // their databases, in schema tenancy one node in the shared database.
  void add_group(ServerBox& server, const targets::Target& target, std::size_t count, const std::string& state) {
    std::string key = server.id + "/" + target.service;
    auto found = m_groups.find(key);
    if (found != m_groups.end()) {
      Node* node = find_node(found->second);
      node->state = node->state.empty() ? state : worst(node->state, state);
      add_roles(target, found->second, true);
      return;
    }
    bool schemas = target.schema && *target.schema != "public";
    std::string tenant_count = std::to_string(count) + " tenants";
    // On Redis the tenants share the database: a key prefix each.
    Database& database = schemas || target.redis ? database_of(server, target.database, "database " + target.database)
                                 : database_of(server, "*" + target.service,
                                               std::to_string(count) + " databases, one per tenant");
    Node node{id("g"), {target.service + " x " + tenant_count}, state};
    node.lines.push_back(target.redis ? "e.g. keys " + target.redis->prefix + "*" : schemas ? "a schema each" : "e.g. " + target.database);
    database.nodes.push_back(node);
    m_groups[key] = node.id;
    add_roles(target, node.id, true);
  }

  Node* find_node(const std::string& node_id) {
    for (auto& server : m_picture.servers) {
      for (auto& database : server.databases) {
        for (auto& node : database.nodes) {
          if (node.id == node_id) {
            return &node;
          }
        }
      }
    }
    return nullptr;
  }

  // The owner, app and extra roles of a target, each drawn once, with an edge each (once).
  void add_roles(const targets::Target& target, const std::string& node_id, bool group) {
    std::string per_tenant = group ? " (one per tenant)" : "";
    auto role = [&](const std::string& name, const std::string& kind) {
      std::string key = group ? kind + ":" + node_id : kind + ":" + name;
      auto found = m_roles.find(key);
      if (found != m_roles.end()) {
        return found->second;
      }
      std::string role_id = id("r");
      m_picture.roles.push_back({role_id, {group ? "e.g. " + name : name, kind + per_tenant}, ""});
      m_roles[key] = role_id;
      return role_id;
    };
    if (target.redis) {
      edge(role(target.owner.name, "ACL user"), node_id, "reads, writes");
      return;
    }
    edge(role(target.owner.name, "owner"), node_id, "owns");
    if (target.app) {
      edge(role(target.app->name, "app role"), node_id, "DML");
    }
    for (const auto& grant : target.grants) {
      std::string key = "extra:" + grant.role.name;
      auto found = m_roles.find(key);
      std::string role_id;
      if (found == m_roles.end()) {
        role_id = id("r");
        m_picture.roles.push_back({role_id, {grant.role.name, "extra role"}, ""});
        m_roles[key] = role_id;
      } else {
        role_id = found->second;
      }
      edge(role_id, node_id, std::string(topology::to_string(grant.privilege)));
    }
  }

  void edge(const std::string& from, const std::string& to, const std::string& label) {
    if (m_edges.insert(from + ">" + to + ">" + label).second) {
      m_picture.edges.push_back({from, to, label});
    }
  }

  const GraphInput& m_input;
  Picture m_picture;
  int m_next = 0;
  std::map<std::string, std::string> m_groups;        ///< server/service -> group node id
  std::map<std::string, std::string> m_roles;         ///< role key -> node id
  std::set<std::string> m_edges;
};

// Fill colours by state (offline: one neutral colour).
std::string colour(const std::string& state) {
  if (state.empty()) {
    return "#dde7f3";
  }
  if (state == "up-to-date" || state == "ready") {
    return "#b7e4b0";
  }
  if (state == "pending" || state == "empty" || state == "missing") {
    return "#f7e08a";
  }
  if (state == "ahead") {
    return "#e3b5f0";
  }
  return "#f4a3a3"; // failed, drift, error
}

std::vector<std::string> with_state(const Node& node) {
  std::vector<std::string> lines = node.lines;
  if (!node.state.empty()) {
    lines.push_back(node.state);
  }
  return lines;
}

// dot: a double-quoted string with \" and \\ escaped; lines joined with \n.
std::string dot_text(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += i > 0 ? "\\n" : "";
    for (char c : lines[i]) {
      out += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    }
  }
  return out + "\"";
}

// Mermaid: a double-quoted label; quotes as #quot;, lines joined with <br/>.
std::string mermaid_text(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += i > 0 ? "<br/>" : "";
    for (char c : lines[i]) {
      if (c == '"') {
        out += "#quot;";
      } else if (c == '<') {
        out += "#lt;";
      } else if (c == '>') {
        out += "#gt;";
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

} // namespace

std::string graph_dot(const GraphInput& input) {
  Picture picture = Builder(input).build();
  std::string out = "digraph dbctl {\n  rankdir=LR;\n  fontname=\"Helvetica\";\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n"
                    "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (const auto& server : picture.servers) {
    out += "  subgraph cluster_" + server.id + " {\n    label=" + dot_text({server.label}) + ";\n    style=bold;\n";
    for (const auto& database : server.databases) {
      out += "    subgraph cluster_" + database.id + " {\n      label=" + dot_text({database.label}) +
             ";\n      style=dashed;\n";
      for (const auto& node : database.nodes) {
        out += "      " + node.id + " [label=" + dot_text(with_state(node)) + ", fillcolor=\"" + colour(node.state) +
               "\"];\n";
      }
      out += "    }\n";
    }
    out += "  }\n";
  }
  for (const auto& role : picture.roles) {
    out += "  " + role.id + " [label=" + dot_text(role.lines) + ", shape=ellipse, fillcolor=\"#f2f2f2\"];\n";
  }
  for (const auto& edge : picture.edges) {
    out += "  " + edge.from + " -> " + edge.to + " [label=" + dot_text({edge.label}) + "];\n";
  }
  return out + "}\n";
}

std::string graph_mermaid(const GraphInput& input) {
  Picture picture = Builder(input).build();
  std::string out = "flowchart LR\n";
  std::string styles;
  for (const auto& server : picture.servers) {
    out += "  subgraph " + server.id + "[" + mermaid_text({server.label}) + "]\n";
    for (const auto& database : server.databases) {
      out += "    subgraph " + database.id + "[" + mermaid_text({database.label}) + "]\n";
      for (const auto& node : database.nodes) {
        out += "      " + node.id + "[" + mermaid_text(with_state(node)) + "]\n";
        styles += "  style " + node.id + " fill:" + colour(node.state) + "\n";
      }
      out += "    end\n";
    }
    out += "  end\n";
  }
  for (const auto& role : picture.roles) {
    out += "  " + role.id + "([" + mermaid_text(role.lines) + "])\n";
  }
  for (const auto& edge : picture.edges) {
    out += "  " + edge.from + " -->|" + mermaid_text({edge.label}) + "| " + edge.to + "\n";
  }
  return out + styles;
}

} // namespace dbctl::report
