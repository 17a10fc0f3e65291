#include "yaml_reader.hpp"

#include "dbctl/util/process.hpp"
#include "dbctl/util/secret.hpp"

#include "sections.hpp"

#include "dbctl/util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include <yaml-cpp/depthguard.h>

namespace dbctl::topology::detail {

namespace {
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Null:
    return "empty";
  default:
    return "a scalar";
  }
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ")) + names[i];
  }
  return out;
}
} // namespace

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file,
                                     util::Diagnostics& diagnostics) {
  if (text.find('\0') != std::string::npos) {
    diagnostics.error({file, 0, 0}, "contains NUL bytes: not a YAML text file");
    return std::nullopt;
  }
  try {
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's depth guard says only "bad file"; say what is wrong.
    diagnostics.error({file, e.mark.line + 1, e.mark.column + 1},
                      "invalid YAML: nested more than " + std::to_string(e.depth()) + " levels deep");
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    int column = e.mark.is_null() ? 0 : e.mark.column + 1;
    diagnostics.error({file, line, column}, "invalid YAML: " + e.msg);
  }
  return std::nullopt;
}

std::string join_path(const std::string& parent, std::string_view child) {
  return parent.empty() ? std::string(child) : parent + "." + std::string(child);
}

Reader::Reader(std::string file, std::filesystem::path dir, util::Diagnostics& diagnostics,
               const util::EnvLookup& env, std::vector<Secret>& secrets)
    : m_file(std::move(file)), m_dir(std::move(dir)), m_diagnostics(diagnostics), m_env(env),
      m_secrets(secrets) {}

Reader Reader::for_file(std::string file, std::filesystem::path dir) const {
  Reader reader(std::move(file), std::move(dir), m_diagnostics, m_env, m_secrets);
  reader.m_commands = m_commands; // a command another file of the load ran is not run again
  return reader;
}

std::optional<YAML::Node> Reader::parse(const std::string& text) {
  return parse_yaml(text, m_file, m_diagnostics);
}

Location Reader::at(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) {
    return {m_file, 0, 0};
  }
  return {m_file, mark.line + 1, mark.column + 1};
}

void Reader::error(const YAML::Node& node, std::string message) {
  m_diagnostics.error(at(node), std::move(message));
}

void Reader::error(const Location& where, std::string message) {
  m_diagnostics.error(where, std::move(message));
}

bool Reader::any_mapping(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) {
    error(node, path + " must be a mapping (key: value), not " + describe(node));
    return false;
  }
  return true;
}

bool Reader::mapping(const YAML::Node& node, const std::string& path,
                     std::initializer_list<std::string_view> allowed) {
  if (!any_mapping(node, path)) {
    return false;
  }
  std::vector<std::string> names(allowed.begin(), allowed.end());
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    std::string name = key.IsScalar() ? key.Scalar() : std::string();
    if (!seen.insert(name).second) {
      error(key, "key '" + util::printable(name) + "' appears twice in " + path);
      continue;
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      continue;
    }
    std::string message = "unknown key '" + util::printable(name) + "' in " + path;
    if (auto suggestion = util::closest(name, names)) {
      message += " (did you mean '" + *suggestion + "'?)";
    } else {
      message += " (expected " + quoted_list(names) + ")";
    }
    error(key, message);
  }
  return true;
}

std::optional<std::string> Reader::scalar(const YAML::Node& node, const std::string& path,
                                          bool is_secret) {
  if (!node.IsDefined() || node.IsNull()) {
    return std::nullopt;
  }
  if (!node.IsScalar()) {
    error(node, path + " must be a single value, not " + describe(node));
    return std::nullopt;
  }
  util::Interpolated result = util::interpolate(node.Scalar(), m_env);
  for (const auto& problem : result.errors) {
    error(node, path + ": " + problem);
  }
  if (!result.errors.empty()) {
    return std::nullopt;
  }
  if (is_secret && !result.value.empty()) {
    m_secrets.emplace_back(result.value);
  }
  // Every value ends up in a C string (libpq, libmariadb) that would cut it at a NUL: a
  // password would silently become its first part.
  if (result.value.find('\0') != std::string::npos) {
    error(node, path + " holds a NUL byte (\\0), which no server accepts in a value");
    return std::nullopt;
  }
  return std::move(result.value);
}

