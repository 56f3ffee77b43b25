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
#include "supervisor/worker_process.h"

namespace ocrserve::supervisor {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* state_name(WorkerState s) {
  switch (s) {
    case WorkerState::kNone:
      return "NONE";
    case WorkerState::kSpawning:
      return "SPAWNING";
    case WorkerState::kStandby:
      return "STANDBY";
    case WorkerState::kReady:
      return "READY";
    case WorkerState::kBusy:
      return "BUSY";
    case WorkerState::kExiting:
      return "EXITING";
  }
  return "?";
}

namespace {

WorkerState parse_state(const std::string& s) {
  return s == "READY" ? WorkerState::kReady : WorkerState::kStandby;
}

int ms(double seconds) { return static_cast<int>(seconds * 1000); }

// A worker's figures are read with a fallback whatever the worker sent: a missing or mistyped
// field never throws.
double number(const json& object, const char* key, double fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string text(const json& object, const char* key, const std::string& fallback = "") {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

json object(const json& parent, const char* key) {
  if (!parent.is_object()) return json::object();
  auto it = parent.find(key);
  return it != parent.end() && it->is_object() ? *it : json::object();
}

// How long a worker may take to say hello after it was started.
constexpr int kHelloWaitMs = 120000;
// How long a worker asked to exit may take before it is terminated.
constexpr int kExitWaitMs = 2000;
// How long a worker may take to drop its sessions (in-process release).
constexpr int kReleaseReplyMs = 60000;
// How often a task that waits for GPU memory looks again.
constexpr auto kAdmissionRetry = std::chrono::seconds(1);
// Lifecycle events kept for /metrics, /v1/workers and the workers page.
constexpr size_t kEventsKept = 1000;
// What the CUDA context and library handles take besides ONNX Runtime's arena: a worker's
// VRAM budget minus this is its arena's hard cap.
constexpr double kCudaContextMib = 512;
constexpr double kMinArenaMib = 256;

// The slot keeps its place and its job; everything about its former process goes.
void forget_process(WorkerInfo& info) {
  WorkerInfo empty;
  empty.slot = info.slot;
  empty.gpu = info.gpu;
  empty.task_id = info.task_id;
  info = empty;
}

}  // namespace

struct Slot {
  int index = 0;
  int gpu = 0;
  std::unique_ptr<WorkerProcess> process;  // only the slot's thread touches it
  WorkerInfo info;                         // guarded by Impl::mutex
  Clock::time_point last_active = Clock::now();
  std::string cancel_job;          // guarded by Impl::mutex
  std::string cancel_reason;       // guarded by Impl::mutex
  bool release_requested = false;  // guarded by Impl::mutex
  std::thread thread;
};

struct Supervisor::Impl {
  SupervisorConfig config;
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> queue;  // guarded by mutex
  bool stopping = false;  // guarded by mutex
  std::vector<std::unique_ptr<Slot>> slots;
  std::deque<WorkerEvent> events;          // guarded by mutex
  std::map<std::string, long long> exits;  // guarded by mutex
  long long starts = 0;                    // guarded by mutex
  std::map<int, double> vram_needed;       // per GPU: most a worker held; guarded by mutex
  std::atomic<long long> spawn_counter{0};

  bool on_gpu() const { return config.policy.device != "cpu"; }

  void event(Slot& slot, pid_t pid, const std::string& kind, const std::string& reason,
             json detail = json::object()) {
    std::lock_guard lock(mutex);
    events.push_back(
        {std::chrono::system_clock::now(), slot.index, pid, kind, reason, std::move(detail)});
    while (events.size() > kEventsKept) events.pop_front();
    if (kind == "started") ++starts;
    if (kind == "exited") ++exits[reason];
  }

  void set_info(Slot& slot, const std::function<void(WorkerInfo&)>& change) {
    std::lock_guard lock(mutex);
    change(slot.info);
  }

  void apply_report(Slot& slot, const json& report) {
    const std::string device = text(report, "device");
    std::string before;
    set_info(slot, [&](WorkerInfo& i) { before = i.device; });
    if (!device.empty() && device != before) {
      // Where --device auto landed, said once per process.
      spdlog::info("worker slot={} pid={} event=device device={} requested={}", slot.index,
                   slot.process ? slot.process->pid() : 0, device, config.policy.device);
    }
    set_info(slot, [&](WorkerInfo& i) {
      i.tasks_done = int(number(report, "tasks_done", i.tasks_done));
      i.rss_mib = number(report, "rss_mib", i.rss_mib);
      i.vram_mib = number(report, "vram_mib", -1.0);
      i.device = text(report, "device", i.device);
      if (report.contains("state")) i.state = parse_state(text(report, "state"));
    });
    if (const double vram = number(report, "vram_mib", -1); vram >= 0) {
      std::lock_guard lock(mutex);
      double& need = vram_needed[slot.gpu];
      need = std::max(need, vram);
    }
  }

  // True when a cancel for this job has been asked for (its reason in `reason`).
  bool cancel_requested(Slot& slot, const std::string& job_id, std::string* reason = nullptr) {
    std::lock_guard lock(mutex);
    if (job_id.empty() || slot.cancel_job != job_id) return false;
    if (reason) *reason = slot.cancel_reason;
    return true;
  }

  // Starts the slot's process if it has none; waits for its hello (while `job_id`, if any, is
  // not cancelled).
  Result<void> ensure_process(Slot& slot, bool ready, const std::string& job_id = "") {
    if (slot.process && !slot.process->exited()) return {};
    slot.process.reset();
    const Policy& p = config.policy;
    std::filesystem::create_directories(config.spool_dir + "/workers");
    SpawnOptions o;
    o.executable = config.worker_path;
    o.stderr_path = config.spool_dir + "/workers/slot" + std::to_string(slot.index) + "-" +
                    std::to_string(++spawn_counter) + ".log";
    o.args = {"serve",
              "--fd",
              "3",
              "--device",
              p.device,
              "--threads",
              std::to_string(p.threads),
              "--gpu-index",
              std::to_string(slot.gpu)};
    if (!config.models_dir.empty()) {
      o.args.push_back("--models");
      o.args.push_back(config.models_dir);
    }
    if (p.max_worker_vram_mb > 0) {
      o.args.push_back("--gpu-arena-limit-mb");
      o.args.push_back(
          std::to_string(int(std::max(kMinArenaMib, p.max_worker_vram_mb - kCudaContextMib))));
    }
    if (ready) o.args.push_back("--ready");
    o.args.insert(o.args.end(), config.extra_worker_args.begin(), config.extra_worker_args.end());
    o.env = config.extra_env;
    o.args.push_back("--supervisor-pid");
    o.args.push_back(std::to_string(::getpid()));
    if (on_gpu()) o.env.emplace_back("CUDA_VISIBLE_DEVICES", std::to_string(slot.gpu));
    set_info(slot, [](WorkerInfo& i) {
      i.state = WorkerState::kSpawning;
      i.tasks_done = 0;
    });
    const auto start = Clock::now();
    auto spawned = WorkerProcess::spawn(o);
    if (!spawned) {
      set_info(slot, forget_process);
      return spawned.error();
    }
    slot.process = std::move(spawned).value();
    set_info(slot, [&](WorkerInfo& i) { i.pid = slot.process->pid(); });
    Result<std::optional<json>> hello = std::optional<json>{};
    std::string cancelled;
    for (int waited = 0; waited < kHelloWaitMs; waited += 100) {
      hello = slot.process->receive(100);
      if (!hello || *hello || cancel_requested(slot, job_id, &cancelled)) break;
    }
    if (!hello || !*hello || text(**hello, "type") != "hello") {
      slot.process->terminate(cancelled.empty() ? ms(config.policy.kill_grace_s) : 0);
      const std::string reason =
          !cancelled.empty() ? cancelled
          : hello && !*hello ? "no hello within " + std::to_string(kHelloWaitMs / 1000) + " s"
                             : slot.process->exit_reason();
      slot.process.reset();
      set_info(slot, forget_process);
      return make_error(cancelled.empty() ? "the worker did not start: " + reason : reason);
    }
    apply_report(slot, object(**hello, "report"));
    const double startup_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    spdlog::info("worker started slot={} pid={} state={} startup_ms={:.0f}", slot.index,
                 slot.process->pid(), text(**hello, "state"), startup_ms);
    event(slot, slot.process->pid(), "started", ready ? "ready" : "standby",
          {{"startup_ms", startup_ms}});
    return {};
  }

  void log_release(Slot& slot, pid_t pid, const char* how, double before, double after,
                   const json& extra) {
    spdlog::info(
        "worker {} slot={} pid={} gpu={}: VRAM allocated before cleanup: {:.0f} MiB, VRAM "
        "freed: {:.0f} MiB, VRAM allocated after cleanup: {:.0f} MiB {}",
        how, slot.index, pid, slot.gpu, before, before - after, after, extra.dump());
  }

  // Ends the slot's process (asks it to exit, kills it after a grace) and records why.
  void stop_process(Slot& slot, const std::string& reason) {
    if (!slot.process) return;
    const pid_t pid = slot.process->pid();
    set_info(slot, [](WorkerInfo& i) { i.state = WorkerState::kExiting; });
    const double before = gpu::process_memory_mib(slot.gpu, pid).value_or(0);
    const auto device_before = gpu::device_memory(slot.gpu);
    (void)slot.process->send({{"type", "exit"}});
    slot.process->wait_or_terminate(kExitWaitMs, ms(config.policy.kill_grace_s));
    slot.process.reset();
    const double after = gpu::process_memory_mib(slot.gpu, pid).value_or(0);
    json extra{{"reason", reason}};
    if (auto d = gpu::device_memory(slot.gpu); d && device_before) {
      extra["device_used_before_mib"] = device_before->used_mib;
      extra["device_used_after_mib"] = d->used_mib;
    }
    log_release(slot, pid, "exited", before, after, extra);
    set_info(slot, forget_process);
    event(slot, pid, "exited", reason, {{"vram_before_mib", before}, {"vram_after_mib", after}});
  }

  // In-process release: the worker drops its sessions and stays.
  void release_in_process(Slot& slot) {
    if (!slot.process) return;
    const pid_t pid = slot.process->pid();
    if (!slot.process->send({{"type", "release"}})) return crashed_while_idle(slot);
    for (;;) {
      auto reply = slot.process->receive(kReleaseReplyMs);
      if (!reply || !*reply) return crashed_while_idle(slot);
      if (text(**reply, "type") != "released") continue;
      const json& r = **reply;
      apply_report(slot, object(r, "report"));
      log_release(slot, pid, "released sessions", number(r, "vram_before_mib", 0),
                  number(r, "vram_after_mib", 0),
                  {{"rss_before_mib", number(r, "rss_before_mib", 0)},
                   {"rss_after_mib", number(r, "rss_after_mib", 0)}});
      event(slot, pid, "released", "idle", r);
      return;
    }
  }

  void crashed_while_idle(Slot& slot) {
    if (!slot.process) return;
    slot.process->terminate(0);
    const pid_t pid = slot.process->pid();
    const std::string reason = slot.process->exit_reason();
    slot.process.reset();
    spdlog::warn("worker slot={} pid={} died while idle: {}", slot.index, pid, reason);
    set_info(slot, forget_process);
    event(slot, pid, "exited", "crash", {{"error", reason}});
  }

  // Keeps a process waiting per the prewarm policy (never a READY one when VRAM must be freed).
  void prewarm(Slot& slot) {
    const Policy& p = config.policy;
    if (p.prewarm == Prewarm::kNone || (slot.process && !slot.process->exited())) return;
    const bool ready = p.prewarm == Prewarm::kReady && !p.free_vram_on_idle;
    if (auto r = ensure_process(slot, ready); !r) {
      spdlog::warn("prewarm of slot {} failed: {}", slot.index, r.error().message);
    }
  }

  void on_idle(Slot& slot) {
    const Policy& p = config.policy;
    const bool holds_sessions = slot.process && slot.info.state == WorkerState::kReady;
    if (!holds_sessions) return;
    if (p.release_mode == ReleaseMode::kInProcess) {
      release_in_process(slot);
    } else {
      stop_process(slot, "idle");
      prewarm(slot);
    }
  }

  void after_task(Slot& slot, const json& report) {
    const Policy& p = config.policy;
    std::string reason;
    if (p.free_vram_on_idle && p.release_mode == ReleaseMode::kPerTask) {
      reason = "per-task";
    } else if (p.max_tasks_per_worker > 0 &&
               number(report, "tasks_done", 0) >= p.max_tasks_per_worker) {
      reason = "recycled";
    } else if (p.max_worker_rss_mb > 0 && number(report, "rss_mib", 0) > p.max_worker_rss_mb) {
      reason = "recycled";
    } else if (p.max_worker_vram_mb > 0 && number(report, "vram_mib", 0) > p.max_worker_vram_mb) {
      reason = "recycled";
    }
    if (!reason.empty()) {
      spdlog::info("worker slot={} pid={} recycling: {} (tasks {}, rss {:.0f} MiB, vram {} MiB)",
                   slot.index, slot.process ? slot.process->pid() : 0, reason,
                   number(report, "tasks_done", 0), number(report, "rss_mib", 0),
                   number(report, "vram_mib", -1));
      stop_process(slot, reason);
      prewarm(slot);
    }
  }

  // VRAM-aware admission: true when the slot may start a GPU process now.
  bool admit(Slot& slot, Job& job) {
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

  JobResult run_job(Slot& slot, Job& job) {
    const Policy& p = config.policy;
    // A document's own timeout may shorten the server's, never lengthen it.
    const double timeout_s =
        job.timeout_s > 0 && (p.task_timeout_s <= 0 || job.timeout_s < p.task_timeout_s)
            ? job.timeout_s
            : p.task_timeout_s;
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
      WorkerProcess& proc = *slot.process;
      result.pid = proc.pid();
      set_info(slot, [&](WorkerInfo& i) {
        i.state = WorkerState::kBusy;
        i.task_id = job.id;
      });
      if (job.on_started && result.attempts == 1) job.on_started(job.id);
      json task{{"type", "task"},
                {"id", job.id},
                {"input", job.input_path},
                {"filename", job.filename},
                {"output_dir", job.output_dir},
                {"request", job.request}};
      const auto deadline = Clock::now() + std::chrono::milliseconds(ms(timeout_s));
      enum { kDone, kCrash, kTimeout, kCancel } outcome = kCrash;
      std::string cancel_reason, protocol_error;
      if (proc.send(task)) {
        for (;;) {
          auto message = proc.receive(100);
          if (!message) {  // crash: the connection broke, or the worker broke the protocol
            protocol_error = message.error().message;
            break;
          }
          if (*message && text(**message, "type") == "result") {
            result.result = std::move(**message);
            outcome = kDone;
            break;
          }
          if (cancel_requested(slot, job.id, &cancel_reason)) {
            outcome = kCancel;
            break;
          }
          if (Clock::now() > deadline) {
            outcome = kTimeout;
            break;
          }
        }
      }
      if (outcome == kDone) {
        apply_report(slot, object(result.result, "report"));
        const auto ok = result.result.find("ok");
        result.ok = ok != result.result.end() && ok->is_boolean() && ok->get<bool>();
        result.error = text(result.result, "error", result.ok ? "" : "the worker gave no reason");
        return result;
      }
      const pid_t pid = proc.pid();
      if (outcome == kTimeout || outcome == kCancel) {
        proc.terminate(ms(p.kill_grace_s));
        slot.process.reset();
        set_info(slot, forget_process);
        const std::string why = outcome == kTimeout ? "timeout" : "cancelled";
        event(slot, pid, "exited", why, {{"task", job.id}});
        spdlog::warn("task {} {} on worker pid={}: killed", job.id, why, pid);
        result.error = outcome == kTimeout
                           ? "timed out after " + std::to_string(int(timeout_s)) + " s"
                           : cancel_reason;
        prewarm(slot);
        return result;
      }
      proc.terminate(0);
      std::string reason = proc.exit_reason();
      if (!protocol_error.empty() && protocol_error != "connection closed") {
        reason = "it broke the message protocol (" + protocol_error + "): " + reason;
      }
      slot.process.reset();
      set_info(slot, forget_process);
      event(slot, pid, "exited", "crash", {{"task", job.id}, {"error", reason}});
      spdlog::warn("task {} attempt {}: worker pid={} crashed: {}", job.id, result.attempts, pid,
                   reason);
      if (result.attempts >= 2) {
        result.error = "the worker crashed twice on this document: " + reason;
        prewarm(slot);
        return result;
      }
    }
  }

  void run_slot(Slot& slot) {
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
};

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
