// The worker process's message loop: loads the models once, converts the tasks the supervisor
// sends (documents and results as spool files), reports its state, RSS and GPU memory after
// every task, and releases its sessions when asked. Exceptions stop here.
//
// Messages in:  {"type":"task","id","input","filename","output_dir","request":{...}}
//               {"type":"warm"} (create sessions now), {"type":"release"}, {"type":"exit"}
// Messages out: {"type":"hello","pid","state"}, {"type":"result","id","ok",...,"report"},
//               {"type":"state",...}, {"type":"released","vram_before_mib",...}
#pragma once

#include <string>

#include "ocr/options.h"

namespace ocrserve::worker {

struct WorkerConfig {
  int fd = 3;  // the socketpair end
  std::string models_dir;
  ocr::EngineOptions engine;  // device, threads
  int gpu_index = 0;          // NVML index of this worker's GPU (for telemetry)
  bool start_ready = false;   // create sessions at start (prewarm ready) instead of standby
  bool fresh_sessions_per_task = false;  // the leaking pattern, for comparison only
  // File names can trigger crashes and hangs (OCRSERVE_TEST_HOOKS=1); only in the test build
  // (ocrserve-worker-with-test-hooks), never in the ocrserve-worker that ships.
  bool test_hooks = false;
  int supervisor_pid = 0;  // the worker dies with this process (0 = not checked)
};

// Whether this binary was built with the test hooks.
bool has_test_hooks();

// Returns the process exit status.
int run_worker(const WorkerConfig& config);

}  // namespace ocrserve::worker
