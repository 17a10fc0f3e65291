#pragma once
// Spreading independent CPU-bound work (file checksums, password hashing) over the cores.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace dbctl::util {

/// Call a work function for every index in [0, count): on the calling thread alone when count
/// is below `serial_below`, else on as many threads as there are cores (at most 8), each taking
/// the next index. `make_work()` runs once per thread and returns its work function (callable
/// with an index), which may keep per-thread state such as a buffer. The work functions must
/// be safe to run concurrently and must not throw.
template <typename MakeWork>
void for_each_index(std::size_t count, std::size_t serial_below, MakeWork make_work) {
  unsigned cores = std::max(1U, std::min(std::thread::hardware_concurrency(), 8U));
  unsigned threads = count < serial_below ? 1U : static_cast<unsigned>(std::min<std::size_t>(cores, count));
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    auto work = make_work();
    for (std::size_t i = next++; i < count; i = next++) {
      work(i);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back(worker);
  }
  worker();
  for (auto& thread : pool) {
    thread.join();
  }
}

} // namespace dbctl::util
