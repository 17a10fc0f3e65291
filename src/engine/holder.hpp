#pragma once
// Who holds a lease (lock: table): readable in messages, unique per run.
#include <string>

namespace dbctl::engine {

/// Return "dbctl pid N on HOST (nonce)" for this process.
std::string holder_name();

} // namespace dbctl::engine
