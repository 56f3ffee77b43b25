#include "supervisor/supervisor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "gpu/nvml.h"
#include "supervisor/supervisor_impl.h"

namespace ocrserve::supervisor {

using nlohmann::json;

void Supervisor::Impl::event(Slot& slot, pid_t pid, const std::string& kind,
                             const std::string& reason, json detail) {
  std::lock_guard lock(mutex);
  events.push_back(
      {std::chrono::system_clock::now(), slot.index, pid, kind, reason, std::move(detail)});
  while (events.size() > kEventsKept) events.pop_front();
  if (kind == "started") ++starts;
  if (kind == "exited") ++exits[reason];
}

void Supervisor::Impl::set_info(Slot& slot, const std::function<void(WorkerInfo&)>& change) {
  std::lock_guard lock(mutex);
  change(slot.info);
}

// True when a cancel for this job has been asked for (its reason in `reason`).
bool Supervisor::Impl::cancel_requested(Slot& slot, const std::string& job_id,
                                        std::string* reason) {
  std::lock_guard lock(mutex);
  if (job_id.empty() || slot.cancel_job != job_id) return false;
  if (reason) *reason = slot.cancel_reason;
  return true;
}

// VRAM-aware admission: true when the slot may start a GPU process now.
bool Supervisor::Impl::admit(Slot& slot, Job& job) {
  if (!on_gpu() || (slot.process && !slot.process->exited()) || !gpu::nvml_available()) {
    return true;
  }
  auto memory = gpu::device_memory(slot.gpu);
  if (!memory) return true;
  double needed = config.policy.vram_estimate_mb;
  {
    std::lock_guard lock(mutex);
    if (auto it = vram_needed.find(slot.gpu); it != vram_needed.end() && it->second > 0) {
      needed = it->second;
    }
  }
  if (memory->free_mib() >= needed) {
    set_info(slot, [](WorkerInfo& i) { i.waiting.clear(); });
    return true;
  }
  const std::string why = "waiting for GPU memory: " + std::to_string(int(memory->free_mib())) +
                          " MiB free on GPU " + std::to_string(slot.gpu) +
                          ", a worker needs about " + std::to_string(int(needed)) + " MiB";
  set_info(slot, [&](WorkerInfo& i) { i.waiting = why; });
  if (job.on_waiting) job.on_waiting(why);
  return false;
}

double Supervisor::Impl::timeout_of(const Job& job) const {
  // A document's own timeout may shorten the server's, never lengthen it.
  const double server = config.policy.task_timeout_s;
  return job.timeout_s > 0 && (server <= 0 || job.timeout_s < server) ? job.timeout_s : server;
}

Supervisor::Impl::Attempt Supervisor::Impl::send_and_wait(Slot& slot, const Job& job,
                                                          Clock::time_point deadline,
                                                          JobResult& result) {
  WorkerProcess& proc = *slot.process;
  const json task{{"type", "task"},
                  {"id", job.id},
                  {"input", job.input_path},
                  {"filename", job.filename},
                  {"output_dir", job.output_dir},
                  {"request", job.request}};
  Attempt attempt;
  if (!proc.send(task)) return attempt;  // a crash: the connection is gone
  for (;;) {
    auto message = proc.receive(100);
    if (!message) {  // crash: the connection broke, or the worker broke the protocol
      attempt.protocol_error = message.error().message;
      return attempt;
    }
    if (*message && text(**message, "type") == "result") {
      result.result = std::move(**message);
      attempt.outcome = Attempt::kDone;
      return attempt;
    }
    if (cancel_requested(slot, job.id, &attempt.cancel_reason)) {
      attempt.outcome = Attempt::kCancel;
      return attempt;
    }
    if (Clock::now() > deadline) {
      attempt.outcome = Attempt::kTimeout;
      return attempt;
    }
  }
}

void Supervisor::Impl::kill_for(Slot& slot, const Job& job, const std::string& why) {
  const pid_t pid = slot.process->pid();
  slot.process->terminate(ms(config.policy.kill_grace_s));
  slot.process.reset();
  set_info(slot, forget_process);
  event(slot, pid, "exited", why, {{"task", job.id}});
  spdlog::warn("task {} {} on worker pid={}: killed", job.id, why, pid);
}

std::string Supervisor::Impl::bury_crashed(Slot& slot, const Job& job, const Attempt& attempt,
                                           int attempts) {
  WorkerProcess& proc = *slot.process;
  const pid_t pid = proc.pid();
  proc.terminate(0);
  std::string reason = proc.exit_reason();
  if (!attempt.protocol_error.empty() && attempt.protocol_error != "connection closed") {
    reason = "it broke the message protocol (" + attempt.protocol_error + "): " + reason;
  }
  slot.process.reset();
  set_info(slot, forget_process);
  event(slot, pid, "exited", "crash", {{"task", job.id}, {"error", reason}});
  spdlog::warn("task {} attempt {}: worker pid={} crashed: {}", job.id, attempts, pid, reason);
  return reason;
}

// One job on the slot: a process (started if needed), the task sent, its result awaited until
// the deadline or a cancel. A crash is retried once on a fresh process.
JobResult Supervisor::Impl::run_job(Slot& slot, Job& job) {
  const double timeout_s = timeout_of(job);
  JobResult result;
  for (;;) {
    ++result.attempts;
    if (std::string why; cancel_requested(slot, job.id, &why)) {
      result.error = why;
      return result;
    }
    if (auto r = ensure_process(slot, true, job.id); !r) {
      // A worker killed while starting (or one that could not start) gets one more try.
      spdlog::warn("task {} attempt {}: {}", job.id, result.attempts, r.error().message);
      if (cancel_requested(slot, job.id) || result.attempts >= 2) {
        result.error = r.error().message;
        return result;
      }
      continue;
    }
    result.pid = slot.process->pid();
    set_info(slot, [&](WorkerInfo& i) {
      i.state = WorkerState::kBusy;
      i.task_id = job.id;
    });
    if (job.on_started && result.attempts == 1) job.on_started(job.id);
    const auto deadline = Clock::now() + std::chrono::milliseconds(ms(timeout_s));
    const Attempt attempt = send_and_wait(slot, job, deadline, result);
    if (attempt.outcome == Attempt::kDone) {
      apply_report(slot, object(result.result, "report"));
      const auto ok = result.result.find("ok");
      result.ok = ok != result.result.end() && ok->is_boolean() && ok->get<bool>();
      result.error = text(result.result, "error", result.ok ? "" : "the worker gave no reason");
      return result;
    }
    if (attempt.outcome == Attempt::kTimeout || attempt.outcome == Attempt::kCancel) {
      const bool timeout = attempt.outcome == Attempt::kTimeout;
      kill_for(slot, job, timeout ? "timeout" : "cancelled");
      result.error = timeout ? "timed out after " + std::to_string(int(timeout_s)) + " s"
                             : attempt.cancel_reason;
      prewarm(slot);
      return result;
    }
    const std::string reason = bury_crashed(slot, job, attempt, result.attempts);
    if (result.attempts >= 2) {
      result.error = "the worker crashed twice on this document: " + reason;
      prewarm(slot);
      return result;
    }
  }
}

void Supervisor::Impl::run_slot(Slot& slot) {
  prewarm(slot);
  const Policy& p = config.policy;
  for (;;) {
    std::optional<Job> job;
    bool release = false;
    {
      std::unique_lock lock(mutex);
      for (;;) {
        if (stopping) break;
        if (slot.release_requested) {
          slot.release_requested = false;
          release = true;
          break;
        }
        if (!queue.empty()) {
          job = std::move(queue.front());
          queue.pop_front();
          slot.info.task_id = job->id;  // claimed: a cancel finds it from now on
          break;
        }
        const bool idle_release = p.free_vram_on_idle && slot.info.state == WorkerState::kReady;
        const auto idle_at = slot.last_active + std::chrono::milliseconds(ms(p.idle_timeout_s));
        if (idle_release && Clock::now() >= idle_at) {
          release = true;
          break;
        }
        wake.wait_for(lock, std::chrono::milliseconds(idle_release ? 50 : 500));
      }
      if (stopping && !job) break;
    }
    if (release) {
      on_idle(slot);
      continue;
    }
    if (!admit(slot, *job)) {
      std::string cancelled;
      {
        std::lock_guard lock(mutex);
        slot.info.task_id.clear();
        if (slot.cancel_job == job->id) {
          cancelled = slot.cancel_reason;
          slot.cancel_job.clear();
        } else {
          queue.push_front(std::move(*job));
        }
      }
      if (!cancelled.empty() && job->on_done) job->on_done({false, cancelled, {}, 0, 0});
      std::this_thread::sleep_for(kAdmissionRetry);
      continue;
    }
    JobResult result;
    try {
      result = run_job(slot, *job);
    } catch (const std::exception& e) {
      // Nothing a worker sends may take the supervisor down: the process goes, the job fails.
      spdlog::error("task {}: internal error while running it: {}", job->id, e.what());
      if (slot.process) slot.process->terminate(0);
      slot.process.reset();
      set_info(slot, forget_process);
      result.ok = false;
      result.error = std::string("internal error: ") + e.what();
    }
    slot.last_active = Clock::now();
    {
      std::lock_guard lock(mutex);
      if (slot.cancel_job == job->id) slot.cancel_job.clear();
      slot.info.task_id.clear();
    }
    // The caller hears first; recycling (which waits for the exit) comes after.
    if (job->on_done) job->on_done(result);
    if (slot.process && result.result.is_object() && result.result.contains("report")) {
      after_task(slot, object(result.result, "report"));
    }
  }
  stop_process(slot, "shutdown");
}

Supervisor::Supervisor(SupervisorConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  const Policy& p = impl_->config.policy;
  const std::vector<int> gpus = p.device == "cpu" ? std::vector<int>{0} : p.gpus;
  int index = 0;
  for (int gpu : gpus) {
    for (int w = 0; w < p.workers_per_device; ++w) {
      auto slot = std::make_unique<Slot>();
      slot->index = index++;
      slot->gpu = gpu;
      slot->info.slot = slot->index;
      slot->info.gpu = gpu;
      impl_->slots.push_back(std::move(slot));
    }
  }
  for (auto& slot : impl_->slots) {
    Slot* s = slot.get();
    s->thread = std::thread([this, s] { impl_->run_slot(*s); });
  }
}

Supervisor::~Supervisor() {
  std::deque<Job> orphans;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    orphans.swap(impl_->queue);
    for (auto& slot : impl_->slots) {
      if (!slot->info.task_id.empty()) {
        slot->cancel_job = slot->info.task_id;
        slot->cancel_reason = "the server is shutting down";
      }
    }
  }
  impl_->wake.notify_all();
  for (auto& slot : impl_->slots) slot->thread.join();
  for (auto& job : orphans) {
    if (job.on_done) job.on_done({false, "the server is shutting down", {}, 0, 0});
  }
}

