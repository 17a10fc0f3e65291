#include "dbctl/lint/lint.hpp"

#include "statement.hpp"
#include "tokens.hpp"

#include "dbctl/engine/splitter.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace dbctl::lint {

namespace {

using topology::Engine;

constexpr std::string_view k_ignore = "dbctl:lint-ignore";

// Where each line starts, to turn byte offsets into line:column.
class Lines {
public:
  explicit Lines(std::string_view text) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') {
        m_starts.push_back(i + 1);
      }
    }
  }

  int line_of(std::size_t offset) const {
    auto after = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
    return static_cast<int>(after - m_starts.begin());
  }

  util::Location at(const std::string& file, std::size_t offset) const {
    int line = line_of(offset);
    return {file, line, static_cast<int>(offset - m_starts[static_cast<std::size_t>(line - 1)]) + 1};
  }

private:
  std::vector<std::size_t> m_starts;
};

// A `-- dbctl:lint-ignore RULE reason` comment and the line of the code after it.
struct Ignore {
  std::string rule;
  int line = 0; ///< the line of the next code token: the finding it silences starts there
  bool used = false;
};

std::string_view trim(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The text of a comment without its markers, trimmed.
std::string_view comment_body(std::string_view text) {
  if (text.rfind("--", 0) == 0) {
    text.remove_prefix(2);
  } else if (text.rfind('#', 0) == 0) {
    text.remove_prefix(1);
  } else if (text.rfind("/*", 0) == 0) {
    text.remove_prefix(2);
    if (text.size() >= 2 && text.substr(text.size() - 2) == "*/") {
      text.remove_suffix(2);
    }
  }
  return trim(text);
}

} // namespace

// The linter of one file: its statements in order, with what earlier statements of the file
// created or set, and the findings.
class FileLinter : public StatementSink {
public:
  FileLinter(const std::string& path, std::string_view sql, bool no_transaction, const Settings& settings)
      : m_sql(sql), m_lines(sql), m_settings(settings), m_no_transaction(no_transaction) {
    m_out.path = path;
  }

  FileLint run() {
    std::vector<engine::SqlStatement> statements = m_settings.engine == Engine::postgres
                                                       ? engine::split_postgres(m_sql)
                                                       : engine::split_mysql(m_sql);
    std::vector<Tokens> read;
    read.reserve(statements.size());
    for (const auto& statement : statements) {
      read.push_back(tokenize(m_sql.substr(statement.offset, statement.text.size()), statement.offset,
                              m_settings.engine));
      for (const auto& problem : read.back().problems) {
        m_out.problems.push_back({m_lines.at(m_out.path, problem.offset), problem.message, util::Severity::error});
      }
    }
    read_ignores(read);
    if (!m_out.problems.empty()) {
      return std::move(m_out); // a statement that cannot be read would only give false findings
    }
    FileState state;
    std::vector<Token> code; // one statement's, the buffer reused
    for (const Tokens& tokens : read) {
      code.clear();
      for (const Token& token : tokens.tokens) {
        if (token.kind != TokenKind::comment) {
          code.push_back(token);
        }
      }
      while (!code.empty() && code.back().is(';')) {
        code.pop_back(); // PostgreSQL statements come with their semicolon
      }
      if (!code.empty()) {
        m_statement_line = m_lines.line_of(code.front().offset);
        analyze(code, m_settings, m_no_transaction, state, *this);
      }
    }
    return std::move(m_out);
  }

  void report(std::string_view rule_id, const Token& at, std::string message) override {
    if (Finding* finding = make(rule_id, at, std::move(message))) {
      m_out.findings.push_back(std::move(*finding));
    }
  }

  void report_unless_proven(std::string_view rule_id, const Token& at, std::string message, std::string table,
                            std::string column) override {
    if (Finding* finding = make(rule_id, at, std::move(message))) {
      m_out.pending.push_back({std::move(*finding), std::move(table), std::move(column), m_out.events.size()});
    }
  }

  void event(ConstraintEvent event) override { m_out.events.push_back(std::move(event)); }

