#include "dbctl/migration/discovery.hpp"

#include "formats.hpp"

#include "dbctl/util/error.hpp"
#include "dbctl/util/hash.hpp"
#include "dbctl/util/parallel.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace dbctl::migration {

namespace {

// Show the bytes of a name that is not UTF-8 as \xNN, so the message stays readable text.
std::string escape_high_bytes(const std::string& name) {
  std::string out;
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out += c;
    } else {
      static const char k_hex[] = "0123456789abcdef";
      out += {'\\', 'x', k_hex[byte >> 4], k_hex[byte & 0xF]};
    }
  }
  return util::printable(out);
}

constexpr std::string_view k_suffix = ".sql";

using formats::describe;
using formats::ends_with;
using formats::is_sql_name;

// A read buffer that grows without zero-filling (std::string::resize would clear every byte).
class ReadBuffer {
public:
  std::string_view view() const { return {m_data.get(), m_size}; }
  // Make room for `more` bytes after the contents; return where they go.
  char* reserve(std::size_t more) {
    if (m_size + more > m_capacity) {
      std::size_t capacity = std::max(m_size + more, m_capacity * 2);
      std::unique_ptr<char[]> grown(new char[capacity]);
      std::copy_n(m_data.get(), m_size, grown.get());
      m_data = std::move(grown);
      m_capacity = capacity;
    }
    return m_data.get() + m_size;
  }
  void grow(std::size_t by) { m_size += by; }
  void clear() { m_size = 0; }

private:
  std::unique_ptr<char[]> m_data;
  std::size_t m_size = 0;
  std::size_t m_capacity = 0;
};

// Read a whole file into `contents` (reusing its memory); false with the reason in `error` when
// it cannot be read. Plain read(2): a folder of thousands of migrations is read on every run.
bool slurp(const std::string& path, ReadBuffer& contents, std::string& error) {
  contents.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat info {};
  std::size_t chunk = 65536;
  if (::fstat(fd, &info) == 0 && info.st_size >= 0) {
    chunk = static_cast<std::size_t>(info.st_size) + 1; // the whole file and its end at once
  }
  ssize_t n = 0;
  while ((n = ::read(fd, contents.reserve(chunk), chunk)) > 0) {
    contents.grow(static_cast<std::size_t>(n));
    chunk = 65536; // the file grew since fstat
  }
  int read_errno = errno;
  ::close(fd);
  if (n < 0) {
    error = std::strerror(read_errno);
    return false;
  }
  return true;
}

// Names a user probably meant as migrations: worth a warning, since they would be skipped.
bool looks_like_migration(std::string_view name) {
  return !name.empty() && std::string_view("VvRr").find(name[0]) != std::string_view::npos && is_sql_name(name);
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

// A directory entry named like a migration, before it is read.
struct Candidate {
  std::string name;
  ParsedName parsed;
};

// Read and checksum every file (its up part) on every core, in place. Each worker reuses one
// read buffer, so memory stays at the size of the records however many files there are.
// Returns the files that could not be read or are not migrations of their format, by index,
// with the message.
std::vector<std::pair<std::size_t, std::string>> load_all(std::vector<MigrationFile*>& files,
                                                          const FileVisitor& visit) {
  std::mutex failures_mutex;
  std::vector<std::pair<std::size_t, std::string>> failures;
  util::for_each_index(files.size(), 64, [&] {
    return [&, contents = ReadBuffer(), error = std::string()](std::size_t i) mutable {
      MigrationFile& file = *files[i];
      std::string_view text;
      formats::UpPart up;
      if (slurp(file.path, contents, error)) {
        text = contents.view();
        up = formats::up_part(file.format, text);
      } else {
        up.problem = "cannot be read: " + error;
      }
      if (!up.problem.empty()) {
        std::lock_guard<std::mutex> lock(failures_mutex);
        failures.emplace_back(i, up.problem);
        return;
      }
      file.checksum = checksum(text.substr(up.begin, up.end - up.begin));
      file.no_transaction = up.no_transaction;
      if (visit && file.format == Format::flyway) {
        visit(file, text); // the file runs as it is: no copy
      } else if (visit) {
        visit(file, formats::runnable(text, up));
      }
    };
  });
  std::sort(failures.begin(), failures.end());
  return failures;
}

// Whether a listed entry is a regular file (only a symlink, or a file system that does not
// say, needs a stat); an error otherwise.
bool is_regular(const std::string& path, unsigned char type, util::Diagnostics& diagnostics) {
  bool regular = type == DT_REG;
  if (type == DT_LNK || type == DT_UNKNOWN) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      diagnostics.error({path, 0, 0}, std::string("cannot be read: ") + std::strerror(errno));
      return false;
    }
    regular = S_ISREG(info.st_mode);
  }
  if (!regular) {
    diagnostics.error({path, 0, 0}, "is not a regular file");
  }
  return regular;
}

