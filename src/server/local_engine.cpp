#include "server/local_engine.h"

#include "server/api.h"
#include "server/results.h"

namespace ocrserve::server {

LocalEngine::LocalEngine(tasks::TaskRegistry& registry, supervisor::Supervisor& supervisor,
                         TaskRunner& runner)
    : registry_(registry), supervisor_(supervisor), runner_(runner) {}

std::string LocalEngine::spool_dir(const std::string& id) const { return registry_.spool_dir(id); }
std::string LocalEngine::result_dir(const std::string& id) const {
  return registry_.result_dir(id);
}

Result<size_t> LocalEngine::unfinished_count() { return registry_.unfinished_count(); }

Result<void> LocalEngine::submit(tasks::Task& task) {
  if (auto ok = registry_.create(task); !ok) return ok;
  runner_.start(task);
  return {};
}

Result<std::optional<tasks::TaskSnapshot>> LocalEngine::get(const std::string& id) {
  return registry_.get(id);
}

std::optional<tasks::TaskSnapshot> LocalEngine::wait_for_change(const std::string& id,
                                                                unsigned long long seen,
                                                                Deadline deadline) {
  return registry_.wait_for_change(id, seen, deadline);
}

std::optional<tasks::TaskSnapshot> LocalEngine::wait_finished(const std::string& id,
                                                              Deadline deadline) {
  return registry_.wait_finished(id, deadline);
}

bool LocalEngine::stopping() const { return registry_.stopping(); }

void LocalEngine::cancel(const tasks::Task& task, const std::string& reason) {
  // The record goes now; the folders go again once its worker has been stopped (TaskRunner
  // cleans up after a job whose task is gone).
  runner_.cancel(task, reason);
  registry_.remove(task.id);
}

void LocalEngine::remove(const std::string& id) { registry_.remove(id); }
void LocalEngine::mark_fetched(const std::string& id) { registry_.mark_fetched(id); }
size_t LocalEngine::clear_older_than(double seconds) { return registry_.clear_older_than(seconds); }
size_t LocalEngine::position(const tasks::Task& task) { return runner_.position(task); }

ApiResponse LocalEngine::result_response(const tasks::Task& task) {
  return task_result_response(task);
}

nlohmann::json LocalEngine::workers() { return workers_document(supervisor_, runner_); }

std::string LocalEngine::metrics() {
  return render_metrics(registry_.counts_by_status(), supervisor_, runner_);
}

void LocalEngine::release_workers() { supervisor_.release_all(); }

}  // namespace ocrserve::server
