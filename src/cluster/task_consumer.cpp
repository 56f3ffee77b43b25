#include "cluster/task_consumer.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "common/whole_file.h"
#include "server/api.h"

namespace ocrserve::cluster {

namespace fs = std::filesystem;
using nlohmann::json;
using tasks::Task;

namespace {

using Clock = std::chrono::steady_clock;

long long to_ms(double seconds) { return (long long)(seconds * 1000); }

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TaskConsumer::TaskConsumer(RedisUrl url, RedisRetention retention, NodeSettings settings,
                           tasks::TaskRegistry& local, server::TaskRunner& runner,
                           supervisor::Supervisor& supervisor)
    : url_(url),
      settings_(std::move(settings)),
      take_client_(url, 2, 5),
      sync_client_(url, 2, 5),
      keep_client_(url, 2, 5),
      take_tasks_(take_client_, retention),
      sync_tasks_(sync_client_, retention),
      keep_tasks_(keep_client_, retention),
      local_(local),
      runner_(runner),
      supervisor_(supervisor) {}

TaskConsumer::~TaskConsumer() { stop(); }

void TaskConsumer::start() {
  running_ = true;
  take_ = std::thread([this] { take_loop(); });
  sync_ = std::thread([this] { sync_loop(); });
  keep_ = std::thread([this] { keep_loop(); });
  spdlog::info("event=node_started node={} engine={} capacity={} claim_after_s={}", settings_.name,
               url_.text(), settings_.capacity, settings_.claim_after_s);
}

void TaskConsumer::stop() {
  if (!running_.exchange(false)) return;
  take_.join();
  sync_.join();
  keep_.join();
  std::vector<QueueEntry> held;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, f] : in_flight_) held.push_back({f.entry_id, id});
  }
  for (const auto& t : retry_) held.push_back(t.entry);
  if (auto ok = keep_tasks_.release(settings_.name, held, to_ms(settings_.claim_after_s) + 1);
      !ok) {
    spdlog::warn("event=release_failed tasks={} error=\"{}\"", held.size(), ok.error().message);
  } else if (!held.empty()) {
    spdlog::info("event=released tasks={} (other nodes take them now)", held.size());
  }
}

size_t TaskConsumer::in_flight_count() {
  std::lock_guard lock(mutex_);
  return in_flight_.size();
}

