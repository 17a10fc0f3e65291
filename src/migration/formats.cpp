#include "formats.hpp"

#include <algorithm>
#include <cctype>

namespace dbctl::migration::formats {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string describe(std::string_view raw) {
  std::string out(raw);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_sql_name(std::string_view name) { return ends_with(lower(name), ".sql"); }

namespace {

// `<digits>_<rest>`: the digits (nullopt when the name does not start so).
std::optional<std::string_view> leading_version(std::string_view name, std::string_view& rest) {
  std::size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits])) != 0) {
    ++digits;
  }
  if (digits == 0 || digits >= name.size() || name[digits] != '_') {
    return std::nullopt;
  }
  rest = name.substr(digits + 1);
  return name.substr(0, digits);
}

// golang-migrate: {version}_{title}.{up|down}.{extension} (its source/parse.go); SQL only here.
std::optional<NameMatch> golang_name(std::string_view name, std::string& problem) {
  bool up = ends_with(name, ".up.sql");
  bool down = ends_with(name, ".down.sql");
  if (!up && !down) {
    return std::nullopt;
  }
  std::string_view rest;
  std::optional<std::string_view> version = leading_version(name, rest);
  if (!version) {
    problem = "is not named {version}_{title}." + std::string(up ? "up" : "down") +
              ".sql: golang-migrate needs the version number first";
    return std::nullopt;
  }
  NameMatch match;
  match.down = down;
  match.parsed.kind = Kind::versioned;
  match.parsed.version = Version::parse(*version);
  match.parsed.description = describe(rest.substr(0, rest.size() - (up ? 7 : 9)));
  return match;
}

// dbmate and goose: {version}_{description}.sql (goose also .go, which only goose can run).
std::optional<NameMatch> numbered_name(Format format, std::string_view name, std::string& problem) {
  bool go = format == Format::goose && ends_with(name, ".go");
  if (!ends_with(name, ".sql") && !go) {
    return std::nullopt;
  }
  std::string_view rest;
  std::optional<std::string_view> version = leading_version(name, rest);
  if (!version) {
    return std::nullopt;
  }
  if (go) {
    problem = "is a Go migration: dbctl runs SQL migrations (write it in SQL, or keep running goose for it)";
    return std::nullopt;
  }
  NameMatch match;
  match.parsed.kind = Kind::versioned;
  match.parsed.version = Version::parse(*version);
  match.parsed.description = describe(rest.substr(0, rest.size() - 4));
  return match;
}

// Each line of text with where it starts.
template <typename Each> void each_line(std::string_view text, Each each) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(at, (end == std::string_view::npos ? text.size() : end) - at);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!each(line, at, next)) {
      return;
    }
    at = next;
  }
}

std::string_view trim(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// A `-- <word>...` comment line's text after `--`, trimmed; empty for other lines.
std::string_view comment_text(std::string_view line) {
  line = trim(line);
  return line.rfind("--", 0) == 0 ? trim(line.substr(2)) : std::string_view();
}

// The part between an up marker and a down marker (or the end), as each tool reads its file.
UpPart between_markers(std::string_view contents, std::string_view up_marker, std::string_view down_marker,
                       std::string_view no_transaction, const std::string& missing) {
  UpPart part;
  std::optional<std::size_t> up;
  std::optional<std::size_t> down_line;
  each_line(contents, [&](std::string_view line, std::size_t at, std::size_t next) {
    std::string text = lower(comment_text(line));
    if (text.rfind(up_marker, 0) == 0) {
      if (up) {
        part.problem = "has two `-- " + std::string(up_marker) + "` lines";
        return false;
      }
      up = next;
      part.no_transaction = part.no_transaction || text.find(no_transaction) != std::string::npos;
    } else if (text.rfind(down_marker, 0) == 0) {
      if (up && !down_line) {
        down_line = at;
      }
    } else if (text == no_transaction) {
      part.no_transaction = true; // goose: a line of its own anywhere in the file
    }
    return true;
  });
  if (!part.problem.empty()) {
    return part;
  }
  if (!up) {
    part.problem = missing;
    return part;
  }
  part.begin = *up;
  part.end = down_line ? *down_line : contents.size();
  return part;
}

bool contains_word(std::string_view text, std::string_view word) {
  return lower(text).find(word) != std::string::npos;
}

} // namespace

