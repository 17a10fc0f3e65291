#include "dbctl/targets/schedule.hpp"

#include <algorithm>
#include <set>

namespace dbctl::targets {

Scheduler::Scheduler(const std::vector<const topology::Server*>& servers, int cost,
                     const std::map<const topology::Server*, int>& held)
    : m_servers(servers) {
  for (std::size_t i = 0; i < servers.size(); ++i) {
    Queue& queue = m_queues[servers[i]];
    auto elsewhere = held.find(servers[i]);
    queue.capacity = std::max(1, servers[i]->max_connections - (elsewhere == held.end() ? 0 : elsewhere->second));
    queue.cost = std::min(std::max(1, cost), queue.capacity);
    queue.items.push_back(i);
  }
  m_waiting = servers.size();
}

std::optional<std::size_t> Scheduler::next() {
  std::unique_lock<std::mutex> lock(m_mutex);
  for (;;) {
    if (m_stopped || m_waiting == 0) {
      return std::nullopt;
    }
    // The earliest waiting item among the servers with room: one look per server, however
    // many items wait.
    Queue* best = nullptr;
    for (auto& [server, queue] : m_queues) {
      if (!queue.items.empty() && queue.in_use + queue.cost <= queue.capacity &&
          (best == nullptr || queue.items.front() < best->items.front())) {
        best = &queue;
      }
    }
    if (best != nullptr) {
      std::size_t item = best->items.front();
      best->items.pop_front();
      best->in_use += best->cost;
      --m_waiting;
      return item;
    }
    m_changed.wait(lock);
  }
}

std::optional<std::size_t> Scheduler::continue_with(std::size_t finished) {
  std::lock_guard<std::mutex> lock(m_mutex);
  Queue& queue = m_queues.at(m_servers.at(finished));
  if (m_stopped || queue.items.empty()) {
    return std::nullopt;
  }
  std::size_t item = queue.items.front();
  queue.items.pop_front();
  --m_waiting;
  return item;
}

void Scheduler::done(std::size_t item) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    Queue& queue = m_queues.at(m_servers.at(item));
    queue.in_use -= queue.cost;
  }
  m_changed.notify_all();
}

void Scheduler::stop() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stopped = true;
  }
  m_changed.notify_all();
}

std::size_t Scheduler::not_started() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_waiting;
}

int default_jobs(const std::vector<const topology::Server*>& servers, int cost, std::size_t targets) {
  std::set<const topology::Server*> distinct(servers.begin(), servers.end());
  int allowed = 0;
  for (const topology::Server* server : distinct) {
    allowed += std::max(1, server->max_connections / std::max(1, cost));
  }
  std::size_t jobs = std::min<std::size_t>({static_cast<std::size_t>(std::max(1, allowed)), 16, std::max<std::size_t>(1, targets)});
  return static_cast<int>(jobs);
}

} // namespace dbctl::targets
