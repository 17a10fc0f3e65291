#pragma once
// The words, names, literals and comments of one SQL statement, as the linter reads them.
#include "dbctl/topology/model.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::lint {

enum class TokenKind { word, quoted_name, string, number, symbol, comment };

/// One token: its text (a view into the statement), where it starts in the file, and how
/// deep in parentheses it sits.
struct Token {
  TokenKind kind = TokenKind::symbol;
  std::string_view text;
  std::size_t offset = 0; ///< in the file
  int depth = 0;          ///< parentheses open around it

  /// Tell whether the token is the keyword `upper` (given upper-case), in any case.
  bool is(std::string_view upper) const;
  /// Tell whether the token is the one-character symbol `c`.
  bool is(char c) const { return kind == TokenKind::symbol && text.size() == 1 && text[0] == c; }
};

/// What reading a statement found wrong: where and what.
struct TokenProblem {
  std::size_t offset = 0;
  std::string message;
};

/// A statement's tokens (comments included) and the problems that make it unreadable.
struct Tokens {
  std::vector<Token> tokens;
  std::vector<TokenProblem> problems;
};

/// Read the statement `text`, which starts at `offset` in its file, as the engine's dialect
/// writes it: quotes and comments of PostgreSQL (E'' strings, $tag$ quotes, nested comments) or
/// MySQL (backslash escapes, backticks, `#` comments, `/*! */` version comments read as code).
Tokens tokenize(std::string_view text, std::size_t offset, topology::Engine engine);

/// Return the name a word or quoted name stands for: unquoted, and folded to lower case where
/// the engine folds it (PostgreSQL unquoted names; MySQL compares table names without case here).
std::string name_of(const Token& token, topology::Engine engine);

} // namespace dbctl::lint
