#pragma once
// Reading a whole text file with a size limit and a reason when it cannot be read.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace dbctl::util {

/// Read file contents, refusing anything not a readable regular file up to max_bytes; the
/// message says why ("no such file", "is 5000 KiB; the limit is 4 MiB", ...) when it returns
/// nullopt.
std::optional<std::string> read_text_file(const std::filesystem::path& path,
                                          std::uintmax_t max_bytes, std::string& message);

} // namespace dbctl::util
