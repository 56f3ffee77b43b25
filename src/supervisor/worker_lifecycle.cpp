// A slot's process: started (and its hello awaited), its reports applied, released in place,
// prewarmed, ended after idle, a budget or a crash, with the VRAM log lines each time.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "gpu/nvml.h"
#include "supervisor/supervisor_impl.h"

namespace ocrserve::supervisor {

using nlohmann::json;

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

void Supervisor::Impl::apply_report(Slot& slot, const json& report) {
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

// Starts the slot's process if it has none; waits for its hello (while `job_id`, if any, is
// not cancelled).
Result<void> Supervisor::Impl::ensure_process(Slot& slot, bool ready, const std::string& job_id) {
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
    const std::string reason = !cancelled.empty() ? cancelled
                               : hello && !*hello
                                   ? "no hello within " + std::to_string(kHelloWaitMs / 1000) + " s"
                                   : slot.process->exit_reason();
    slot.process.reset();
    set_info(slot, forget_process);
    return make_error(cancelled.empty() ? "the worker did not start: " + reason : reason);
  }
  apply_report(slot, object(**hello, "report"));
  const double startup_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  spdlog::info("worker started slot={} pid={} state={} startup_ms={:.0f}", slot.index,
               slot.process->pid(), text(**hello, "state"), startup_ms);
  event(slot, slot.process->pid(), "started", ready ? "ready" : "standby",
        {{"startup_ms", startup_ms}});
  return {};
}

void Supervisor::Impl::log_release(Slot& slot, pid_t pid, const char* how, double before,
                                   double after, const json& extra) {
  spdlog::info(
      "worker {} slot={} pid={} gpu={}: VRAM allocated before cleanup: {:.0f} MiB, VRAM "
      "freed: {:.0f} MiB, VRAM allocated after cleanup: {:.0f} MiB {}",
      how, slot.index, pid, slot.gpu, before, before - after, after, extra.dump());
}

// Ends the slot's process (asks it to exit, kills it after a grace) and records why.
void Supervisor::Impl::stop_process(Slot& slot, const std::string& reason) {
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
void Supervisor::Impl::release_in_process(Slot& slot) {
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

void Supervisor::Impl::crashed_while_idle(Slot& slot) {
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
void Supervisor::Impl::prewarm(Slot& slot) {
  const Policy& p = config.policy;
  if (p.prewarm == Prewarm::kNone || (slot.process && !slot.process->exited())) return;
  const bool ready = p.prewarm == Prewarm::kReady && !p.free_vram_on_idle;
  if (auto r = ensure_process(slot, ready); !r) {
    spdlog::warn("prewarm of slot {} failed: {}", slot.index, r.error().message);
  }
}

void Supervisor::Impl::on_idle(Slot& slot) {
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

void Supervisor::Impl::after_task(Slot& slot, const json& report) {
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
}  // namespace ocrserve::supervisor
