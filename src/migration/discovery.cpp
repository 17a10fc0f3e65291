#include "dbctl/migration/discovery.hpp"

#include "dbctl/util/error.hpp"
#include "dbctl/util/hash.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dbctl::migration {

namespace {

constexpr std::string_view k_suffix = ".sql";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string describe(std::string_view raw) {
  std::string out(raw);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// Read a whole file; nullopt with the reason in `error` when it cannot be read. Plain read(2):
// a folder of thousands of migrations is read on every run.
std::optional<std::string> slurp(const std::filesystem::path& path, std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::string contents;
  char buffer[65536];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
    contents.append(buffer, static_cast<std::size_t>(n));
  }
  int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    error = std::strerror(read_errno);
    return std::nullopt;
  }
  return contents;
}

bool first_line_is_directive(std::string_view text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
    text.remove_prefix(3); // a UTF-8 byte order mark
  }
  std::string_view line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line == k_no_transaction_directive;
}

// Names a user probably meant as migrations: worth a warning, since they would be skipped.
bool looks_like_migration(std::string_view name) {
  if (name.empty() || std::string_view("VvRr").find(name[0]) == std::string_view::npos) {
    return false;
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ends_with(lower, k_suffix);
}

void report_duplicates(const std::vector<MigrationFile>& sorted, util::Diagnostics& diagnostics) {
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (*sorted[i].version == *sorted[i - 1].version) {
      diagnostics.error({sorted[i].path, 0, 0},
                        "has the same version " + sorted[i].version->text() + " as " +
                            sorted[i - 1].script + "; each version must be unique");
    }
  }
}

// One file read and checksummed, or why it could not be.
struct Loaded {
  std::filesystem::path path;
  std::optional<MigrationFile> file;
  std::string error;
};

Loaded load_file(const std::filesystem::path& path, const ParsedName& name) {
  Loaded out{path, std::nullopt, {}};
  std::optional<std::string> contents = slurp(path, out.error);
  if (!contents) {
    return out;
  }
  MigrationFile file;
  file.kind = name.kind;
  file.version = name.version;
  file.description = name.description;
  file.script = path.filename().string();
  file.path = path.string();
  file.checksum = checksum(*contents);
  file.no_transaction = first_line_is_directive(*contents);
  out.file = std::move(file);
  return out;
}

std::vector<Loaded> load_all(const std::vector<std::pair<std::filesystem::path, ParsedName>>& candidates) {
  std::vector<Loaded> out(candidates.size());
  unsigned workers = std::max(1U, std::min(std::thread::hardware_concurrency(), 8U));
  if (candidates.size() < 64) {
    workers = 1; // not worth a thread
  }
  std::atomic<std::size_t> next{0};
  auto work = [&]() {
    for (std::size_t i = next++; i < candidates.size(); i = next++) {
      out[i] = load_file(candidates[i].first, candidates[i].second);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < workers; ++i) {
    threads.emplace_back(work);
  }
  work();
  for (auto& thread : threads) {
    thread.join();
  }
  return out;
}

} // namespace

std::optional<ParsedName> parse_file_name(std::string_view name) {
  if (!ends_with(name, k_suffix) || name.size() < 2) {
    return std::nullopt;
  }
  std::string_view stem = name.substr(0, name.size() - k_suffix.size());
  ParsedName parsed;
  if (stem.rfind("R__", 0) == 0) {
    parsed.kind = Kind::repeatable;
    stem.remove_prefix(3);
  } else if (stem.rfind('V', 0) == 0) {
    std::size_t separator = stem.find("__");
    if (separator == std::string_view::npos) {
      return std::nullopt;
    }
    parsed.version = Version::parse(stem.substr(1, separator - 1));
    if (!parsed.version) {
      return std::nullopt;
    }
    stem.remove_prefix(separator + 2);
  } else {
    return std::nullopt;
  }
  if (stem.empty()) {
    return std::nullopt;
  }
  parsed.description = describe(stem);
  return parsed;
}

