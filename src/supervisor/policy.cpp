#include "supervisor/policy.h"

namespace ocrserve::supervisor {

Result<ReleaseMode> parse_release_mode(const std::string& s) {
  if (s == "process") return ReleaseMode::kProcess;
  if (s == "per-task") return ReleaseMode::kPerTask;
  if (s == "in-process") return ReleaseMode::kInProcess;
  return make_error("release mode must be process, per-task or in-process, not '" + s + "'");
}

Result<Prewarm> parse_prewarm(const std::string& s) {
  if (s == "none") return Prewarm::kNone;
  if (s == "standby") return Prewarm::kStandby;
  if (s == "ready") return Prewarm::kReady;
  return make_error("prewarm must be none, standby or ready, not '" + s + "'");
}

const char* release_mode_name(ReleaseMode m) {
  switch (m) {
    case ReleaseMode::kProcess:
      return "process";
    case ReleaseMode::kPerTask:
      return "per-task";
    case ReleaseMode::kInProcess:
      return "in-process";
  }
  return "?";
}

const char* prewarm_name(Prewarm p) {
  switch (p) {
    case Prewarm::kNone:
      return "none";
    case Prewarm::kStandby:
      return "standby";
    case Prewarm::kReady:
      return "ready";
  }
  return "?";
}

Result<void> validate(const Policy& p) {
  if (p.device != "cpu" && p.device != "cuda" && p.device != "auto") {
    return make_error("device must be cpu, cuda or auto");
  }
  if (p.gpus.empty()) return make_error("devices: at least one GPU index");
  for (int g : p.gpus) {
    if (g < 0) return make_error("devices: GPU indices are >= 0");
  }
  if (p.workers_per_device < 1) return make_error("workers must be >= 1");
  if (p.threads < 1) return make_error("threads must be >= 1");
  if (p.idle_timeout_s <= 0) return make_error("idle-timeout must be > 0");
  if (p.task_timeout_s <= 0) return make_error("task-timeout must be > 0");
  if (p.max_tasks_per_worker < 0) return make_error("max-tasks-per-worker must be >= 0");
  if (p.max_worker_rss_mb < 0 || p.max_worker_vram_mb < 0) {
    return make_error("memory budgets must be >= 0");
  }
  return {};
}

}  // namespace ocrserve::supervisor
