#include "server/task_runner.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

namespace ocrserve::server {

namespace {
constexpr int kStoreAttempts = 4;
}  // namespace

using nlohmann::json;
using tasks::Task;
using tasks::TaskStatus;

const std::vector<double>& LatencyHistogram::bounds() {
  static const std::vector<double> b{0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600};
  return b;
}

void LatencyHistogram::observe(double seconds) {
  std::lock_guard lock(mutex_);
  size_t i = 0;
  while (i < bounds().size() && seconds > bounds()[i]) ++i;
  ++counts_[i];
  sum_ += seconds;
  ++count_;
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
  std::lock_guard lock(mutex_);
  Snapshot s;
  long long running = 0;
  for (long long c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

TaskRunner::TaskRunner(tasks::TaskRegistry& registry, supervisor::Supervisor& supervisor)
    : registry_(registry), supervisor_(supervisor) {}

void TaskRunner::shutting_down() { stopping_ = true; }

std::string TaskRunner::job_id(const std::string& task_id, size_t document) {
  return task_id + "#" + std::to_string(document);
}

void TaskRunner::start(const Task& task) {
  const json& request = task.options.request;
  const double timeout = task.options.document_timeout_s;
  spdlog::info("task={} event=status status=pending documents={} resumed={}", task.id,
               task.documents.size(), task.resumed);
  ++accepted_;
  for (size_t i = 0; i < task.documents.size(); ++i) {
    const auto& doc = task.documents[i];
    if (doc.status != tasks::DocumentStatus::kPending) continue;
    supervisor::Job job;
    job.id = job_id(task.id, i);
    job.input_path = doc.input_path;
    job.filename = doc.filename;
    job.output_dir = doc.output_dir;
    job.request = request;
    job.timeout_s = timeout;
    const std::string id = task.id;
    job.on_started = [this, id](const std::string&) {
      (void)registry_.update(id, [](Task& t) {
        t.waiting_reason.clear();
        if (t.status == TaskStatus::kPending) {
          t.status = TaskStatus::kStarted;
          t.started_at = tasks::unix_now();
          spdlog::info("task={} event=status status=started queued_s={:.3f}", t.id,
                       t.started_at - t.created_at);
        }
      });
    };
    job.on_waiting = [this, id](const std::string& why) {
      if (auto snap = registry_.get(id); !snap || snap->task.waiting_reason == why) return;
      spdlog::info("task={} event=waiting reason=\"{}\"", id, why);
      (void)registry_.update(id, [&](Task& t) { t.waiting_reason = why; });
    };
    job.on_done = [this, id, i](const supervisor::JobResult& r) { on_done(id, i, r); };
    supervisor_.submit(std::move(job));
  }
}

void TaskRunner::on_done(const std::string& task_id, size_t document,
                         const supervisor::JobResult& job) {
  // A job that never ran (cancelled, timed out) has no result message.
  supervisor::JobResult r = job;
  if (!r.result.is_object()) r.result = json::object();
  if (stopping_) return;  // the server stops: the task stays unfinished and runs after a restart
  if (!registry_.get(task_id)) {
    // Removed while it ran (a sync request gave up, results were cleared): the worker has been
    // stopped by now, so whatever it left behind goes.
    std::error_code ec;
    std::filesystem::remove_all(registry_.spool_dir(task_id), ec);
    std::filesystem::remove_all(registry_.result_dir(task_id), ec);
    return;
  }
  if (const auto report = r.result.value("report", json::object());
      report.contains("device_used_mib") && report.contains("device_total_mib")) {
    std::lock_guard lock(devices_mutex_);
    devices_[report.value("gpu", 0)] = {report.value("device_used_mib", 0.0),
                                        report.value("device_total_mib", 0.0)};
  }
  bool finished = false;
  double latency = 0;
  auto record = [&](Task& t) {
    finished = false;
    if (document >= t.documents.size() || tasks::is_finished(t.status)) return;
    auto& doc = t.documents[document];
    doc.status = r.ok ? tasks::DocumentStatus::kSuccess : tasks::DocumentStatus::kFailure;
    doc.error = r.ok ? "" : r.error;
    json outcome{{"pid", r.pid}, {"attempts", r.attempts}};
    for (const char* key : {"outputs", "timings_ms", "pages", "ocr_pages", "worker_ms", "report"}) {
      if (r.result.contains(key)) outcome[key] = r.result[key];
    }
    doc.outcome = outcome;
    const auto report = r.result.value("report", json::object());
    spdlog::info(
        "task={} event=document index={} file=\"{}\" ok={} worker_pid={} attempts={} "
        "worker_ms={:.1f} pages={} rss_mib={:.1f} vram_mib={}{}",
        t.id, document, doc.filename, r.ok, r.pid, r.attempts, r.result.value("worker_ms", 0.0),
        r.result.value("pages", 0), report.value("rss_mib", 0.0),
        report.contains("vram_mib") ? report["vram_mib"].dump() : "null",
        r.ok ? "" : " error=\"" + r.error + "\"");
    size_t done = 0, ok = 0;
    std::string first_error;
    for (const auto& d : t.documents) {
      if (d.status == tasks::DocumentStatus::kPending) continue;
      ++done;
      if (d.status == tasks::DocumentStatus::kSuccess) {
        ++ok;
      } else if (first_error.empty()) {
        first_error = d.filename + ": " + d.error;
      }
    }
    if (done < t.documents.size()) return;
    t.status = ok > 0 ? TaskStatus::kSuccess : TaskStatus::kFailure;
    t.error_message = ok > 0 ? "" : first_error;
    t.finished_at = tasks::unix_now();
    if (t.started_at == 0) t.started_at = t.finished_at;
    latency = t.finished_at - t.created_at;
    finished = true;
    spdlog::info("task={} event=status status={} documents={} succeeded={} latency_s={:.3f}{}",
                 t.id, tasks::status_name(t.status), t.documents.size(), ok, latency,
                 first_error.empty() ? "" : " error=\"" + first_error + "\"");
  };
  // The outcome must be stored before anyone sees it; a store that refuses the write is given
  // a few tries, and if it keeps refusing, the task stays unfinished and runs again after a
  // restart (its spool files are kept for that).
  Result<void> stored = make_error("not tried");
  for (int attempt = 0; attempt < kStoreAttempts && !stored; ++attempt) {
    if (!registry_.get(task_id)) return;  // removed meanwhile (cancelled, cleared)
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    stored = registry_.update(task_id, record);
  }
  if (!stored) {
    spdlog::error("task={} event=outcome_not_stored document={} error=\"{}\"", task_id, document,
                  stored.error().message);
    return;
  }
  if (finished) {
    latency_.observe(latency);
    const auto snap = registry_.get(task_id);
    ++(snap && snap->task.status == TaskStatus::kSuccess ? succeeded_ : failed_);
    std::error_code ec;
    std::filesystem::remove_all(registry_.spool_dir(task_id), ec);  // inputs are no longer needed
  }
}

void TaskRunner::cancel(const Task& task, const std::string& reason) {
  for (size_t i = 0; i < task.documents.size(); ++i) {
    if (task.documents[i].status == tasks::DocumentStatus::kPending)
      supervisor_.cancel(job_id(task.id, i), reason);
  }
}

std::map<int, std::pair<double, double>> TaskRunner::device_memory() const {
  std::lock_guard lock(devices_mutex_);
  return devices_;
}

size_t TaskRunner::position(const Task& task) const {
  for (size_t i = 0; i < task.documents.size(); ++i) {
    if (task.documents[i].status != tasks::DocumentStatus::kPending) continue;
    if (size_t p = supervisor_.queue_position(job_id(task.id, i)); p > 0) return p;
  }
  return 0;
}

}  // namespace ocrserve::server