std::string fold_line_endings(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      out += text[i];
    }
  }
  return out;
}

std::string checksum(std::string_view contents) {
  if (contents.find('\r') == std::string_view::npos) {
    return util::sha256_hex(contents);
  }
  return util::sha256_hex(fold_line_endings(contents));
}

std::string read_sql(const std::filesystem::path& path) {
  std::string error;
  std::optional<std::string> contents = slurp(path, error);
  if (!contents) {
    throw ConfigError(std::vector<util::Diagnostic>{
        {{path.string(), 0, 0}, "cannot be read: " + error, util::Severity::error}});
  }
  return fold_line_endings(*contents);
}

MigrationSet scan(const std::filesystem::path& folder, const util::Location& referenced_at,
                  util::Diagnostics& diagnostics) {
  MigrationSet set;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    bool exists = std::filesystem::exists(folder, ec);
    diagnostics.error(referenced_at, "migrations folder " + folder.string() +
                                         (exists ? " is not a folder"
                                                 : " does not exist (create it, or set "
                                                   "migrations: none)"));
    return set;
  }
  std::filesystem::directory_iterator it(folder, ec);
  if (ec) {
    diagnostics.error(referenced_at,
                      "migrations folder " + folder.string() + " cannot be read: " + ec.message());
    return set;
  }
  // List first (cheap), then read and checksum the files on every core: a folder of
  // thousands of migrations is read on every run.
  std::vector<std::pair<std::filesystem::path, ParsedName>> candidates;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::filesystem::path& path = it->path();
    std::string name = path.filename().string();
    if (name.empty() || name[0] == '.') {
      continue;
    }
    std::optional<ParsedName> parsed = parse_file_name(name);
    if (!parsed) {
      if (looks_like_migration(name)) {
        diagnostics.warning({path.string(), 0, 0},
                            "ignored: a migration is named V<version>__<description>.sql or "
                            "R__<description>.sql");
      }
      continue;
    }
    // The entry knows its type from the directory listing; only a symlink needs a stat.
    std::error_code status_error;
    bool regular = it->is_regular_file(status_error);
    if (status_error || !regular) {
      diagnostics.error({path.string(), 0, 0},
                        status_error ? "cannot be read: " + status_error.message()
                                     : "is not a regular file");
      continue;
    }
    candidates.emplace_back(path, std::move(*parsed));
  }
  std::vector<Loaded> loaded = load_all(candidates);
  candidates = {};
  for (auto& one : loaded) {
    if (!one.file) {
      diagnostics.error({one.path.string(), 0, 0}, "cannot be read: " + one.error);
    } else {
      (one.file->kind == Kind::versioned ? set.versioned : set.repeatable).push_back(std::move(*one.file));
    }
  }
  if (ec) {
    diagnostics.error(referenced_at, "migrations folder " + folder.string() +
                                         " could not be listed: " + ec.message());
  }
  // The script name breaks ties so the order (and duplicate messages) never depend on the
  // order the file system lists entries in. Pointers are sorted, then the files moved once.
  std::vector<MigrationFile*> order;
  for (auto& file : set.versioned) {
    order.push_back(&file);
  }
  std::sort(order.begin(), order.end(), [](const MigrationFile* a, const MigrationFile* b) {
    int c = compare(*a->version, *b->version);
    return c != 0 ? c < 0 : a->script < b->script;
  });
  std::vector<MigrationFile> sorted;
  sorted.reserve(order.size());
  for (MigrationFile* file : order) {
    sorted.push_back(std::move(*file));
  }
  set.versioned = std::move(sorted);
  std::sort(set.repeatable.begin(), set.repeatable.end(),
            [](const auto& a, const auto& b) { return a.description < b.description; });
  report_duplicates(set.versioned, diagnostics);
  return set;
}

} // namespace dbctl::migration
