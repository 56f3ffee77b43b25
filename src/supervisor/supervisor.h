// The supervisor: runs every conversion in ocrserve-worker processes and controls their life,
// so that GPU memory goes back to 0 MiB when idle and no task is lost when a worker is
// recycled, times out or crashes. Links no ONNX Runtime and no CUDA.
//
// Each worker slot (workers_per_device per GPU, or per CPU) is one thread that owns at most one
// process at a time and moves it through this state machine:
//
//            spawn                 first task / prewarm ready
//   (none) --------> SPAWNING ---> STANDBY -----------------------> READY <---> BUSY
//                                  (ORT + model bytes in RAM,       (sessions      (one task)
//                                   no sessions, 0 MiB VRAM)         on device)
//                                                                      |
//      idle timeout (process mode) / per-task / max tasks /            |
//      over RSS or VRAM budget (measured after the task)               v
//                                                                   EXITING --> (none): VRAM 0
//   BUSY --task timeout--> killed (SIGTERM, SIGKILL after grace); the task fails
//                          "timed out after S s"; the slot starts a process on demand
//   BUSY --crash (signal, abort, lost pipe)--> the task is retried once on a fresh process;
//                          a second crash fails it with the reason
//   READY --idle timeout (in-process mode)--> sessions released in the process --> STANDBY
//
// With prewarm standby (or ready), a slot whose process exited starts a STANDBY (READY) one
// at once, so the next task skips process start and model reading.
//
// Thread safety: every public method may be called from any thread. Job callbacks run on the
// slot's thread; they must not call back into the supervisor's blocking methods.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "supervisor/policy.h"

namespace ocrserve::supervisor {

// kNone: the slot has no process (before its first start and after an exit).
enum class WorkerState { kNone, kSpawning, kStandby, kReady, kBusy, kExiting };
const char* state_name(WorkerState s);

struct JobResult {
  bool ok = false;
  std::string error;      // when !ok: a sentence for the user
  nlohmann::json result;  // the worker's result message (outputs, timings, report)
  int attempts = 0;
  pid_t pid = 0;  // the worker that ran it (last attempt)
};

struct Job {
  std::string id;
  std::string input_path;  // spool file
  std::string filename;    // the user's name for it
  std::string output_dir;
  nlohmann::json request = nlohmann::json::object();   // conversion::ConversionRequest
  double timeout_s = 0;                                // 0 = the policy's task timeout
  std::function<void(const JobResult&)> on_done;       // called exactly once
  std::function<void(const std::string&)> on_started;  // worker picked it (status "started")
  std::function<void(const std::string&)> on_waiting;  // why it still waits (e.g. GPU memory)
};

struct WorkerInfo {
  int slot = 0;
  int gpu = 0;
  pid_t pid = 0;  // 0 = no process
  WorkerState state = WorkerState::kNone;
  int tasks_done = 0;
  double rss_mib = 0;
  double vram_mib = -1;  // -1 = unknown (no NVML)
  std::string task_id;
  std::string device;   // cpu / cuda once known
  std::string waiting;  // why the slot's next task waits (GPU memory), or ""
};

// A lifecycle event, for logs, metrics and the workers page.
struct WorkerEvent {
  std::chrono::system_clock::time_point at;
  int slot = 0;
  pid_t pid = 0;
  std::string kind;    // started, exited, released, timeout, crash
  std::string reason;  // idle, recycled, per-task, timeout, crash, shutdown, ...
  nlohmann::json detail = nlohmann::json::object();
};

struct SupervisorConfig {
  Policy policy;
  std::string worker_path;  // ocrserve-worker
  std::string models_dir;
  std::string spool_dir;  // worker logs go to spool_dir/workers/
  std::vector<std::string> extra_worker_args;
  std::vector<std::pair<std::string, std::string>> extra_env;
};

struct Counters {
  long long worker_starts = 0;
  std::vector<std::pair<std::string, long long>> exits_by_reason;
};

class Supervisor {
 public:
  explicit Supervisor(SupervisorConfig config);
  ~Supervisor();  // stops every worker (SIGTERM, then SIGKILL) and fails queued jobs
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  void submit(Job job);
  // A queued job is removed, a running one has its worker killed; either fails "cancelled".
  bool cancel(const std::string& job_id, const std::string& reason = "cancelled");
  // Every slot releases now, as on idle (docling-serve's /v1/clear/converters).
  void release_all();

  std::vector<WorkerInfo> workers() const;
  size_t queue_depth() const;
  // 1-based position of a queued job, 0 when not queued.
  size_t queue_position(const std::string& job_id) const;
  Counters counters() const;
  std::vector<WorkerEvent> recent_events(size_t max) const;
  const SupervisorConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrserve::supervisor
