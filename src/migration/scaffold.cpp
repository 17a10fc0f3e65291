#include "dbctl/migration/scaffold.hpp"

#include "dbctl/util/error.hpp"
#include "dbctl/util/text.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <utility>
#include <vector>

namespace dbctl::migration {

namespace {

constexpr std::size_t k_timestamp_digits = 14;

std::string utc_timestamp(std::time_t now) {
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &parts);
  return buffer;
}

bool is_timestamp(const Version& version) {
  return version.segment_count() == 1 && version.text().size() == k_timestamp_digits;
}

std::string template_text(const Version& version, std::string_view description) {
  return "-- V" + version.text() + ": " + std::string(description) +
         "\n"
         "-- Runs in one transaction together with its history row. To run a file outside a\n"
         "-- transaction (e.g. CREATE INDEX CONCURRENTLY), make its first line:\n"
         "-- " +
         std::string(k_no_transaction_directive.substr(3)) + "\n\n";
}

// The zero-padded text of a version as the folder writes its file names (`000007`).
std::string padded(const Version& version, const MigrationSet& set) {
  std::size_t width = 0;
  if (!set.versioned.empty()) {
    const std::string& script = set.versioned.back().script;
    width = script.find('_');
  } else if (set.format == Format::golang_migrate) {
    width = 6; // `migrate create -seq` writes six digits
  }
  std::string text = version.text();
  return width != std::string::npos && text.size() < width ? std::string(width - text.size(), '0') + text : text;
}

// The files of one new migration in a tool's layout: name and contents of each.
std::vector<std::pair<std::string, std::string>> tool_files(Format format, const std::string& version,
                                                            const std::string& slug, std::string_view description) {
  std::string title = "-- " + version + ": " + std::string(description) + "\n";
  switch (format) {
  case Format::golang_migrate:
    return {{version + "_" + slug + ".up.sql", title},
            {version + "_" + slug + ".down.sql", "-- undoes " + version + " (dbctl never runs it)\n"}};
  case Format::dbmate:
    return {{version + "_" + slug + ".sql", "-- migrate:up\n\n\n-- migrate:down\n\n"}};
  case Format::goose:
    return {{version + "_" + slug + ".sql", "-- +goose Up\n\n\n-- +goose Down\n\n"}};
  case Format::flyway:
  case Format::automatic:
  case Format::command: // runs a program: no files of its own to read or write
    break;
  }
  return {};
}

// Create the file only if it does not exist, so a concurrent `new` never loses a file.
void write_exclusive(const std::filesystem::path& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST) {
      throw UsageError(path.string() + " already exists");
    }
    throw Error("cannot create " + path.string() + ": " + std::strerror(err));
  }
  ssize_t written = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) {
    throw Error("cannot write " + path.string() + ": " + std::strerror(err));
  }
}

} // namespace

Version next_version(const MigrationSet& set, std::time_t now) {
  if (set.versioned.empty()) {
    return *Version::parse("1");
  }
  const Version& newest = *set.versioned.back().version;
  if (is_timestamp(newest)) {
    Version stamp = *Version::parse(utc_timestamp(now));
    return newest < stamp ? stamp : newest.next();
  }
  return newest.next();
}

NewMigration create_migration(const std::filesystem::path& folder, std::string_view description,
                              const std::optional<Version>& version, std::time_t now, Format format) {
  std::string slug = util::slugify(description);
  if (slug.empty()) {
    throw UsageError("the description '" + util::printable(description) +
                     "' has no letters or digits to name the file with");
  }
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    throw Error("cannot create folder " + folder.string() + ": " + ec.message());
  }
  util::Diagnostics ignored; // near-miss names and duplicates do not stop a new file
  MigrationSet set = list(folder, {folder.string(), 0, 0}, ignored, format);
  Version chosen = version ? *version : next_version(set, now);
  if (!version && set.versioned.empty() && (set.format == Format::dbmate || set.format == Format::goose)) {
    chosen = *Version::parse(utc_timestamp(now));
  }
  for (const auto& file : set.versioned) {
    if (*file.version == chosen) {
      throw UsageError("version " + chosen.text() + " is already used by " + file.script);
    }
  }
  if (set.format == Format::flyway) {
    std::filesystem::path path = folder / ("V" + chosen.text() + "__" + slug + ".sql");
    write_exclusive(path, template_text(chosen, description));
    return {path, chosen};
  }
  std::vector<std::pair<std::string, std::string>> files = tool_files(set.format, padded(chosen, set), slug, description);
  for (const auto& [name, text] : files) {
    write_exclusive(folder / name, text);
  }
  return {folder / files.front().first, chosen};
}

} // namespace dbctl::migration
