#include "tasks/task_registry.h"

#include <spdlog/spdlog.h>

#include <openssl/rand.h>

#include <filesystem>
#include <stdexcept>

namespace ocrserve::tasks {

namespace fs = std::filesystem;

TaskRegistry::TaskRegistry(std::unique_ptr<TaskStore> store, std::string data_dir,
                           RetentionPolicy retention)
    : store_(std::move(store)), data_dir_(std::move(data_dir)), retention_(retention) {
  sweeper_ = std::thread([this] { sweeper(); });
}

TaskRegistry::~TaskRegistry() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  sweeper_.join();
}

std::string TaskRegistry::new_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error("the system's random number generator failed");
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += hex[bytes[i] >> 4];
    s += hex[bytes[i] & 15];
  }
  return s;
}

std::string TaskRegistry::spool_dir(const std::string& id) const {
  return (fs::path(data_dir_) / "spool" / id).string();
}
std::string TaskRegistry::result_dir(const std::string& id) const {
  return (fs::path(data_dir_) / "results" / id).string();
}

Result<void> TaskRegistry::put(const Task& task) {
  return store_ ? store_->put(task) : Result<void>();
}

Result<std::vector<Task>> TaskRegistry::recover() {
  if (!store_) return std::vector<Task>{};
  auto stored = store_->load_all();
  if (!stored) return stored.error();
  std::vector<Task> unfinished;
  std::lock_guard lock(mutex_);
  for (auto& task : *stored) {
    next_seq_ = std::max(next_seq_, task.seq + 1);
    if (!is_finished(task.status)) {
      task.status = TaskStatus::kPending;
      ++task.resumed;
      if (auto ok = store_->put(task); !ok) return ok.error();
      unfinished.push_back(task);
    }
    const std::string id = task.id;
    tasks_[id] = TaskSnapshot{std::move(task), 1};
  }
  return unfinished;
}

Result<void> TaskRegistry::create(Task& task) {
  std::lock_guard lock(mutex_);
  task.seq = next_seq_++;
  task.created_at = unix_now();
  if (auto ok = put(task); !ok) return ok;
  tasks_[task.id] = TaskSnapshot{task, 1};
  return {};
}

std::optional<TaskSnapshot> TaskRegistry::get(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

Result<void> TaskRegistry::update(const std::string& id, const std::function<void(Task&)>& change) {
  {
    std::lock_guard lock(mutex_);
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return make_error("task " + id + " is gone");
    Task changed = it->second.task;
    change(changed);
    if (auto ok = put(changed); !ok) {
      spdlog::error("task={} event=store_failed error=\"{}\"", id, ok.error().message);
      return ok;
    }
    it->second.task = std::move(changed);
    ++it->second.version;
  }
  changed_.notify_all();
  return {};
}

void TaskRegistry::stop_waiting() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
}

bool TaskRegistry::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::optional<TaskSnapshot> TaskRegistry::wait_for_change(
    const std::string& id, unsigned long long seen,
    std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  for (;;) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return std::nullopt;
    if (it->second.version != seen || stopping_ ||
        changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      it = tasks_.find(id);
      if (it == tasks_.end()) return std::nullopt;
      return it->second;
    }
  }
}

std::optional<TaskSnapshot> TaskRegistry::wait_finished(
    const std::string& id, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  for (;;) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return std::nullopt;
    if (is_finished(it->second.task.status) || stopping_ ||
        changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      it = tasks_.find(id);
      if (it == tasks_.end()) return std::nullopt;
      return it->second;
    }
  }
}

void TaskRegistry::mark_fetched(const std::string& id) {
  (void)update(id, [](Task& t) {
    if (t.fetched_at == 0) t.fetched_at = unix_now();
  });
}

void TaskRegistry::remove(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    if (tasks_.erase(id) == 0) return;
    if (auto ok = store_ ? store_->remove(id) : Result<void>(); !ok)
      spdlog::error("task {}: {}", id, ok.error().message);
  }
  changed_.notify_all();
  std::error_code ec;
  fs::remove_all(spool_dir(id), ec);
  fs::remove_all(result_dir(id), ec);
  spdlog::info("task={} event=removed", id);
}

size_t TaskRegistry::clear_older_than(double seconds) {
  const double cutoff = unix_now() - seconds;
  std::vector<std::string> doomed;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, snap] : tasks_) {
      if (is_finished(snap.task.status) && snap.task.finished_at <= cutoff) doomed.push_back(id);
    }
  }
  for (const auto& id : doomed) remove(id);
  return doomed.size();
}

size_t TaskRegistry::sweep() {
  const double now = unix_now();
  std::vector<std::string> doomed;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, snap] : tasks_) {
      const Task& t = snap.task;
      const bool fetched_long_ago = retention_.single_use_results && t.fetched_at > 0 &&
                                    t.fetched_at <= now - retention_.result_removal_delay_s;
      const bool unfetched_expired = retention_.result_ttl_s > 0 && is_finished(t.status) &&
                                     t.fetched_at == 0 &&
                                     t.finished_at <= now - retention_.result_ttl_s;
      if (fetched_long_ago || unfetched_expired) doomed.push_back(id);
    }
  }
  for (const auto& id : doomed) remove(id);
  return doomed.size();
}

void TaskRegistry::sweeper() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    changed_.wait_for(lock, std::chrono::milliseconds(500));
    if (stopping_) break;
    lock.unlock();
    sweep();
    lock.lock();
  }
}

std::map<std::string, size_t> TaskRegistry::counts_by_status() const {
  std::map<std::string, size_t> counts{
      {"pending", 0}, {"started", 0}, {"success", 0}, {"failure", 0}};
  std::lock_guard lock(mutex_);
  for (const auto& [id, snap] : tasks_) ++counts[status_name(snap.task.status)];
  return counts;
}

size_t TaskRegistry::unfinished_count() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [id, snap] : tasks_) n += is_finished(snap.task.status) ? 0 : 1;
  return n;
}

}  // namespace ocrserve::tasks