  int line_of(const Token& token) const override { return m_lines.line_of(token.offset); }

private:
  // The finding of a rule at a token, or nullptr when the rule is off or a directive silences it.
  Finding* make(std::string_view rule_id, const Token& at, std::string message) {
    const Rule* rule = find_rule(rule_id);
    Level level = rule == nullptr ? Level::off : m_settings.level_of(*rule);
    if (level == Level::off) {
      return nullptr;
    }
    util::Location where = m_lines.at(m_out.path, at.offset);
    for (Ignore& ignore : m_ignores) {
      if (!ignore.used && ignore.rule == rule_id && (ignore.line == where.line || ignore.line == m_statement_line)) {
        ignore.used = true;
        ++m_out.suppressed;
        return nullptr;
      }
    }
    m_made = Finding{std::move(where), std::string(rule_id), level, std::move(message), std::string(rule->fix)};
    return &m_made;
  }

  // Find every dbctl:lint-ignore comment and the line of the code that follows it.
  void read_ignores(const std::vector<Tokens>& read) {
    std::vector<std::size_t> waiting; // ignores not yet followed by code
    for (const Tokens& tokens : read) {
      for (const Token& token : tokens.tokens) {
        if (token.kind != TokenKind::comment) {
          for (std::size_t index : waiting) {
            m_ignores[index].line = m_lines.line_of(token.offset);
          }
          waiting.clear();
          continue;
        }
        std::string_view body = comment_body(token.text);
        if (body.rfind(k_ignore, 0) != 0) {
          continue;
        }
        if (auto rule = parse_ignore(body.substr(k_ignore.size()), token)) {
          waiting.push_back(m_ignores.size());
          m_ignores.push_back({std::move(*rule), 0, false});
        }
      }
    }
  }

  // The rule of a directive's text after `dbctl:lint-ignore`; a problem when it names no known
  // rule or gives no reason.
  std::optional<std::string> parse_ignore(std::string_view rest, const Token& at) {
    rest = trim(rest);
    std::size_t space = rest.find_first_of(" \t");
    std::string rule(rest.substr(0, space));
    std::string_view reason = space == std::string_view::npos ? std::string_view() : trim(rest.substr(space));
    util::Location where = m_lines.at(m_out.path, at.offset);
    if (rule.empty()) {
      m_out.problems.push_back({where, "dbctl:lint-ignore needs a rule and a reason (-- dbctl:lint-ignore RULE why)",
                                util::Severity::error});
      return std::nullopt;
    }
    if (find_rule(rule) == nullptr) {
      std::string message = "dbctl:lint-ignore names no rule '" + util::printable(rule) + "'";
      if (auto suggestion = util::closest(rule, rule_ids())) {
        message += " (did you mean '" + *suggestion + "'?)";
      }
      m_out.problems.push_back({where, message, util::Severity::error});
      return std::nullopt;
    }
    if (reason.empty()) {
      m_out.problems.push_back({where, "dbctl:lint-ignore " + rule + " needs a reason after the rule (why it is safe here)",
                                util::Severity::error});
      return std::nullopt;
    }
    return rule;
  }

  std::string_view m_sql;
  Lines m_lines;
  const Settings& m_settings;
  bool m_no_transaction;
  std::vector<Ignore> m_ignores;
  int m_statement_line = 0;
  Finding m_made;
  FileLint m_out;
};

FileLint lint_file(const std::string& path, std::string_view sql, bool no_transaction, const Settings& settings) {
  return FileLinter(path, sql, no_transaction, settings).run();
}

void settle(const std::vector<FileLint*>& in_order) {
  std::set<std::string> proven;                     // "table.column" a validated CHECK proves NOT NULL
  std::map<std::string, std::string> not_yet_valid; // "table.constraint" -> the column it would prove
  for (FileLint* file : in_order) {
    auto pending = file->pending.begin();
    for (std::size_t k = 0; k <= file->events.size(); ++k) {
      for (; pending != file->pending.end() && pending->event == k; ++pending) {
        if (proven.count(pending->table + "." + pending->column) == 0) {
          file->findings.push_back(std::move(pending->finding));
        }
      }
      if (k == file->events.size()) {
        break;
      }
      const ConstraintEvent& event = file->events[k];
      std::string key = event.table + "." + event.constraint;
      if (event.kind == ConstraintEvent::Kind::added && !event.column.empty()) {
        if (event.valid) {
          proven.insert(event.table + "." + event.column);
        } else if (!event.constraint.empty()) {
          not_yet_valid[key] = event.column;
        }
      } else if (event.kind == ConstraintEvent::Kind::validated) {
        auto found = not_yet_valid.find(key);
        if (found != not_yet_valid.end()) {
          proven.insert(event.table + "." + found->second);
        }
      }
    }
    file->pending.clear();
    std::stable_sort(file->findings.begin(), file->findings.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
  }
}

} // namespace dbctl::lint
