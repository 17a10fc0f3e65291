// `dbctl dump`: each selected target's schema as DDL, read from the catalogs.
#include "commands.hpp"
#include "progress.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/util/error.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct DumpOptions {
  std::string out;
};

std::string header(const targets::Target& target, const std::string& sha256) {
  // No tenant, database or schema: equal schemas dump equal bytes.
  return "-- Schema of service " + target.service + " (" + std::string(topology::to_string(target.engine())) +
         "), read from the catalogs by dbctl dump.\n-- fingerprint: " + sha256 + "\n\n";
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    throw Error("--out: cannot write " + file.string());
  }
  std::cout << file.string() << "\n";
}

// --out: one file per service, SERVICE.sql, holding the schema most of its targets have; a
// target whose schema differs gets SERVICE.TENANT.sql of its own.
void write_services(const std::string& dir, const std::vector<targets::Target>& selected, const ops::DumpRun& run) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw Error("--out " + dir + ": " + ec.message());
  }
  std::map<std::string, std::vector<std::size_t>> services;
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (run.ddl[i]) {
      services[selected[i].service].push_back(i);
    }
  }
  for (const auto& [service, indexes] : services) {
    std::map<std::string, std::size_t> counts;
    for (std::size_t i : indexes) {
      ++counts[*run.sha256[i]];
    }
    // The schema most targets have; on a tie, the first target's in selection order.
    std::string usual = *run.sha256[indexes.front()];
    for (std::size_t i : indexes) {
      usual = counts[*run.sha256[i]] > counts[usual] ? *run.sha256[i] : usual;
    }
    bool written = false;
    for (std::size_t i : indexes) {
      const targets::Target& target = selected[i];
      std::string text = header(target, *run.sha256[i]) + *run.ddl[i];
      if (*run.sha256[i] == usual && !written) {
        write_file(std::filesystem::path(dir) / (service + ".sql"), text);
        written = true;
      } else if (*run.sha256[i] != usual) {
        spdlog::warn("{}: its schema differs from {} other target{} of {}; written apart", target.key(),
                     counts[usual], counts[usual] == 1 ? "" : "s", service);
        write_file(std::filesystem::path(dir) / (service + "." + target.tenant.value_or(target.server->name) + ".sql"),
                   text);
      }
    }
  }
}

ExitCode run_dump(const Context& context, const DumpOptions& options) {
  if (context.global.output == OutputFormat::json) {
    throw UsageError("dump prints DDL, not JSON: drop -o json (status --schema -o json says where schemas differ)");
  }
  std::unique_ptr<Project> project = load_project(context, Scan::topology_only);
  ops::DumpRun run;
  {
    Progress progress(context, project->selected().size(), false);
    run = ops::dump_targets(*project, registry_for(context), progress.run_options());
  }
  if (!options.out.empty()) {
    write_services(options.out, project->selected(), run);
  } else {
    bool several = project->selected().size() > 1;
    for (std::size_t i = 0; i < project->selected().size(); ++i) {
      if (run.ddl[i]) {
        // Several targets: each one's DDL after a line naming it, the DDL itself alike for equal schemas.
        std::cout << (several ? "-- dbctl dump: " + project->selected()[i].key() + "\n" : "")
                  << header(project->selected()[i], *run.sha256[i]) << *run.ddl[i];
      }
    }
  }
  return ops::any_failed(run.outcomes) ? ExitCode::failed : ExitCode::ok;
}

} // namespace

Command dump_command() {
  auto options = std::make_shared<DumpOptions>();
  return {"dump", "Print each target's schema as DDL read from the catalogs (no pg_dump or mysqldump)",
          [options](CLI::App& app) {
            app.add_option("--out", options->out,
                           "Write to this folder instead: SERVICE.sql per service (SERVICE.TENANT.sql for a "
                           "target whose schema differs from the others')");
          },
          [options](const Context& context) { return run_dump(context, *options); }};
}

} // namespace dbctl::cli