std::optional<NameMatch> parse_name(Format format, std::string_view name, std::string& problem) {
  problem.clear();
  if (format == Format::golang_migrate) {
    return golang_name(name, problem);
  }
  return numbered_name(format, name, problem);
}

Format detect(const std::vector<std::string>& names, const std::string& prefix,
              const std::function<std::string(const std::string&)>& peek, std::vector<std::string>& problems) {
  std::vector<std::string> flyway;
  std::vector<std::string> golang;
  std::vector<std::string> numbered;
  std::vector<std::string> other_sql;
  std::string ignored;
  for (const auto& name : names) {
    if (parse_file_name(name)) {
      flyway.push_back(name);
    } else if (golang_name(name, ignored)) {
      golang.push_back(name);
    } else if (numbered_name(Format::dbmate, name, ignored)) {
      numbered.push_back(name);
    } else if (is_sql_name(name)) {
      other_sql.push_back(name);
    }
  }
  std::vector<std::pair<std::string, std::string>> found; // format, an example file
  for (const auto& [format, files] : {std::pair{"flyway", &flyway}, std::pair{"golang-migrate", &golang},
                                      std::pair{"dbmate or goose", &numbered}}) {
    if (!files->empty()) {
      found.emplace_back(format, *std::min_element(files->begin(), files->end()));
    }
  }
  if (found.size() > 1) {
    std::string message = "mixes migration formats:";
    for (const auto& [format, file] : found) {
      message += " " + file + " is " + format + ";";
    }
    problems.push_back(message + " keep one format per folder (or set the service's format:)");
    return Format::flyway;
  }
  if (found.empty()) {
    if (!other_sql.empty()) {
      problems.push_back("holds SQL files named as no migration format knows them (e.g. " +
                         *std::min_element(other_sql.begin(), other_sql.end()) +
                         "): flyway V1__name.sql, golang-migrate 1_name.up.sql, dbmate or goose 20240101120000_name.sql");
    }
    return Format::flyway;
  }
  if (!flyway.empty()) {
    return Format::flyway;
  }
  if (!golang.empty()) {
    return Format::golang_migrate;
  }
  std::string first = *std::min_element(numbered.begin(), numbered.end());
  std::string head = peek(prefix + first);
  if (up_part(Format::dbmate, head).problem.empty()) {
    return Format::dbmate;
  }
  if (up_part(Format::goose, head).problem.empty()) {
    return Format::goose;
  }
  problems.push_back(first + " is neither a dbmate migration (-- migrate:up) nor a goose one (-- +goose Up); set the "
                             "service's format:");
  return Format::dbmate;
}

UpPart up_part(Format format, std::string_view contents) {
  switch (format) {
  case Format::dbmate:
    // dbmate: `-- migrate:up [transaction:false]` ... `-- migrate:down`
    return between_markers(contents, "migrate:up", "migrate:down", "transaction:false",
                           "has no `-- migrate:up` line (a dbmate migration needs one)");
  case Format::goose:
    // goose: `-- +goose Up` ... `-- +goose Down`, `-- +goose NO TRANSACTION` anywhere
    return between_markers(contents, "+goose up", "+goose down", "+goose no transaction",
                           "has no `-- +goose Up` line (a goose migration needs one)");
  case Format::golang_migrate: {
    // golang-migrate sends the file as it is, in no transaction of its own; one that builds an
    // index CONCURRENTLY must run outside one here too.
    UpPart part;
    part.end = contents.size();
    part.no_transaction = contains_word(contents, "concurrently");
    return part;
  }
  case Format::flyway:
  case Format::automatic:
  case Format::command: // runs a program: no files of its own to read or write
    break;
  }
  UpPart part;
  part.end = contents.size();
  std::string_view text = contents;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
    text.remove_prefix(3); // a UTF-8 byte order mark
  }
  std::string_view line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  part.no_transaction = line == k_no_transaction_directive;
  return part;
}

std::string runnable(std::string_view contents, const UpPart& up) {
  std::string out;
  out.reserve(contents.size());
  std::size_t end = std::min(up.end, contents.size());
  for (std::size_t i = 0; i < contents.size(); ++i) {
    char c = contents[i];
    if (c == '\r' && i + 1 < contents.size() && contents[i + 1] == '\n') {
      continue; // CRLF folded
    }
    out += (i >= up.begin && i < end) || c == '\n' ? c : ' ';
  }
  return out;
}

} // namespace dbctl::migration::formats
