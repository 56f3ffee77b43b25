// The embedded task store: one SQLite database (WAL, synchronous=FULL) in the data directory.
// A task written by put() is on disk when put() returns, so a task whose id a client has seen
// survives a kill -9 of the server.
//
// Thread safety: every method may be called from any thread (one connection, one mutex).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "tasks/task.h"

namespace ocrserve::tasks {

class TaskStore {
 public:
  // Opens (creating if needed) `<data_dir>/tasks.sqlite3`.
  // busy_timeout_ms: how long a write waits for a lock held by another connection.
  static Result<std::unique_ptr<TaskStore>> open(const std::string& data_dir,
                                                 int busy_timeout_ms = 5000);
  ~TaskStore();
  TaskStore(const TaskStore&) = delete;
  TaskStore& operator=(const TaskStore&) = delete;

  Result<void> put(const Task& task);  // insert or replace
  Result<void> remove(const std::string& id);
  // Every stored task, in FIFO (seq) order. Malformed rows are skipped with a log line.
  Result<std::vector<Task>> load_all();

 private:
  struct Impl;
  explicit TaskStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrserve::tasks