void TaskConsumer::take_loop() {
  auto last_claim = Clock::now() - std::chrono::hours(1);
  bool reported_down = false;
  auto down = [&](const Error& e) {
    if (!reported_down) {
      spdlog::warn("event=engine_unavailable node={} error=\"{}\"", settings_.name, e.message);
    }
    reported_down = true;
    last_failure_ms_ = now_ms();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  };
  (void)take_tasks_.ensure_queue();
  while (running_) {
    // Entries taken while Redis failed half-way are begun again first.
    for (auto it = retry_.begin(); it != retry_.end();) {
      it = begin(*it) ? retry_.erase(it) : std::next(it);
    }
    const int room = settings_.capacity - int(in_flight_count() + retry_.size());
    if (room <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    const bool settled = now_ms() - last_failure_ms_ > to_ms(settings_.claim_after_s);
    if (settled &&
        Clock::now() - last_claim >= std::chrono::milliseconds(to_ms(settings_.heartbeat_s))) {
      last_claim = Clock::now();
      auto stale = take_tasks_.claim_stale(settings_.name, to_ms(settings_.claim_after_s), room);
      if (!stale) {
        down(stale.error());
        continue;
      }
      for (const auto& e : *stale) {
        Taken taken{e, true, false};
        if (!begin(taken)) retry_.push_back(taken);
      }
      if (!stale->empty()) continue;
    }
    // One at a time, so that an idle node next door gets the next one.
    auto fresh = take_tasks_.read_new(settings_.name, 1, 500);
    if (!fresh) {
      down(fresh.error());
      continue;
    }
    if (reported_down) spdlog::info("event=engine_available node={}", settings_.name);
    reported_down = false;
    for (const auto& e : *fresh) {
      Taken taken{e, false, false};
      if (!begin(taken)) retry_.push_back(taken);
    }
  }
}

bool TaskConsumer::begin(Taken& taken) {
  const QueueEntry& entry = taken.entry;
  const std::string& id = entry.task_id;
  {
    std::lock_guard lock(mutex_);
    if (auto it = in_flight_.find(id); it != in_flight_.end()) {
      it->second.entry_id = entry.entry_id;  // its own entry, taken back after a stall
      return true;
    }
  }
  if (id.empty()) return bool(take_tasks_.ack(entry.entry_id));
  auto snap = take_tasks_.get(id);
  if (!snap) return false;
  if (!*snap) {
    spdlog::info("task={} event=cancelled node={} (removed before it started)", id, settings_.name);
    return bool(take_tasks_.ack(entry.entry_id));
  }
  if (tasks::is_finished((*snap)->task.status)) {
    return bool(take_tasks_.ack(entry.entry_id));  // delivered by another node
  }
  Task remote = (*snap)->task;
  if (taken.claimed && !taken.counted) {
    auto claims = take_tasks_.add_claim(id);
    if (!claims) return false;
    if (*claims < 0) return bool(take_tasks_.ack(entry.entry_id));  // removed meanwhile
    taken.counted = true;
    taken.claims = *claims;
    spdlog::warn("task={} event=taken_over node={} claims={}", id, settings_.name, *claims);
  }
  if (taken.claimed && taken.claims >= 2) {
    Task failed = remote;
    failed.status = tasks::TaskStatus::kFailure;
    failed.error_message =
        "The task was being converted on two worker nodes that stopped answering (killed or "
        "cut off); it is not tried a third time.";
    failed.finished_at = tasks::unix_now();
    if (failed.started_at == 0) failed.started_at = failed.finished_at;
    for (auto& d : failed.documents) {
      if (d.status != tasks::DocumentStatus::kPending) continue;
      d.status = tasks::DocumentStatus::kFailure;
      d.error = failed.error_message;
    }
    auto done = take_tasks_.finish(failed, {}, settings_.name);
    if (!done) return false;
    spdlog::error("task={} event=status status=failure error=\"{}\"", id, failed.error_message);
    return bool(take_tasks_.ack(entry.entry_id));
  }
  auto inputs = take_tasks_.inputs(id, remote.documents.size());
  if (!inputs) {
    if (auto again = take_tasks_.get(id); again && !*again) {
      return bool(take_tasks_.ack(entry.entry_id));  // removed meanwhile
    }
    return false;
  }
  Task local = remote;
  local.result_key.clear();
  const fs::path spool = fs::absolute(local_.spool_dir(id));
  const fs::path results = fs::absolute(local_.result_dir(id));
  for (size_t i = 0; i < local.documents.size(); ++i) {
    auto& doc = local.documents[i];
    const fs::path dir = spool / std::to_string(i);
    std::error_code ec;
    fs::create_directories(dir, ec);
    doc.input_path = (dir / fs::path(doc.filename).filename()).string();
    doc.output_dir = (results / std::to_string(i)).string();
    std::ofstream out(doc.input_path, std::ios::binary);
    out.write((*inputs)[i].data(), std::streamsize((*inputs)[i].size()));
    if (!out) {
      spdlog::error("task={} event=spool_failed path={}", id, doc.input_path);
      return false;
    }
  }
  local.status = tasks::TaskStatus::kPending;
  if (auto ok = local_.create(local); !ok) return false;
  {
    std::lock_guard lock(mutex_);
    in_flight_[id] = InFlight{entry.entry_id, remote, false};
  }
  spdlog::info("task={} event=taken node={} documents={}", id, settings_.name,
               local.documents.size());
  runner_.start(local);
  return true;
}

bool TaskConsumer::deliver(const std::string& id, InFlight& f, const Task& local) {
  Task record = f.remote;
  record.status = local.status;
  record.error_message = local.error_message;
  record.waiting_reason.clear();
  record.started_at = local.started_at;
  record.finished_at = local.finished_at;
  std::map<std::string, std::string> files;
  long long bytes = 0;
  for (size_t i = 0; i < record.documents.size() && i < local.documents.size(); ++i) {
    auto& doc = record.documents[i];
    doc.status = local.documents[i].status;
    doc.error = local.documents[i].error;
    doc.outcome = local.documents[i].outcome;
    doc.outcome["node"] = settings_.name;
    for (const auto& out : doc.outcome.value("outputs", json::array())) {
      std::error_code ec;
      const auto size = fs::file_size(out.value("path", ""), ec);
      if (!ec) bytes += (long long)size;
    }
  }
  const bool too_large = bytes > sync_tasks_.retention().max_result_bytes;
  for (size_t i = 0; i < record.documents.size() && !too_large; ++i) {
    for (const auto& out : record.documents[i].outcome.value("outputs", json::array())) {
      const std::string path = out.value("path", "");
      auto content = read_whole_file(path);
      if (!content) continue;  // the answer names what is missing
      files[result_file_field(i, path)] = std::move(*content);
    }
  }
  if (too_large) {
    files.clear();
    record.status = tasks::TaskStatus::kFailure;
    record.error_message = "The result is " + std::to_string(bytes) +
                           " bytes, above the engine's limit of " +
                           std::to_string(sync_tasks_.retention().max_result_bytes) + " bytes.";
    for (auto& d : record.documents) {
      d.status = tasks::DocumentStatus::kFailure;
      d.error = record.error_message;
      d.outcome.erase("outputs");
    }
  }
  auto delivered = sync_tasks_.finish(record, files, settings_.name);
  if (!delivered) return false;
  if (auto ok = sync_tasks_.ack(f.entry_id); !ok) return false;
  spdlog::info("task={} event=delivered node={} status={}{}", id, settings_.name,
               tasks::status_name(record.status),
               *delivered ? "" : " duplicate=true (another node delivered it first)");
  return true;
}

void TaskConsumer::drop_local(const std::string& id, const std::string& why) {
  if (auto snap = local_.get(id)) runner_.cancel(snap->task, why);
  local_.remove(id);
  std::lock_guard lock(mutex_);
  in_flight_.erase(id);
}

void TaskConsumer::sync_loop() {
  auto last_warning = Clock::now() - std::chrono::hours(1);
  while (running_) {
    std::vector<std::string> ids;
    {
      std::lock_guard lock(mutex_);
      for (const auto& [id, f] : in_flight_) ids.push_back(id);
    }
    for (const auto& id : ids) {
      auto snap = local_.get(id);
      InFlight f;
      {
        std::lock_guard lock(mutex_);
        auto it = in_flight_.find(id);
        if (it == in_flight_.end()) continue;
        f = it->second;
      }
      if (!snap) {
        std::lock_guard lock(mutex_);
        in_flight_.erase(id);
        continue;
      }
      if (tasks::is_finished(snap->task.status)) {
        if (deliver(id, f, snap->task)) {
          local_.remove(id);
          std::lock_guard lock(mutex_);
          in_flight_.erase(id);
        } else if (Clock::now() - last_warning > std::chrono::seconds(10)) {
          // Kept here and tried again until Redis takes it.
          spdlog::warn("task={} event=delivery_waiting node={} (Redis unreachable)", id,
                       settings_.name);
          last_warning = Clock::now();
        }
      } else if (snap->task.status == tasks::TaskStatus::kStarted && !f.started_reported) {
        const double started_at = snap->task.started_at;
        auto ok = sync_tasks_.update(id, [&](Task& t) {
          if (t.status != tasks::TaskStatus::kPending) return;
          t.status = tasks::TaskStatus::kStarted;
          t.started_at = started_at;
        });
        if (ok) {
          std::lock_guard lock(mutex_);
          if (auto it = in_flight_.find(id); it != in_flight_.end()) {
            it->second.started_reported = true;
          }
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void TaskConsumer::keep_loop() {
  while (running_) {
    const auto beat = Clock::now();
    heartbeat();
    const auto next = beat + std::chrono::milliseconds(to_ms(settings_.heartbeat_s));
    while (running_ && Clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

void TaskConsumer::heartbeat() {
  std::vector<std::string> entries;
  std::map<std::string, std::string> task_of_entry;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, f] : in_flight_) {
      entries.push_back(f.entry_id);
      task_of_entry[f.entry_id] = id;
    }
  }
  // Tasks given to another node (this one stalled) or removed (cancelled) stop here.
  if (auto lost = keep_tasks_.keep_owned(settings_.name, entries); lost) {
    for (const auto& entry : *lost) {
      const std::string& id = task_of_entry[entry];
      auto snap = keep_tasks_.get(id);
      if (!snap) continue;
      if (!*snap) {
        spdlog::info("task={} event=cancelled node={} (removed from the engine)", id,
                     settings_.name);
        drop_local(id, "cancelled: the task was removed");
      } else if (tasks::is_finished((**snap).task.status)) {
        drop_local(id, "delivered by another node");
      }
      // Otherwise another node took it over while this one stalled: whoever finishes first
      // delivers it.
    }
  }
  if (auto release = keep_tasks_.release_requests(); release) {
    if (release_seen_ >= 0 && *release != release_seen_) supervisor_.release_all();
    release_seen_ = *release;
  }
  json state{{"node", settings_.name},
             {"address", settings_.address},
             {"capacity", settings_.capacity},
             {"in_flight", entries.size()},
             {"seen_ms", now_ms()},
             {"tasks",
              {{"accepted", runner_.accepted_total()},
               {"success", runner_.succeeded_total()},
               {"failure", runner_.failed_total()}}},
             {"workers", server::workers_document(supervisor_, runner_)}};
  auto& events = state["workers"]["events"];
  if (events.size() > 20) events.erase(events.begin(), events.end() - 20);
  heartbeat_answered_ = static_cast<bool>(keep_tasks_.heartbeat(
      settings_.name, state, settings_.claim_after_s + 3 * settings_.heartbeat_s));
}

Result<void> TaskConsumer::check_redis() const {
  if (heartbeat_answered_) return {};
  return make_error("Redis at " + url_.text() + " did not answer the node's last heartbeat");
}

}  // namespace ocrserve::cluster
