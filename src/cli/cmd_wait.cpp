// `dbctl wait`: wait until every selected server accepts connections.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/wait.hpp"
#include "dbctl/report/provision.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct WaitOptions {
  double timeout = 60;
};

ExitCode run_wait(const Context& context, const WaitOptions& options) {
  require_topology(context, "wait");
  std::unique_ptr<Project> project = load_project(context, Scan::topology_only);
  std::vector<ops::ServerReady> ready =
      ops::wait_for_servers(*project, registry_for(context), options.timeout, context.interrupt);
  if (context.global.output == OutputFormat::json) {
    std::cout << report::wait_json(ready);
  }
  return ExitCode::ok;
}

} // namespace

Command wait_command() {
  auto options = std::make_shared<WaitOptions>();
  return {"wait", "Wait until every selected server accepts connections",
          [options](CLI::App& app) {
            app.add_option("--timeout", options->timeout, "Seconds to wait in all (default 60)")
                ->check(CLI::Range(0.0, 86400.0));
          },
          [options](const Context& context) { return run_wait(context, *options); }};
}

} // namespace dbctl::cli