// The format the folder is read in: the one given, or (auto) the one its names are written in.
Format resolve_format(Format format, const std::vector<std::pair<std::string, unsigned char>>& entries,
                      const std::string& prefix, const util::Location& referenced_at, util::Diagnostics& diagnostics) {
  if (format != Format::automatic) {
    return format;
  }
  std::vector<std::string> names;
  for (const auto& entry : entries) {
    names.push_back(entry.first);
  }
  std::vector<std::string> problems;
  Format found = formats::detect(names, prefix, [](const std::string& path) {
    ReadBuffer contents;
    std::string error;
    return slurp(path, contents, error) ? std::string(contents.view()) : std::string();
  }, problems);
  for (const auto& problem : problems) {
    diagnostics.error(referenced_at, "migrations folder " + prefix + " " + problem);
  }
  return found;
}

// What a name is in the folder's format; names a user probably meant as migrations get a
// warning, names the format uses wrongly an error.
std::optional<formats::NameMatch> name_of(Format format, const std::string& name, const std::string& prefix,
                                          util::Diagnostics& diagnostics) {
  if (format == Format::flyway) {
    std::optional<ParsedName> parsed = parse_file_name(name);
    if (!parsed) {
      if (looks_like_migration(name)) {
        diagnostics.warning({prefix + name, 0, 0},
                            "ignored: a migration is named V<version>__<description>.sql or "
                            "R__<description>.sql");
      }
      return std::nullopt;
    }
    return formats::NameMatch{std::move(*parsed), false};
  }
  std::string problem;
  std::optional<formats::NameMatch> match = formats::parse_name(format, name, problem);
  if (!problem.empty()) {
    diagnostics.error({prefix + name, 0, 0}, problem);
  } else if (!match && is_sql_name(name)) {
    // e.g. V1__x.sql in a folder said to be golang-migrate's: the wrong format: would run nothing
    diagnostics.warning({prefix + name, 0, 0},
                        "ignored: not named as a " + std::string(topology::to_string(format)) +
                            " migration (is the service's format: right?)");
  }
  return match;
}

// golang-migrate: each .down.sql goes with the .up.sql of its version; one without is an error.
void pair_down_files(MigrationSet& set, const std::vector<Candidate>& downs, const std::string& prefix,
                     util::Diagnostics& diagnostics) {
  for (const Candidate& down : downs) {
    auto up = std::lower_bound(set.versioned.begin(), set.versioned.end(), *down.parsed.version,
                               [](const MigrationFile& file, const Version& v) { return *file.version < v; });
    if (up == set.versioned.end() || *up->version != *down.parsed.version) {
      diagnostics.error({prefix + down.name, 0, 0},
                        "is a down migration without its up file (" + down.parsed.version->text() + "_*.up.sql)");
    } else {
      up->down_path = prefix + down.name;
    }
  }
}

