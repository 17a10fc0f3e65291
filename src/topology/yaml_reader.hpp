#pragma once
// Typed, located reads of a yaml-cpp tree that report every problem instead of throwing.
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"
#include "dbctl/util/interpolate.hpp"

#include <initializer_list>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace dbctl::topology::detail {

/// One allowed value of an enumerated key.
template <typename E> using Choice = std::pair<std::string_view, E>;

/// Reads values of one file, interpolating `${VAR}` and collecting problems.
class Reader {
public:
  /// Read values of `file` (in folder `dir`, where relative file names start) with variables
  /// from `env`, reporting into `diagnostics` and recording every secret read in `secrets`.
  Reader(std::string file, std::filesystem::path dir, util::Diagnostics& diagnostics,
         const util::EnvLookup& env, std::vector<Secret>& secrets);

  /// Return a reader of another file (its relative names resolving against `dir`) reporting
  /// into the same diagnostics, with the same variables and secrets.
  Reader for_file(std::string file, std::filesystem::path dir) const;

  /// Parse this file's YAML text (see parse_yaml).
  std::optional<YAML::Node> parse(const std::string& text);

  /// Return the 1-based location of a node.
  Location at(const YAML::Node& node) const;
  /// Report an error at a node.
  void error(const YAML::Node& node, std::string message);
  /// Report an error at a location.
  void error(const Location& where, std::string message);

  /// Check that node is a mapping with only allowed keys; report unknown and repeated keys.
  bool mapping(const YAML::Node& node, const std::string& path,
               std::initializer_list<std::string_view> allowed);
  /// Check that node is a mapping (any keys); report it otherwise.
  bool any_mapping(const YAML::Node& node, const std::string& path);
  /// Read a scalar as text after interpolation; nullopt when absent, null or invalid.
  std::optional<Located<std::string>> text(const YAML::Node& node, const std::string& path);
  /// Read a secret scalar; its value never appears in a message.
  std::optional<Located<Secret>> secret(const YAML::Node& node, const std::string& path);
  /// Read a program's argv: a non-empty list of non-empty words. Anything else (a string
  /// above all: dbctl runs no shell) is an error whose message shows `example`.
  std::optional<Located<std::vector<std::string>>> argv(const YAML::Node& node, const std::string& path,
                                                        const std::string& example);
  /// Read the password of a mapping: its `password` key (a secret scalar), its
  /// `password_file` key (a file, relative to the topology's folder, whose contents less one
  /// trailing newline are the password, as Docker and Kubernetes mount secrets) or its
  /// `password_command` key (an argv run in the topology's folder, no shell; its stdout,
  /// trimmed, is the password; each argv runs once per load; its stderr lines become warnings
  /// with the value masked). Two at once, an unreadable, empty or binary file, a command that
  /// fails or prints nothing are errors; the value never appears in a message.
  std::optional<Located<Secret>> password(const YAML::Node& mapping, const std::string& path);
  /// Read an integer in [min, max].
  std::optional<Located<int>> integer(const YAML::Node& node, const std::string& path, int min,
                                      int max);
  /// Read a boolean (true/false/yes/no/on/off).
  std::optional<Located<bool>> boolean(const YAML::Node& node, const std::string& path);
  /// Read a list of scalars (a single scalar counts as a list of one).
  std::vector<Located<std::string>> text_list(const YAML::Node& node, const std::string& path);

  /// Read one of a fixed set of words.
  template <typename E>
  std::optional<Located<E>> choice(const YAML::Node& node, const std::string& path,
                                   std::initializer_list<Choice<E>> choices) {
    auto word = text(node, path);
    if (!word) {
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (const auto& [name, value] : choices) {
      if (word->value == name) {
        return Located<E>{value, word->where};
      }
      names.emplace_back(name);
    }
    report_bad_choice(word->where, path, word->value, names);
    return std::nullopt;
  }

  /// Return the file name used in locations.
  const std::string& file() const { return m_file; }

private:
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path,
                                    bool is_secret);
  void report_bad_choice(const Location& where, const std::string& path, const std::string& word,
                         const std::vector<std::string>& names);

  std::string m_file;
  std::filesystem::path m_dir;
  util::Diagnostics& m_diagnostics;
  const util::EnvLookup& m_env;
  std::vector<Secret>& m_secrets;
  /// password_command: what each argv printed (or why it failed), so one runs once per load.
  struct CommandOutput {
    std::optional<std::string> value;
    std::string problem;
  };
  std::shared_ptr<std::map<std::vector<std::string>, CommandOutput>> m_commands =
      std::make_shared<std::map<std::vector<std::string>, CommandOutput>>();

  std::optional<Located<Secret>> password_from_command(const YAML::Node& node, const std::string& path);
};

/// Parse YAML text; on a syntax error (or NUL bytes) report it at its place in `file` and
/// return nullopt.
std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file,
                                     util::Diagnostics& diagnostics);

/// Return `parent.child`, or `child` at the top.
std::string join_path(const std::string& parent, std::string_view child);

} // namespace dbctl::topology::detail
