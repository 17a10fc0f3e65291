// Fuzz target: the topology loader, validation and expansion report bad input as diagnostics;
// they never crash and never throw (an escaping exception aborts, which libFuzzer reports).
#include "dbctl/targets/expand.hpp"
#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // A few variables are set, so inputs reach past interpolation; the rest are unset.
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PGHOST" || name == "DBCTL_SECRET" || name.rfind("PG", 0) == 0) {
      return std::string("x");
    }
    return std::nullopt;
  };
  dbctl::topology::LoadResult result = dbctl::topology::load_text(text, "fuzz.yaml", "/nonexistent", env);
  if (result.topology) {
    dbctl::topology::validate(*result.topology, result.diagnostics);
    dbctl::targets::expand(*result.topology);
  }
  return 0;
}
