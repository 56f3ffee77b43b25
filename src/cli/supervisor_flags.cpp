#include "cli/supervisor_flags.h"

#include <sstream>

namespace ocrserve::cli {

void add_supervisor_flags(CLI::App& app, SupervisorFlags& f) {
  auto& p = f.policy;
  auto* g = app.add_option_group("Workers and GPU memory");
  g->add_option("--device", p.device, "cpu, cuda or auto")
      ->check(CLI::IsMember({"cpu", "cuda", "auto"}))
      ->envname("OCRSERVE_DEVICE")
      ->capture_default_str();
  g->add_option("--devices", f.devices,
                "GPU indices, comma separated (CUDA_VISIBLE_DEVICES per worker)")
      ->envname("OCRSERVE_DEVICES")
      ->capture_default_str();
  g->add_option("--workers", p.workers_per_device,
                "worker processes per device (0: with serve --engine, an API node that converts "
                "nothing)")
      ->check(CLI::Range(0, 64))
      ->envname("OCRSERVE_WORKERS")
      ->capture_default_str();
  g->add_option("--threads", p.threads, "CPU threads per worker")
      ->check(CLI::Range(1, 256))
      ->envname("OCRSERVE_THREADS")
      ->capture_default_str();
  g->add_option("--models", f.models_dir, "folder with the PP-OCRv4 models")
      ->envname("OCRSERVE_MODELS_DIR");
  g->add_flag("--free-vram-on-idle{true},!--keep-warm{false}", p.free_vram_on_idle,
              "release GPU memory when idle (see --release-mode)")
      ->envname("OCRSERVE_FREE_VRAM_ON_IDLE");
  g->add_option("--release-mode", f.release_mode,
                "process: the worker exits after --idle-timeout; per-task: a fresh process per "
                "task; in-process: the worker drops its sessions but stays")
      ->check(CLI::IsMember({"process", "per-task", "in-process"}))
      ->envname("OCRSERVE_RELEASE_MODE")
      ->capture_default_str();
  g->add_option("--idle-timeout", p.idle_timeout_s, "seconds without a task before releasing")
      ->check(CLI::PositiveNumber)
      ->envname("OCRSERVE_IDLE_TIMEOUT")
      ->capture_default_str();
  g->add_option("--prewarm", f.prewarm,
                "none; standby: keep a process with the models in RAM and no GPU memory; "
                "ready: keep sessions on the device")
      ->check(CLI::IsMember({"none", "standby", "ready"}))
      ->envname("OCRSERVE_PREWARM")
      ->capture_default_str();
  g->add_option("--max-tasks-per-worker", p.max_tasks_per_worker,
                "recycle a worker after this many tasks (0 = never)")
      ->envname("OCRSERVE_MAX_TASKS_PER_WORKER")
      ->capture_default_str();
  g->add_option("--max-worker-rss-mb", p.max_worker_rss_mb,
                "recycle a worker whose RSS is above this after a task (0 = no limit)")
      ->envname("OCRSERVE_MAX_WORKER_RSS_MB")
      ->capture_default_str();
  g->add_option("--max-worker-vram-mb", p.max_worker_vram_mb,
                "recycle a worker whose GPU memory is above this after a task (0 = no limit)")
      ->envname("OCRSERVE_MAX_WORKER_VRAM_MB")
      ->capture_default_str();
  g->add_option("--task-timeout", p.task_timeout_s, "seconds before a task's worker is killed")
      ->check(CLI::PositiveNumber)
      ->envname("OCRSERVE_TASK_TIMEOUT")
      ->capture_default_str();
  g->add_option("--vram-estimate-mb", p.vram_estimate_mb,
                "GPU memory a worker needs before one has been measured (admission)")
      ->envname("OCRSERVE_VRAM_ESTIMATE_MB")
      ->capture_default_str();
}

Result<void> finish_supervisor_flags(SupervisorFlags& f) {
  // docling-serve's setting turns the release on too.
  if (const char* e = std::getenv("DOCLING_SERVE_FREE_VRAM_ON_IDLE")) {
    const std::string v = e;
    if (!std::getenv("OCRSERVE_FREE_VRAM_ON_IDLE") && (v == "1" || v == "true" || v == "True")) {
      f.policy.free_vram_on_idle = true;
    }
  }
  auto mode = supervisor::parse_release_mode(f.release_mode);
  if (!mode) return mode.error();
  f.policy.release_mode = *mode;
  auto prewarm = supervisor::parse_prewarm(f.prewarm);
  if (!prewarm) return prewarm.error();
  f.policy.prewarm = *prewarm;
  f.policy.gpus.clear();
  std::stringstream in(f.devices);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      f.policy.gpus.push_back(std::stoi(item));
    } catch (const std::exception&) {
      return make_error("--devices: '" + item + "' is not a GPU index");
    }
  }
  return supervisor::validate(f.policy);
}

}  // namespace ocrserve::cli
