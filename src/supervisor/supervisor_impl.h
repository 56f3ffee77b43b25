// Internal to the supervisor: a slot (one worker's place) and the state the supervisor's threads
// share, split over supervisor.cpp (queue, admission, the jobs a slot runs) and
// worker_lifecycle.cpp (starting, releasing and ending a slot's process).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "supervisor/supervisor.h"
#include "supervisor/worker_process.h"

namespace ocrserve::supervisor {

using Clock = std::chrono::steady_clock;

inline WorkerState parse_state(const std::string& s) {
  return s == "READY" ? WorkerState::kReady : WorkerState::kStandby;
}

inline int ms(double seconds) { return static_cast<int>(seconds * 1000); }

// A worker's figures are read with a fallback whatever the worker sent: a missing or mistyped
// field never throws.
inline double number(const nlohmann::json& object, const char* key, double fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

inline std::string text(const nlohmann::json& object, const char* key,
                        const std::string& fallback = "") {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

inline nlohmann::json object(const nlohmann::json& parent, const char* key) {
  if (!parent.is_object()) return nlohmann::json::object();
  auto it = parent.find(key);
  return it != parent.end() && it->is_object() ? *it : nlohmann::json::object();
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
inline void forget_process(WorkerInfo& info) {
  WorkerInfo empty;
  empty.slot = info.slot;
  empty.gpu = info.gpu;
  empty.task_id = info.task_id;
  info = empty;
}

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
             nlohmann::json detail = nlohmann::json::object());

  void set_info(Slot& slot, const std::function<void(WorkerInfo&)>& change);

  void apply_report(Slot& slot, const nlohmann::json& report);

  // True when a cancel for this job has been asked for (its reason in `reason`).
  bool cancel_requested(Slot& slot, const std::string& job_id, std::string* reason = nullptr);

  // Starts the slot's process if it has none; waits for its hello (while `job_id`, if any, is
  // not cancelled).
  Result<void> ensure_process(Slot& slot, bool ready, const std::string& job_id = "");

  void log_release(Slot& slot, pid_t pid, const char* how, double before, double after,
                   const nlohmann::json& extra);

  // Ends the slot's process (asks it to exit, kills it after a grace) and records why.
  void stop_process(Slot& slot, const std::string& reason);

  // In-process release: the worker drops its sessions and stays.
  void release_in_process(Slot& slot);

  void crashed_while_idle(Slot& slot);

  // Keeps a process waiting per the prewarm policy (never a READY one when VRAM must be freed).
  void prewarm(Slot& slot);

  void on_idle(Slot& slot);

  void after_task(Slot& slot, const nlohmann::json& report);

  // VRAM-aware admission: true when the slot may start a GPU process now.
  bool admit(Slot& slot, Job& job);

  // How one attempt at a job ended.
  struct Attempt {
    enum Outcome { kDone, kCrash, kTimeout, kCancel } outcome = kCrash;
    std::string cancel_reason;   // kCancel
    std::string protocol_error;  // kCrash: what the connection or the worker's message said
  };
  // The job's timeout: its own when shorter than the server's.
  double timeout_of(const Job& job) const;
  // Sends the task to the slot's process and waits for its result (into `result`).
  Attempt send_and_wait(Slot& slot, const Job& job, Clock::time_point deadline, JobResult& result);
  // Kills the slot's process for the job ("timeout" or "cancelled"), with its event and log.
  void kill_for(Slot& slot, const Job& job, const std::string& why);
  // Ends a crashed process, records the crash; returns what happened to it.
  std::string bury_crashed(Slot& slot, const Job& job, const Attempt& attempt, int attempts);
  JobResult run_job(Slot& slot, Job& job);

  void run_slot(Slot& slot);
};

}  // namespace ocrserve::supervisor
