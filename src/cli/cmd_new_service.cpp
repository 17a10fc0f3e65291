// `dbctl new-service NAME`: scaffold a service folder and add it to the topology.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/new_service.hpp"
#include "dbctl/util/error.hpp"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct NewServiceOptions {
  std::string name;
  std::string path;
  std::vector<std::string> engines;
  bool no_app = false;
};

ExitCode run_new_service(const Context& context, const NewServiceOptions& given) {
  require_topology(context, "new-service");
  // The global --server (a filter elsewhere) names the server that holds the new service.
  if (context.global.servers.size() > 1) {
    throw UsageError("new-service: give --server once, naming the server that holds the service");
  }
  ops::NewService service;
  service.name = given.name;
  service.path = given.path;
  service.server = context.global.servers.empty() ? "" : context.global.servers.front();
  service.engines = given.engines;
  service.app = !given.no_app;
  Context loading = context;
  loading.global.servers.clear(); // not a selection here: the service does not exist yet
  std::unique_ptr<Project> project = load_project(loading, Scan::topology_only);
  std::filesystem::path file(context.global.file);
  ops::AddedService added = ops::add_service(*project, file, service);
  for (const auto& written : added.written) {
    std::cout << written.string() << "\n";
  }
  if (!added.topology_edited) {
    spdlog::warn("{} was left as it was ({}); add this under services:", file.string(), added.left_as_is);
    std::cout << "  " << added.entry << "\n";
    return ExitCode::ok;
  }
  std::cout << file.string() << "\n";
  spdlog::info("service {} added to {}; next: write its migrations, then dbctl up --service {}",
               service.name, file.string(), service.name);
  return ExitCode::ok;
}

} // namespace

Command new_service_command() {
  auto options = std::make_shared<NewServiceOptions>();
  return {"new-service",
          "Scaffold a service folder (manifest, V1__init.sql) and add it to the topology; --server S places it",
          [options](CLI::App& app) {
            app.add_option("name", options->name, "The service's name")->required();
            app.add_option("--path", options->path,
                           "The service's folder (default: services/NAME beside the topology)");
            app.add_option("--engine", options->engines,
                           "An engine its SQL supports, repeatable (default: its server's)");
            app.add_flag("--no-app", options->no_app, "It needs no separate app role");
          },
          [options](const Context& context) { return run_new_service(context, *options); }};
}

} // namespace dbctl::cli
