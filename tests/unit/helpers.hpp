#pragma once
// Shared helpers for unit tests: topologies from text, diagnostics as plain strings.
#include "dbctl/targets/expand.hpp"
#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"

#include <map>
#include <string>
#include <vector>

#include "string_maker.hpp"

#include <doctest/doctest.h>


namespace dbctl::unit {

/// An environment lookup backed by a map.
inline util::EnvLookup env_of(std::map<std::string, std::string> vars = {}) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

/// Return "line:col: message" for each error, in file order.
inline std::vector<std::string> messages(const util::Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.errors()) {
    out.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                  d.message);
  }
  return out;
}

/// Load, validate and expand topology text; every problem lands in `problems`.
struct Loaded {
  topology::Topology topology;
  std::vector<targets::Target> targets;
  std::vector<targets::Target> stores; ///< Redis namespaces
  std::vector<std::string> problems;
};

/// Load text named t.yaml with relative paths under /nonexistent (no files are read).
inline std::unique_ptr<Loaded> load(const std::string& text,
                                    std::map<std::string, std::string> vars = {}) {
  topology::LoadResult result = topology::load_text(text, "t.yaml", "/project", env_of(vars));
  auto out = std::make_unique<Loaded>();
  util::Diagnostics diagnostics = result.diagnostics;
  if (result.topology) {
    out->topology = std::move(*result.topology);
    topology::validate(out->topology, diagnostics);
    targets::Expansion expansion = targets::expand(out->topology);
    diagnostics.merge(expansion.diagnostics);
    out->targets = std::move(expansion.targets);
    out->stores = std::move(expansion.stores);
  }
  out->problems = messages(diagnostics);
  return out;
}

/// A minimal valid head: one PostgreSQL server named pg.
inline const std::string k_pg_head = "version: 1\n"
                                     "name: shop\n"
                                     "servers:\n"
                                     "  pg: {engine: postgres, host: 127.0.0.1}\n";

} // namespace dbctl::unit
