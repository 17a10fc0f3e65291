// `dbctl graph`: the topology as a picture (dot, mermaid or svg), offline unless --status.
#include "commands.hpp"
#include "progress.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/report/graph.hpp"
#include "dbctl/report/status.hpp"
#include "dbctl/util/error.hpp"
#include "dbctl/util/process.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <unistd.h>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

enum class GraphFormat { dot, mermaid, svg };

struct GraphOptions {
  GraphFormat format = GraphFormat::dot;
  std::size_t max_tenants = 8;
  bool status = false;
};

// The dot text drawn as SVG by Graphviz's `dot` program.
std::string to_svg(const std::string& dot) {
  std::optional<std::filesystem::path> program = util::find_program("dot", {});
  if (!program) {
    throw UsageError("--format svg needs Graphviz's dot program (Debian: apt-get install graphviz); --format dot or "
                     "mermaid need nothing");
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "dbctl-graph.XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    throw Error("cannot make a temporary file for dot");
  }
  ::close(fd);
  std::filesystem::path file = pattern;
  std::ofstream(file) << dot;
  util::ProcessSpec spec;
  spec.argv = {program->string(), "-Tsvg", file.string()};
  std::string svg;
  std::string errors;
  spec.on_line = [&](util::Stream stream, std::string_view line) {
    (stream == util::Stream::out ? svg : errors).append(line).push_back('\n');
  };
  util::ProcessResult result = util::run_process(spec);
  std::error_code ec;
  std::filesystem::remove(file, ec);
  if (result.exit_code != 0) {
    throw Error("dot -Tsvg exited " + std::to_string(result.exit_code) + ": " + errors);
  }
  return svg;
}

ExitCode run_graph(const Context& context, const GraphOptions& options) {
  require_topology(context, "graph");
  std::unique_ptr<Project> project = load_project(context, options.status ? Scan::read_ahead : Scan::topology_only);
  report::GraphInput input;
  // The SQL targets, then the Redis namespaces.
  std::vector<targets::Target> drawn = project->selected();
  drawn.insert(drawn.end(), project->selected_stores.begin(), project->selected_stores.end());
  input.targets = &drawn;
  input.max_tenants = options.max_tenants;
  bool failed = false;
  if (options.status) {
    ops::StatusRun run;
    {
      Progress progress(context, project->selected().size(), false);
      run = ops::status_targets(*project, registry_for(context), progress.run_options());
    }
    std::vector<report::StatusRow> rows = report::status_rows(project->selected(), run);
    failed = ops::any_failed(run.outcomes);
    std::vector<report::StatusRow> redis = redis_rows(context, *project, failed);
    rows.insert(rows.end(), redis.begin(), redis.end());
    for (const auto& row : rows) {
      input.states.push_back(report::state_name(row));
    }
  }
  std::string dot = report::graph_dot(input);
  switch (options.format) {
  case GraphFormat::dot: std::cout << dot; break;
  case GraphFormat::mermaid: std::cout << report::graph_mermaid(input); break;
  case GraphFormat::svg: std::cout << to_svg(dot); break;
  }
  return failed ? ExitCode::failed : ExitCode::ok;
}

} // namespace

Command graph_command() {
  auto options = std::make_shared<GraphOptions>();
  return {"graph",
          "Draw the topology: servers, databases, schemas, services and tenants, and the roles with their access "
          "(offline unless --status)",
          [options](CLI::App& app) {
            app.add_option("--format", options->format, "dot (default, Graphviz), mermaid (Markdown) or svg (runs dot)")
                ->transform(CLI::CheckedTransformer(std::map<std::string, GraphFormat>{
                    {"dot", GraphFormat::dot}, {"mermaid", GraphFormat::mermaid}, {"svg", GraphFormat::svg}}));
            app.add_option("--max-tenants", options->max_tenants,
                           "Draw a service's tenants on a server as one node above this many (default 8)")
                ->check(CLI::Range(1, 100000));
            app.add_flag("--status", options->status, "Connect and colour each target by its state (as status)");
          },
          [options](const Context& context) { return run_graph(context, *options); }};
}

} // namespace dbctl::cli
