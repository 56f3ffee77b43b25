// The tasks the server knows: records in memory, mirrored to the TaskStore before any change is
// visible, FIFO order, spool and result folders in the data directory, waiting for changes
// (long poll, sync answers) and result retention.
//
// Layout of the data directory:
//   tasks.sqlite3            the store
//   spool/<task>/<n>/<name>  uploaded documents, kept until the task finishes
//   results/<task>/<n>/      what the worker wrote for document n
//
// Retention: with single_use_results, a result is removed result_removal_delay_s after its first
// fetch; a finished result nobody fetched is removed result_ttl_s after it finished;
// clear_older_than() removes finished tasks. A background thread applies both.
//
// Durability: a change is stored before it is visible. When the store refuses a write, the
// change is not made in memory either and the caller hears it (create and update fail).
//
// Without a store (a worker node's tasks, whose records live in Redis), records are kept in
// memory only.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "tasks/task.h"
#include "tasks/task_store.h"

namespace ocrserve::tasks {

struct RetentionPolicy {
  bool single_use_results = true;
  double result_removal_delay_s = 300;
  double result_ttl_s = 0;  // 0 = unfetched results are kept until cleared
};

// A task and its in-memory change counter (for long polls).
struct TaskSnapshot {
  Task task;
  unsigned long long version = 0;
};

class TaskRegistry {
 public:
  // `store` may be null: records in memory only.
  TaskRegistry(std::unique_ptr<TaskStore> store, std::string data_dir, RetentionPolicy retention);
  ~TaskRegistry();
  TaskRegistry(const TaskRegistry&) = delete;
  TaskRegistry& operator=(const TaskRegistry&) = delete;

  // Loads the stored tasks. Returns the unfinished ones (pending, or started when the server
  // stopped) in FIFO order, set back to pending with their unfinished documents to run again.
  Result<std::vector<Task>> recover();

  static std::string new_id();  // a random UUID (version 4) from the system's CSPRNG
  std::string spool_dir(const std::string& id) const;
  std::string result_dir(const std::string& id) const;

  // Assigns seq and created_at and stores the task; only then is it visible.
  Result<void> create(Task& task);
  std::optional<TaskSnapshot> get(const std::string& id) const;
  // Applies `change` to a copy, stores it, then makes it visible and wakes waiters. An error
  // when the task is gone or the store refused the write (then nothing changed).
  Result<void> update(const std::string& id, const std::function<void(Task&)>& change);
  // Waits until the task's version differs from `seen` or the deadline passes.
  std::optional<TaskSnapshot> wait_for_change(const std::string& id, unsigned long long seen,
                                              std::chrono::steady_clock::time_point deadline);
  // Waits until the task is finished (or gone, or the deadline passes).
  std::optional<TaskSnapshot> wait_finished(const std::string& id,
                                            std::chrono::steady_clock::time_point deadline);

  void mark_fetched(const std::string& id);
  // Removes the record and its files.
  void remove(const std::string& id);
  // Removes finished tasks that finished more than `seconds` ago; returns how many.
  size_t clear_older_than(double seconds);
  // Removes single-use results whose delay has passed and unfetched ones past their time to
  // live; returns how many.
  size_t sweep();
  // Every wait returns now and from now on (the server stops).
  void stop_waiting();
  bool stopping() const;

  std::map<std::string, size_t> counts_by_status() const;
  size_t unfinished_count() const;

 private:
  void sweeper();
  Result<void> put(const Task& task);  // to the store, when there is one

  std::unique_ptr<TaskStore> store_;
  const std::string data_dir_;
  const RetentionPolicy retention_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, TaskSnapshot> tasks_;  // guarded by mutex_
  long long next_seq_ = 1;                     // guarded by mutex_
  bool stopping_ = false;                      // guarded by mutex_
  std::thread sweeper_;
};

}  // namespace ocrserve::tasks
