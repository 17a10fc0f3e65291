// `dbctl env`: print each target's connection URL for services to read as DATABASE_URL.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/report/env.hpp"
#include "dbctl/targets/url.hpp"

#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

enum class RoleChoice { preferred, owner, app };

struct EnvOptions {
  RoleChoice role = RoleChoice::preferred;
  std::optional<report::EnvFormat> format;
};

ExitCode run_env(const Context& context, const EnvOptions& options) {
  require_topology(context, "env");
  std::unique_ptr<Project> project = load_project(context, Scan::topology_only);
  std::vector<report::EnvEntry> entries;
  std::set<std::size_t> printed; // selected_stores already printed
  auto add_store = [&](std::size_t i) {
    const targets::Target& store = project->selected_stores[i];
    if (printed.insert(i).second) {
      entries.push_back({targets::url_variable(store), targets::connection_url(store, targets::RoleKind::owner)});
    }
  };
  for (const auto& target : project->selected()) {
    bool use_app = options.role == RoleChoice::app ||
                   (options.role == RoleChoice::preferred && target.app.has_value());
    const targets::Role& role = use_app && target.app ? *target.app : target.owner;
    if (!role.password) {
      spdlog::warn("{}: role {} has no password (it is created without LOGIN); set one, or "
                   "passwords.derive_from",
                   target.key(), role.name);
    }
    entries.push_back({targets::url_variable(target),
                       targets::connection_url(target, use_app ? targets::RoleKind::app
                                                               : targets::RoleKind::owner)});
    // The service's Redis namespace, beside its database (the same selection).
    for (std::size_t i = 0; i < project->selected_stores.size(); ++i) {
      const targets::Target& store = project->selected_stores[i];
      if (store.service == target.service && store.tenant == target.tenant) {
        add_store(i);
      }
    }
  }
  for (std::size_t i = 0; i < project->selected_stores.size(); ++i) {
    add_store(i); // those whose database is not selected (--server naming a Redis server)
  }
  report::EnvFormat format = options.format.value_or(
      context.global.output == OutputFormat::json ? report::EnvFormat::json
                                                  : report::EnvFormat::dotenv);
  std::cout << report::format_env(entries, format);
  return ExitCode::ok;
}

} // namespace

Command env_command() {
  auto options = std::make_shared<EnvOptions>();
  return {"env",
          "Print each target's connection URL ({SERVICE}_DATABASE_URL, {SERVICE}_REDIS_URL; passwords included)",
          [options](CLI::App& app) {
            app.add_option("--role", options->role,
                           "Role in the URL: owner or app (default: app where one exists)")
                ->transform(CLI::CheckedTransformer(std::map<std::string, RoleChoice>{
                    {"owner", RoleChoice::owner}, {"app", RoleChoice::app}}));
            app.add_option("--format", options->format, "dotenv (default), shell or json")
                ->transform(CLI::CheckedTransformer(std::map<std::string, report::EnvFormat>{
                    {"dotenv", report::EnvFormat::dotenv},
                    {"shell", report::EnvFormat::shell},
                    {"json", report::EnvFormat::json}}));
          },
          [options](const Context& context) { return run_env(context, *options); }};
}

} // namespace dbctl::cli
