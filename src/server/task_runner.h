// Runs tasks' documents on the supervisor: one supervisor Job per unfinished document, the
// task's record updated (and stored) as its documents start and finish, one log line per task
// state change. The only place that knows both tasks/ and supervisor/.
//
// Thread safety: every method may be called from any thread; job callbacks run on supervisor
// slot threads.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "supervisor/supervisor.h"
#include "tasks/task_registry.h"

namespace ocrserve::server {

// Task latency (accepted -> finished), Prometheus histogram buckets in seconds.
class LatencyHistogram {
 public:
  static const std::vector<double>& bounds();
  void observe(double seconds);
  struct Snapshot {
    std::vector<long long> cumulative;  // per bound, then +Inf
    double sum = 0;
    long long count = 0;
  };
  Snapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<long long> counts_ = std::vector<long long>(bounds().size() + 1, 0);
  double sum_ = 0;
  long long count_ = 0;
};

class TaskRunner {
 public:
  TaskRunner(tasks::TaskRegistry& registry, supervisor::Supervisor& supervisor);
  // From now on, jobs that end because the supervisor stops leave their tasks unfinished (they
  // run again after a restart). Call before destroying the supervisor.
  void shutting_down();

  // Submits every document of `task` that has not finished yet.
  void start(const tasks::Task& task);
  // Cancels the task's unfinished documents (queued ones are dropped, running ones killed).
  void cancel(const tasks::Task& task, const std::string& reason);
  // 1-based position of the task's first queued document in the worker queue, 0 when none.
  size_t position(const tasks::Task& task) const;

  const LatencyHistogram& latency() const { return latency_; }
  // Counters since this process started (Prometheus counters: they only grow).
  long long accepted_total() const { return accepted_; }
  long long succeeded_total() const { return succeeded_; }
  long long failed_total() const { return failed_; }
  // Last device memory figures (used, total MiB) a worker reported, per GPU.
  std::map<int, std::pair<double, double>> device_memory() const;

  static std::string job_id(const std::string& task_id, size_t document);

 private:
  void on_done(const std::string& task_id, size_t document, const supervisor::JobResult& r);

  tasks::TaskRegistry& registry_;
  supervisor::Supervisor& supervisor_;
  std::atomic<bool> stopping_{false};
  std::atomic<long long> accepted_{0}, succeeded_{0}, failed_{0};
  LatencyHistogram latency_;
  mutable std::mutex devices_mutex_;
  std::map<int, std::pair<double, double>> devices_;  // guarded by devices_mutex_
};

}  // namespace ocrserve::server