void Supervisor::submit(Job job) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->queue.push_back(std::move(job));
  }
  impl_->wake.notify_all();
}

bool Supervisor::cancel(const std::string& job_id, const std::string& reason) {
  std::optional<Job> removed;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = std::find_if(impl_->queue.begin(), impl_->queue.end(),
                           [&](const Job& j) { return j.id == job_id; });
    if (it != impl_->queue.end()) {
      removed = std::move(*it);
      impl_->queue.erase(it);
    } else {
      for (auto& slot : impl_->slots) {
        if (slot->info.task_id == job_id) {
          slot->cancel_job = job_id;
          slot->cancel_reason = reason;
          return true;
        }
      }
      return false;
    }
  }
  if (removed->on_done) removed->on_done({false, reason, {}, 0, 0});
  return true;
}

void Supervisor::release_all() {
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& slot : impl_->slots) slot->release_requested = true;
  }
  impl_->wake.notify_all();
}

std::vector<WorkerInfo> Supervisor::workers() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<WorkerInfo> out;
  for (const auto& slot : impl_->slots) out.push_back(slot->info);
  return out;
}

size_t Supervisor::queue_depth() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->queue.size();
}

size_t Supervisor::queue_position(const std::string& job_id) const {
  std::lock_guard lock(impl_->mutex);
  for (size_t i = 0; i < impl_->queue.size(); ++i) {
    if (impl_->queue[i].id == job_id) return i + 1;
  }
  return 0;
}

Counters Supervisor::counters() const {
  std::lock_guard lock(impl_->mutex);
  Counters c;
  c.worker_starts = impl_->starts;
  for (const auto& [reason, n] : impl_->exits) c.exits_by_reason.emplace_back(reason, n);
  return c;
}

std::vector<WorkerEvent> Supervisor::recent_events(size_t max) const {
  std::lock_guard lock(impl_->mutex);
  const size_t n = std::min(max, impl_->events.size());
  return {impl_->events.end() - static_cast<ptrdiff_t>(n), impl_->events.end()};
}

const SupervisorConfig& Supervisor::config() const { return impl_->config; }

}  // namespace ocrserve::supervisor