MigrationFile make_file(const std::string& prefix, Candidate& candidate) {
  MigrationFile file;
  file.kind = candidate.parsed.kind;
  file.version = std::move(candidate.parsed.version);
  file.description = std::move(candidate.parsed.description);
  file.path.reserve(prefix.size() + candidate.name.size());
  file.path.append(prefix).append(candidate.name);
  file.script = std::move(candidate.name);
  return file;
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

std::string read_sql(const std::string& path) {
  ReadBuffer contents;
  std::string error;
  if (!slurp(path, contents, error)) {
    throw ConfigError(std::vector<util::Diagnostic>{
        {{path, 0, 0}, "cannot be read: " + error, util::Severity::error}});
  }
  return fold_line_endings(contents.view());
}

Runnable read_runnable(const MigrationFile& file) {
  ReadBuffer contents;
  std::string error;
  if (!slurp(file.path, contents, error)) {
    throw ConfigError(std::vector<util::Diagnostic>{
        {{file.path, 0, 0}, "cannot be read: " + error, util::Severity::error}});
  }
  std::string_view text = contents.view();
  formats::UpPart up = formats::up_part(file.format, text);
  if (!up.problem.empty()) {
    throw ConfigError(std::vector<util::Diagnostic>{{{file.path, 0, 0}, up.problem, util::Severity::error}});
  }
  return {formats::runnable(text, up), checksum(text.substr(up.begin, up.end - up.begin))};
}

MigrationSet list(const std::filesystem::path& folder, const util::Location& referenced_at,
                  util::Diagnostics& diagnostics, Format format) {
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
  // opendir/readdir: the entry type comes with the listing, and no path object is built per
  // entry (a folder of thousands of migrations is listed on every run).
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(folder.c_str()), ::closedir);
  if (!dir) {
    diagnostics.error(referenced_at, "migrations folder " + folder.string() +
                                         " cannot be read: " + std::strerror(errno));
    return set;
  }
  // List and sort first (cheap), then build the records in their final order; read_files
  // fills in the checksums.
  std::vector<Candidate> versioned;
  std::vector<Candidate> repeatable;
  std::string prefix = folder.string();
  if (!prefix.empty() && prefix.back() != '/') {
    prefix += '/';
  }
  std::vector<std::pair<std::string, unsigned char>> entries; // name, d_type
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) {
        diagnostics.error(referenced_at, "migrations folder " + folder.string() +
                                             " could not be listed: " + std::strerror(errno));
      }
      break;
    }
    if (entry->d_name[0] != '\0' && entry->d_name[0] != '.') {
      entries.emplace_back(entry->d_name, entry->d_type);
    }
  }
  set.format = resolve_format(format, entries, prefix, referenced_at, diagnostics);
  std::vector<Candidate> downs; // golang-migrate's .down.sql files
  for (auto& [name, type] : entries) {
    std::optional<formats::NameMatch> match = name_of(set.format, name, prefix, diagnostics);
    if (!match) {
      continue;
    }
    // The name goes into dbctl_history (UTF-8 text on every server) and into messages.
    if (!util::is_utf8(name)) {
      diagnostics.error({prefix + escape_high_bytes(name), 0, 0},
                        "the file name is not valid UTF-8; rename the file");
      continue;
    }
    if (!is_regular(prefix + name, type, diagnostics)) {
      continue;
    }
    (match->down ? downs : match->parsed.kind == Kind::versioned ? versioned : repeatable)
        .push_back({std::move(name), std::move(match->parsed)});
  }
  // The script name breaks ties so the order (and duplicate messages) never depend on the
  // order the file system lists entries in.
  std::sort(versioned.begin(), versioned.end(), [](const Candidate& a, const Candidate& b) {
    int c = compare(*a.parsed.version, *b.parsed.version);
    return c != 0 ? c < 0 : a.name < b.name;
  });
  std::sort(repeatable.begin(), repeatable.end(), [](const Candidate& a, const Candidate& b) {
    return a.parsed.description < b.parsed.description;
  });
  for (auto [from, to] : {std::pair{&versioned, &set.versioned}, std::pair{&repeatable, &set.repeatable}}) {
    to->reserve(from->size());
    for (Candidate& candidate : *from) {
      to->push_back(make_file(prefix, candidate));
    }
    *from = {};
  }
  for (MigrationFile& file : set.versioned) {
    file.format = set.format;
  }
  pair_down_files(set, downs, prefix, diagnostics);
  report_duplicates(set.versioned, diagnostics);
  return set;
}

std::vector<util::Diagnostic> read_files(const std::vector<MigrationSet*>& sets, const FileVisitor& visit) {
  std::vector<MigrationFile*> all;
  for (MigrationSet* set : sets) {
    for (auto* files : {&set->versioned, &set->repeatable}) {
      for (MigrationFile& file : *files) {
        all.push_back(&file);
      }
    }
  }
  std::vector<util::Diagnostic> problems;
  for (const auto& [index, error] : load_all(all, visit)) {
    problems.push_back({{all[index]->path, 0, 0}, error, util::Severity::error});
  }
  return problems;
}

MigrationSet scan(const std::filesystem::path& folder, const util::Location& referenced_at,
                  util::Diagnostics& diagnostics) {
  MigrationSet set = list(folder, referenced_at, diagnostics);
  for (const auto& problem : read_files({&set})) {
    diagnostics.error(problem.where, problem.message);
  }
  return set;
}

} // namespace dbctl::migration
