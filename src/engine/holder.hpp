#pragma once
// Who holds a lease (lock: table): readable in messages, unique per run.
#include <string>

namespace dbctl::engine {

/// Return "dbctl pid N on HOST (nonce)", the same for the whole process: a lease this process
/// holds (a target's lock, one key per target and run) is taken again at once by the process,
/// as when a target's work starts again after a failover and its first attempt's lease, whose
/// connection went with the old primary, has not expired yet.
const std::string& holder_name();

} // namespace dbctl::engine
