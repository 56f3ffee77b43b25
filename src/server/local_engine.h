// The embedded engine: tasks in this process's registry (SQLite in the data directory), run on
// this process's worker supervisor.
#pragma once

#include <functional>

#include "server/task_engine.h"
#include "server/task_runner.h"
#include "supervisor/supervisor.h"
#include "tasks/task_registry.h"

namespace ocrserve::server {

class LocalEngine : public TaskEngine {
 public:
  LocalEngine(tasks::TaskRegistry& registry, supervisor::Supervisor& supervisor,
              TaskRunner& runner);

  std::string spool_dir(const std::string& id) const override;
  std::string result_dir(const std::string& id) const override;
  Result<size_t> unfinished_count() override;
  Result<void> submit(tasks::Task& task) override;
  Result<std::optional<tasks::TaskSnapshot>> get(const std::string& id) override;
  std::optional<tasks::TaskSnapshot> wait_for_change(const std::string& id, unsigned long long seen,
                                                     Deadline deadline) override;
  std::optional<tasks::TaskSnapshot> wait_finished(const std::string& id,
                                                   Deadline deadline) override;
  bool stopping() const override;
  void cancel(const tasks::Task& task, const std::string& reason) override;
  void remove(const std::string& id) override;
  void mark_fetched(const std::string& id) override;
  size_t clear_older_than(double seconds) override;
  size_t position(const tasks::Task& task) override;
  // A worker node's engine is ready only while its queue (Redis) answers.
  void set_ready_check(std::function<Result<void>()> check) { ready_check_ = std::move(check); }
  Result<void> check_ready() override { return ready_check_ ? ready_check_() : Result<void>{}; }
  ApiResponse result_response(const tasks::Task& task) override;
  nlohmann::json workers() override;
  std::string metrics() override;
  void release_workers() override;

 private:
  tasks::TaskRegistry& registry_;
  supervisor::Supervisor& supervisor_;
  TaskRunner& runner_;
  std::function<Result<void>()> ready_check_;
};

}  // namespace ocrserve::server
