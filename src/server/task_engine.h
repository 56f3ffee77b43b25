// Where the API keeps tasks and how they get converted. The embedded engine (LocalEngine) keeps
// them in this process's registry and runs them on its own workers; the Redis engine
// (cluster::RedisEngine) keeps them in Redis, where worker nodes take them.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.h"
#include "server/api_types.h"
#include "tasks/task.h"
#include "tasks/task_registry.h"

namespace ocrserve::server {

class TaskEngine {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  virtual ~TaskEngine() = default;

  // Where the API writes a task's uploads before submit(), and where its results are read.
  virtual std::string spool_dir(const std::string& id) const = 0;
  virtual std::string result_dir(const std::string& id) const = 0;

  // Tasks accepted and not finished (for QUEUE_MAX_SIZE). An error when the engine is down.
  virtual Result<size_t> unfinished_count() = 0;
  // Stores the task (its documents already in the spool) and queues it. Assigns seq and
  // created_at. An error (the engine is down, the store refused) leaves nothing behind.
  virtual Result<void> submit(tasks::Task& task) = 0;
  // The task as it is now; nullopt when there is none. An error when the engine is down.
  virtual Result<std::optional<tasks::TaskSnapshot>> get(const std::string& id) = 0;
  // Waits until the task's version differs from `seen` (or it is gone, or the deadline passes).
  virtual std::optional<tasks::TaskSnapshot> wait_for_change(const std::string& id,
                                                             unsigned long long seen,
                                                             Deadline deadline) = 0;
  // Waits until the task is finished (or gone, or the deadline passes, or the server stops).
  virtual std::optional<tasks::TaskSnapshot> wait_finished(const std::string& id,
                                                           Deadline deadline) = 0;
  // True once the server stops: waits return at once.
  virtual bool stopping() const = 0;

  // Stops the task's unfinished documents wherever they run, and removes the task.
  virtual void cancel(const tasks::Task& task, const std::string& reason) = 0;
  virtual void remove(const std::string& id) = 0;
  virtual void mark_fetched(const std::string& id) = 0;
  // Removes finished tasks older than `seconds`; returns how many.
  virtual size_t clear_older_than(double seconds) = 0;
  // Whether the engine can take and run tasks now (/ready): an error saying why not, such as a
  // task store that does not answer.
  virtual Result<void> check_ready() { return {}; }
  // 1-based position of the task in the queue; 0 when unknown or not queued.
  virtual size_t position(const tasks::Task& task) = 0;

  // The answer with a finished task's result (JSON, or a zip).
  virtual ApiResponse result_response(const tasks::Task& task) = 0;

  // Every worker this engine's conversions run on (/v1/workers).
  virtual nlohmann::json workers() = 0;
  // The /metrics text.
  virtual std::string metrics() = 0;
  // Stops idle workers (/v1/clear/converters).
  virtual void release_workers() = 0;
};

}  // namespace ocrserve::server
