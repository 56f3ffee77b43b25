#include "cluster/redis_engine.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

#include "common/whole_file.h"
#include "server/results.h"

namespace ocrserve::cluster {

namespace fs = std::filesystem;
using nlohmann::json;
using tasks::Task;
using tasks::TaskSnapshot;

RedisEngine::RedisEngine(RedisUrl url, RedisRetention retention, std::string data_dir)
    : client_(url),
      tasks_(client_, retention),
      url_(std::move(url)),
      data_dir_(std::move(data_dir)) {
  if (auto ok = tasks_.ensure_queue(); ok) {
    queue_ready_ = true;
  } else {
    spdlog::warn("event=engine_unavailable engine={} error=\"{}\"", url_.text(),
                 ok.error().message);
  }
  listener_ = std::thread([this] { listen(); });
}

RedisEngine::~RedisEngine() {
  stop_waiting();
  listener_.join();
}

void RedisEngine::stop_waiting() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    ++events_;
  }
  changed_.notify_all();
}

void RedisEngine::listen() {
  RedisSubscriber subscriber(url_, kEventsChannel);
  bool connected = true;
  while (!stopping_) {
    auto message = subscriber.next(250);
    if (!message) {
      if (connected) {
        spdlog::warn("event=engine_unavailable engine={} error=\"{}\"", url_.text(),
                     message.error().message);
      }
      connected = false;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    } else {
      connected = true;
      if (message->empty()) continue;
    }
    // An event, or a reconnect (events may have been missed): every waiter looks again.
    {
      std::lock_guard lock(mutex_);
      ++events_;
    }
    changed_.notify_all();
  }
}

std::string RedisEngine::spool_dir(const std::string& id) const {
  return (fs::path(data_dir_) / "spool" / id).string();
}
std::string RedisEngine::result_dir(const std::string& id) const {
  return (fs::path(data_dir_) / "results" / id).string();
}

size_t RedisEngine::position(const Task& task) {
  if (task.status != tasks::TaskStatus::kPending) return 0;
  auto place = tasks_.position(task.id);
  return place ? *place : 0;  // unknown while Redis does not answer
}

Result<void> RedisEngine::check_ready() {
  if (auto pong = client_.command({"PING"}); !pong) {
    return make_error("Redis at " + url_.text() + " does not answer: " + pong.error().message);
  }
  return {};
}

Result<size_t> RedisEngine::unfinished_count() {
  auto counts = tasks_.queue_counts();
  if (!counts) return counts.error();
  return size_t(counts->first);
}

Result<void> RedisEngine::submit(Task& task) {
  if (!queue_ready_) {
    if (auto ok = tasks_.ensure_queue(); !ok) return ok;
    queue_ready_ = true;
  }
  std::vector<std::string> inputs;
  for (const auto& doc : task.documents) {
    auto bytes = read_whole_file(doc.input_path);
    if (!bytes) return make_error("cannot read the upload back: " + bytes.error().message);
    inputs.push_back(std::move(*bytes));
  }
  auto ok = tasks_.submit(task, inputs);
  std::error_code ec;
  fs::remove_all(spool_dir(task.id), ec);  // in Redis now (or refused)
  if (ok) spdlog::info("task={} event=queued engine={}", task.id, url_.text());
  return ok;
}

Result<std::optional<TaskSnapshot>> RedisEngine::get(const std::string& id) {
  return tasks_.get(id);
}

std::optional<TaskSnapshot> RedisEngine::wait_until(
    const std::string& id, Deadline deadline,
    const std::function<bool(const TaskSnapshot&)>& done) {
  std::optional<TaskSnapshot> last;
  for (;;) {
    unsigned long long seen_events;
    {
      std::lock_guard lock(mutex_);
      seen_events = events_;
    }
    if (auto snap = tasks_.get(id); snap) {
      if (!*snap) return std::nullopt;
      last = *snap;
      if (done(*last)) return last;
    }
    std::unique_lock lock(mutex_);
    // Events wake the wait; a look every second covers a Redis that was away.
    const auto until =
        std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1));
    changed_.wait_until(lock, until, [&] { return events_ != seen_events; });
    if (stopping_ || std::chrono::steady_clock::now() >= deadline) {
      lock.unlock();
      auto snap = tasks_.get(id);
      if (snap) return *snap;
      if (last) return last;
      // Never read: Redis was away the whole time, which is not "no such task".
      throw server::store_unavailable(snap.error().message);
    }
  }
}

std::optional<TaskSnapshot> RedisEngine::wait_for_change(const std::string& id,
                                                         unsigned long long seen,
                                                         Deadline deadline) {
  return wait_until(id, deadline, [seen](const TaskSnapshot& s) { return s.version != seen; });
}

std::optional<TaskSnapshot> RedisEngine::wait_finished(const std::string& id, Deadline deadline) {
  return wait_until(id, deadline,
                    [](const TaskSnapshot& s) { return tasks::is_finished(s.task.status); });
}

void RedisEngine::cancel(const Task& task, const std::string& reason) {
  // The node running it sees the record gone at its next heartbeat and stops the conversion.
  if (auto ok = tasks_.remove(task.id); !ok) {
    spdlog::error("task={} event=cancel_failed error=\"{}\"", task.id, ok.error().message);
    return;
  }
  spdlog::info("task={} event=cancelled reason=\"{}\"", task.id, reason);
}

