// `dbctl new SERVICE DESCRIPTION`: write the next versioned migration file.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/migration/scaffold.hpp"
#include "dbctl/util/error.hpp"

#include <ctime>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct NewOptions {
  std::vector<std::string> words;
};

std::string join(std::vector<std::string>::const_iterator begin,
                 std::vector<std::string>::const_iterator end) {
  std::string out;
  for (auto it = begin; it != end; ++it) {
    out += (out.empty() ? "" : " ") + *it;
  }
  return out;
}

ExitCode run_new(const Context& context, const NewOptions& options) {
  bool dir_mode = !context.global.dir.empty() && !context.global.file_given;
  std::filesystem::path folder;
  std::string description;
  migration::Format format = source_of(context).format.value_or(migration::Format::flyway);
  if (dir_mode) {
    folder = context.global.dir;
    description = join(options.words.begin(), options.words.end());
  } else {
    if (options.words.size() < 2) {
      throw UsageError("usage: dbctl new SERVICE DESCRIPTION (or --dir DIR new DESCRIPTION)");
    }
    std::unique_ptr<Project> project = load_project(context, Scan::topology_only);
    folder = ops::migrations_folder(*project, options.words.front());
    const topology::Service* service = project->topology.find_service(options.words.front());
    format = service->format ? service->format->value : migration::Format::flyway;
    description = join(options.words.begin() + 1, options.words.end());
  }
  migration::NewMigration created =
      migration::create_migration(folder, description, std::nullopt, std::time(nullptr), format);
  spdlog::info("created {} (version {})", created.path.string(), created.version.text());
  std::cout << created.path.string() << "\n";
  return ExitCode::ok;
}

} // namespace

Command new_command() {
  auto options = std::make_shared<NewOptions>();
  return {"new",
          "Write the next migration in a service's migrations folder (V<n>__<description>.sql, or as its "
          "format: names them)",
          [options](CLI::App& app) {
            app.add_option("words", options->words, "SERVICE DESCRIPTION...")->required();
          },
          [options](const Context& context) { return run_new(context, *options); }};
}

} // namespace dbctl::cli
