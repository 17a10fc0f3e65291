#include "dbctl/util/file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace dbctl::util {

std::optional<std::string> read_text_file(const std::filesystem::path& path,
                                          std::uintmax_t max_bytes, std::string& message) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    message = "no such file";
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    message = "is not a regular file";
    return std::nullopt;
  }
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    message = "is " + std::to_string(size / 1024) + " KiB; the limit is " +
              std::to_string(max_bytes / 1024 / 1024) + " MiB";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    message = std::string("cannot be read: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    message = "could not be read to the end";
    return std::nullopt;
  }
  return contents.str();
}

} // namespace dbctl::util