void RedisEngine::remove(const std::string& id) {
  if (auto ok = tasks_.remove(id); !ok) {
    spdlog::error("task={} event=remove_failed error=\"{}\"", id, ok.error().message);
  }
}

void RedisEngine::mark_fetched(const std::string& id) {
  auto updated = tasks_.update(id, [](Task& t) {
    if (t.fetched_at == 0) t.fetched_at = tasks::unix_now();
  });
  if (!updated || !*updated) return;
  if (auto snap = tasks_.get(id); snap && *snap) (void)tasks_.expire_after_fetch((*snap)->task);
}

size_t RedisEngine::clear_older_than(double seconds) {
  auto ids = tasks_.finished_before(tasks::unix_now() - seconds);
  if (!ids) return 0;
  for (const auto& id : *ids) remove(id);
  return ids->size();
}

server::ApiResponse RedisEngine::result_response(const Task& task) {
  auto files = tasks_.result_files(task.result_key);
  if (!files) throw server::store_unavailable(files.error().message);
  return server::task_result_response(
      task, [&](size_t index, const std::string& path) -> Result<std::string> {
        auto it = files->find(result_file_field(index, path));
        if (it == files->end()) return make_error("no result file " + path);
        return it->second;
      });
}

json RedisEngine::workers() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  json doc{{"now_ms", ms},
           {"queue_depth", 0},
           {"workers", json::array()},
           {"devices", json::array()},
           {"events", json::array()},
           {"nodes", json::array()},
           {"engine", url_.text()}};
  if (auto counts = tasks_.queue_counts(); counts) {
    doc["queue_depth"] = counts->first - counts->second;
  } else {
    doc["engine_error"] = counts.error().message;
  }
  auto nodes = tasks_.nodes();
  if (!nodes) {
    doc["engine_error"] = nodes.error().message;
    return doc;
  }
  for (const auto& node : *nodes) {
    const std::string name = node.value("node", "");
    const json state = node.value("workers", json::object());
    doc["nodes"].push_back({{"node", name},
                            {"address", node.value("address", "")},
                            {"capacity", node.value("capacity", 0)},
                            {"in_flight", node.value("in_flight", 0)},
                            {"seen_ms", node.value("seen_ms", 0LL)},
                            {"tasks", node.value("tasks", json::object())}});
    for (const char* list : {"workers", "devices", "events"}) {
      for (json item : state.value(list, json::array())) {
        item["node"] = name;
        doc[list].push_back(std::move(item));
      }
    }
  }
  std::stable_sort(doc["events"].begin(), doc["events"].end(), [](const json& a, const json& b) {
    return a.value("at_ms", 0LL) < b.value("at_ms", 0LL);
  });
  return doc;
}

std::string RedisEngine::metrics() {
  std::ostringstream out;
  out << "# HELP ocrserve_engine_up Whether Redis answered this scrape.\n"
         "# TYPE ocrserve_engine_up gauge\n";
  auto counts = tasks_.queue_counts();
  auto nodes = tasks_.nodes();
  out << "ocrserve_engine_up " << (counts && nodes ? 1 : 0) << "\n";
  if (counts) {
    out << "# HELP ocrserve_tasks Unfinished tasks in Redis, by status.\n"
           "# TYPE ocrserve_tasks gauge\n";
    out << "ocrserve_tasks{status=\"pending\"} " << counts->first - counts->second << "\n";
    out << "ocrserve_tasks{status=\"started\"} " << counts->second << "\n";
    out << "# HELP ocrserve_queue_depth Tasks waiting for a node.\n"
           "# TYPE ocrserve_queue_depth gauge\n";
    out << "ocrserve_queue_depth " << counts->first - counts->second << "\n";
  }
  if (!nodes) return out.str();
  out << "# HELP ocrserve_nodes Worker nodes with a recent heartbeat.\n"
         "# TYPE ocrserve_nodes gauge\n";
  out << "ocrserve_nodes " << nodes->size() << "\n";
  out << "# HELP ocrserve_node_workers Worker slots of each node, by state.\n"
         "# TYPE ocrserve_node_workers gauge\n";
  for (const auto& node : *nodes) {
    std::map<std::string, int> by_state;
    for (const auto& w : node.value("workers", json::object()).value("workers", json::array())) {
      std::string state = w.value("state", "NONE");
      for (char& c : state) c = char(std::tolower(static_cast<unsigned char>(c)));
      ++by_state[state];
    }
    for (const auto& [state, n] : by_state) {
      out << "ocrserve_node_workers{node=\"" << node.value("node", "") << "\",state=\"" << state
          << "\"} " << n << "\n";
    }
  }
  out << "# HELP ocrserve_node_tasks_finished_total Tasks each node finished, by outcome.\n"
         "# TYPE ocrserve_node_tasks_finished_total counter\n";
  for (const auto& node : *nodes) {
    const json t = node.value("tasks", json::object());
    for (const char* status : {"success", "failure"}) {
      out << "ocrserve_node_tasks_finished_total{node=\"" << node.value("node", "")
          << "\",status=\"" << status << "\"} " << t.value(status, 0) << "\n";
    }
  }
  return out.str();
}

void RedisEngine::release_workers() {
  if (auto ok = tasks_.request_release(); !ok) {
    throw server::store_unavailable(ok.error().message);
  }
}

}  // namespace ocrserve::cluster
