// /metrics: Prometheus text exposition format 0.0.4.
#include <cctype>
#include <chrono>
#include <map>
#include <sstream>

#include "server/api.h"

namespace ocrserve::server {

namespace {

std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << "\n";
}

}  // namespace

std::string render_metrics(const std::map<std::string, size_t>& tasks_by_status,
                           const supervisor::Supervisor& supervisor, const TaskRunner& runner) {
  std::ostringstream out;
  header(out, "ocrserve_tasks", "gauge", "Tasks known to the server, by status.");
  for (const auto& [status, n] : tasks_by_status) {
    out << "ocrserve_tasks{status=\"" << status << "\"} " << n << "\n";
  }
  header(out, "ocrserve_tasks_accepted_total", "counter",
         "Tasks this process accepted or resumed after a restart.");
  out << "ocrserve_tasks_accepted_total " << runner.accepted_total() << "\n";
  header(out, "ocrserve_tasks_finished_total", "counter",
         "Tasks this process finished, by outcome (results removed later still count).");
  out << "ocrserve_tasks_finished_total{status=\"success\"} " << runner.succeeded_total() << "\n";
  out << "ocrserve_tasks_finished_total{status=\"failure\"} " << runner.failed_total() << "\n";
  header(out, "ocrserve_queue_depth", "gauge", "Documents waiting for a worker.");
  out << "ocrserve_queue_depth " << supervisor.queue_depth() << "\n";

  header(out, "ocrserve_task_latency_seconds", "histogram",
         "Time from a task's acceptance to its end.");
  const auto h = runner.latency().snapshot();
  const auto& bounds = LatencyHistogram::bounds();
  for (size_t i = 0; i < bounds.size(); ++i) {
    out << "ocrserve_task_latency_seconds_bucket{le=\"" << bounds[i] << "\"} " << h.cumulative[i]
        << "\n";
  }
  out << "ocrserve_task_latency_seconds_bucket{le=\"+Inf\"} " << h.cumulative.back() << "\n";
  out << "ocrserve_task_latency_seconds_sum " << h.sum << "\n";
  out << "ocrserve_task_latency_seconds_count " << h.count << "\n";

  const auto workers = supervisor.workers();
  std::map<std::string, int> by_state{{"none", 0},  {"spawning", 0}, {"standby", 0},
                                      {"ready", 0}, {"busy", 0},     {"exiting", 0}};
  for (const auto& w : workers) {
    std::string state = supervisor::state_name(w.state);
    for (char& c : state) c = char(std::tolower(static_cast<unsigned char>(c)));
    ++by_state[state];
  }
  header(out, "ocrserve_workers", "gauge", "Worker slots by state (none = no process).");
  for (const auto& [state, n] : by_state) {
    out << "ocrserve_workers{state=\"" << state << "\"} " << n << "\n";
  }
  header(out, "ocrserve_worker_rss_mib", "gauge", "Resident memory of each worker process.");
  for (const auto& w : workers) {
    if (w.pid == 0) continue;
    out << "ocrserve_worker_rss_mib{slot=\"" << w.slot << "\",pid=\"" << w.pid << "\"} "
        << w.rss_mib << "\n";
  }
  header(out, "ocrserve_worker_vram_mib", "gauge",
         "GPU memory of each worker process (NVML; absent when unknown).");
  for (const auto& w : workers) {
    if (w.pid == 0 || w.vram_mib < 0) continue;
    out << "ocrserve_worker_vram_mib{slot=\"" << w.slot << "\",gpu=\"" << w.gpu << "\",pid=\""
        << w.pid << "\"} " << w.vram_mib << "\n";
  }
  const auto counters = supervisor.counters();
  header(out, "ocrserve_worker_starts_total", "counter", "Worker processes started.");
  out << "ocrserve_worker_starts_total " << counters.worker_starts << "\n";
  header(out, "ocrserve_worker_exits_total", "counter",
         "Worker processes that ended, by reason (idle, recycled, per-task, timeout, crash, ...).");
  for (const auto& [reason, n] : counters.exits_by_reason) {
    out << "ocrserve_worker_exits_total{reason=\"" << label(reason) << "\"} " << n << "\n";
  }
  // Device figures come with the workers' reports (the server itself never opens the GPU).
  const auto devices = runner.device_memory();
  if (!devices.empty()) {
    header(out, "ocrserve_device_used_mib", "gauge", "GPU memory used on the device (NVML).");
    for (const auto& [gpu, f] : devices) {
      out << "ocrserve_device_used_mib{gpu=\"" << gpu << "\"} " << f.first << "\n";
    }
    header(out, "ocrserve_device_total_mib", "gauge", "GPU memory on the device (NVML).");
    for (const auto& [gpu, f] : devices) {
      out << "ocrserve_device_total_mib{gpu=\"" << gpu << "\"} " << f.second << "\n";
    }
  }
  return out.str();
}

// /v1/workers: the same figures as JSON, for the workers page and for scripts.
nlohmann::json workers_document(const supervisor::Supervisor& supervisor,
                                const TaskRunner& runner) {
  using nlohmann::json;
  const auto ms = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  json workers = json::array();
  for (const auto& w : supervisor.workers()) {
    json j{{"slot", w.slot},
           {"gpu", w.gpu},
           {"pid", w.pid},
           {"state", supervisor::state_name(w.state)},
           {"tasks_done", w.tasks_done},
           {"rss_mib", w.rss_mib},
           {"vram_mib", w.vram_mib < 0 ? json(nullptr) : json(w.vram_mib)},
           // Task ids are the only guard on results: show just enough to recognise one's own.
           {"task", w.task_id.empty() ? json(nullptr) : json(w.task_id.substr(0, 8) + "…")},
           {"device", w.device.empty() ? json(nullptr) : json(w.device)},
           {"waiting", w.waiting.empty() ? json(nullptr) : json(w.waiting)}};
    workers.push_back(std::move(j));
  }
  json devices = json::array();
  for (const auto& [gpu, f] : runner.device_memory()) {
    devices.push_back({{"gpu", gpu}, {"used_mib", f.first}, {"total_mib", f.second}});
  }
  json events = json::array();
  for (const auto& e : supervisor.recent_events(100)) {
    events.push_back({{"at_ms", ms(e.at)},
                      {"slot", e.slot},
                      {"pid", e.pid},
                      {"kind", e.kind},
                      {"reason", e.reason}});
  }
  return {{"now_ms", ms(std::chrono::system_clock::now())},
          {"queue_depth", supervisor.queue_depth()},
          {"workers", std::move(workers)},
          {"devices", std::move(devices)},
          {"events", std::move(events)}};
}

}  // namespace ocrserve::server