std::optional<Located<std::string>> Reader::text(const YAML::Node& node, const std::string& path) {
  auto value = scalar(node, path, false);
  if (!value) {
    return std::nullopt;
  }
  return Located<std::string>{std::move(*value), at(node)};
}

std::optional<Located<Secret>> Reader::secret(const YAML::Node& node, const std::string& path) {
  auto value = scalar(node, path, true);
  if (!value) {
    return std::nullopt;
  }
  return Located<Secret>{Secret(std::move(*value)), at(node)};
}

namespace {

// The text without its leading and trailing blanks and newlines.
std::string trimmed(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return {};
  }
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

} // namespace

std::optional<Located<std::vector<std::string>>> Reader::argv(const YAML::Node& node, const std::string& path,
                                                              const std::string& example) {
  if (!node.IsSequence()) {
    error(node, path + " must be a list of words (argv), e.g. " + example +
                    "; dbctl runs no shell (for one, write [\"sh\", \"-c\", \"...\"])");
    return std::nullopt;
  }
  std::vector<Located<std::string>> words = text_list(node, path);
  if (words.size() != node.size()) {
    return std::nullopt; // an item was reported
  }
  Located<std::vector<std::string>> out{{}, at(node)};
  for (const auto& word : words) {
    if (word.value.empty()) {
      error(word.where, path + " holds an empty word");
      return std::nullopt;
    }
    out.value.push_back(word.value);
  }
  if (out.value.empty()) {
    error(node, path + " is empty; give the program and its arguments");
    return std::nullopt;
  }
  return out;
}

std::optional<Located<Secret>> Reader::password_from_command(const YAML::Node& node, const std::string& path) {
  auto given = argv(node, path, "[\"vault\", \"kv\", \"get\", \"-field=password\", \"secret/users\"]");
  if (!given) {
    return std::nullopt;
  }
  const std::vector<std::string>& argv = given->value;
  Location where = at(node);
  auto [entry, fresh] = m_commands->try_emplace(argv);
  CommandOutput& output = entry->second;
  if (fresh) {
    std::optional<std::filesystem::path> program = util::find_program(argv.front(), m_dir);
    if (!program) {
      output.problem = util::missing_program(argv.front(), m_dir);
    } else {
      util::ProcessSpec spec;
      spec.argv = argv;
      spec.argv.front() = program->string();
      spec.cwd = m_dir;
      spec.timeout = std::chrono::seconds(60);
      std::string out;
      std::vector<std::string> err;
      spec.on_line = [&](util::Stream stream, std::string_view line) {
        if (stream == util::Stream::out) {
          out.append(line).push_back('\n');
        } else {
          err.emplace_back(line);
        }
      };
      util::ProcessResult result = util::run_process(spec);
      std::string value = trimmed(out);
      std::vector<std::string> secrets;
      if (!value.empty()) {
        secrets.push_back(value);
      }
      std::string command = "`" + util::command_line(argv) + "`";
      if (!result.started) {
        output.problem = result.error;
      } else if (result.timed_out) {
        output.problem = command + " did not finish within 60 s";
      } else if (result.exit_code != 0) {
        output.problem = command + " exited " + std::to_string(result.exit_code);
      } else if (value.empty()) {
        output.problem = command + " printed nothing";
      } else if (value.find('\0') != std::string::npos) {
        output.problem = command + " printed a NUL byte; a password is text";
      } else {
        output.value = value;
      }
      for (const auto& line : err) {
        std::string shown = util::mask_secrets(line, secrets);
        if (output.value) {
          m_diagnostics.warning(where, path + ": " + argv.front() + ": " + shown);
        } else {
          output.problem += (output.problem.find(": ") == std::string::npos ? ": " : "; ") + shown;
        }
      }
    }
  }
  if (!output.value) {
    error(where, path + ": " + output.problem);
    return std::nullopt;
  }
  m_secrets.emplace_back(*output.value);
  return Located<Secret>{Secret(*output.value), where};
}

