// The worker lifecycle policies: what the supervisor does with a worker between tasks.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace ocrserve::supervisor {

enum class ReleaseMode {
  kProcess,    // the worker exits after idle_timeout_s without a task (VRAM back to 0)
  kPerTask,    // a fresh process for every task
  kInProcess,  // the process stays; after idle_timeout_s it drops its sessions (VRAM shrinks,
               // the CUDA context stays)
};

enum class Prewarm {
  kNone,     // no process until a task arrives
  kStandby,  // keep one process with ONNX Runtime and the model bytes loaded, no sessions:
             // no CUDA context, 0 MiB of VRAM
  kReady,    // keep one process with sessions on the device
};

struct Policy {
  std::string device = "auto";  // cpu | cuda | auto (what the workers run on)
  std::vector<int> gpus{0};     // GPU indices; each gets workers_per_device slots
  int workers_per_device = 1;
  int threads = 1;  // CPU threads per worker
  bool free_vram_on_idle = false;
  ReleaseMode release_mode = ReleaseMode::kProcess;
  double idle_timeout_s = 60;
  Prewarm prewarm = Prewarm::kNone;
  int max_tasks_per_worker = 0;   // 0 = no limit
  double max_worker_rss_mb = 0;   // 0 = no limit
  double max_worker_vram_mb = 0;  // 0 = no limit
  double task_timeout_s = 300;
  double kill_grace_s = 2;         // SIGTERM -> SIGKILL
  double vram_estimate_mb = 1500;  // what a GPU worker needs before it has been measured
};

Result<ReleaseMode> parse_release_mode(const std::string& s);
Result<Prewarm> parse_prewarm(const std::string& s);
const char* release_mode_name(ReleaseMode m);
const char* prewarm_name(Prewarm p);
Result<void> validate(const Policy& policy);

}  // namespace ocrserve::supervisor