std::optional<Located<Secret>> Reader::password(const YAML::Node& mapping, const std::string& path) {
  const YAML::Node file_node = mapping["password_file"];
  const YAML::Node command_node = mapping["password_command"];
  std::vector<std::string> given;
  for (const char* key : {"password", "password_file", "password_command"}) {
    if (mapping[key]) {
      given.emplace_back(key);
    }
  }
  if (given.size() > 1) {
    std::string keys = given[0] + (given.size() == 3 ? ", " + given[1] + " and " + given[2] : " and " + given[1]);
    error(file_node ? file_node : command_node, path + ": " + keys + " are alternatives; give one");
    return std::nullopt;
  }
  if (command_node) {
    return password_from_command(command_node, path + ".password_command");
  }
  if (!file_node) {
    return secret(mapping["password"], path + ".password");
  }
  auto name = text(file_node, path + ".password_file");
  if (!name) {
    return std::nullopt;
  }
  std::filesystem::path file = name->value;
  file = (file.is_relative() ? m_dir / file : file).lexically_normal();
  std::string message;
  std::optional<std::string> value = read_text_file(file, 1024 * 1024, message);
  if (value && !value->empty() && value->back() == '\n') {
    value->pop_back();
    if (!value->empty() && value->back() == '\r') {
      value->pop_back();
    }
  }
  if (value && (value->empty() || value->find('\0') != std::string::npos)) {
    message = value->empty() ? "is empty" : "holds a NUL byte; a password is text";
    value.reset();
  }
  if (!value) {
    error(name->where, path + ".password_file: " + file.string() + ": " + message);
    return std::nullopt;
  }
  m_secrets.emplace_back(*value);
  return Located<Secret>{Secret(std::move(*value)), name->where};
}

std::optional<Located<int>> Reader::integer(const YAML::Node& node, const std::string& path,
                                            int min, int max) {
  auto word = text(node, path);
  if (!word) {
    return std::nullopt;
  }
  int value = 0;
  const std::string& s = word->value;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < min || value > max) {
    error(word->where, path + " must be a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", not '" + util::printable(s) + "'");
    return std::nullopt;
  }
  return Located<int>{value, word->where};
}

std::optional<Located<bool>> Reader::boolean(const YAML::Node& node, const std::string& path) {
  auto word = text(node, path);
  if (!word) {
    return std::nullopt;
  }
  std::string lower = word->value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "yes" || lower == "on") {
    return Located<bool>{true, word->where};
  }
  if (lower == "false" || lower == "no" || lower == "off") {
    return Located<bool>{false, word->where};
  }
  error(word->where, path + " must be true or false, not '" + util::printable(word->value) + "'");
  return std::nullopt;
}

std::vector<Located<std::string>> Reader::text_list(const YAML::Node& node,
                                                    const std::string& path) {
  std::vector<Located<std::string>> out;
  if (!node.IsDefined() || node.IsNull()) {
    return out;
  }
  if (node.IsScalar()) {
    if (auto one = text(node, path)) {
      out.push_back(std::move(*one));
    }
    return out;
  }
  if (!node.IsSequence()) {
    error(node, path + " must be a list, not " + describe(node));
    return out;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto item = text(node[i], path + "[" + std::to_string(i) + "]")) {
      out.push_back(std::move(*item));
    }
  }
  return out;
}

void Reader::report_bad_choice(const Location& where, const std::string& path,
                               const std::string& word, const std::vector<std::string>& names) {
  std::string message = path + " must be " + quoted_list(names) + ", not '" +
                        util::printable(word) + "'";
  if (auto suggestion = util::closest(word, names)) {
    message += " (did you mean '" + *suggestion + "'?)";
  }
  error(where, message);
}

} // namespace dbctl::topology::detail
