// What `ocrserve serve` and `ocrserve node` share: their flags (with DOCLING_SERVE_* and
// OCRSERVE_* environment fallbacks), the checks on them, and serving HTTP until SIGINT/SIGTERM.
#pragma once

#include <signal.h>
#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "cli/supervisor_flags.h"
#include "common/result.h"
#include "ocr/options.h"
#include "server/api.h"
#include "server/settings.h"
#include "supervisor/supervisor.h"

namespace ocrserve::cli {

struct Flags {
  server::ServerSettings settings;
  SupervisorFlags workers;
  ocr::EngineOptions engine;  // the OCR tuning flags, checked here and passed on to every worker
  std::string cls_mode = "auto";
  CLI::Option_group* tuning = nullptr;
  std::string cors;
  std::string hosts;
  bool keep_task_on_sync_timeout = false;
  // Several machines (Redis engine).
  std::string engine_url;  // redis://host:port/db; empty = the embedded engine
  std::string node_name;   // empty = <hostname>-<pid>
  double heartbeat_s = 1;
  double claim_after_s = 10;
};

// The flags of `serve` (node = false) or `node`.
void add_flags(CLI::App& cmd, Flags& f, bool node);
// SIGINT and SIGTERM go to the one thread that waits for them (blocked before any thread
// starts); nothing the server writes (task store, results, logs) is readable by other users.
sigset_t block_stop_signals();
// The flags checked and turned into the server's settings. `workers_optional`: --workers 0 is
// accepted (an API node that converts nothing).
Result<void> finish_settings(Flags& f, bool workers_optional = false);
Result<supervisor::SupervisorConfig> supervisor_config(const Flags& f);
// Prints "<command>: <why>" and returns the exit status for a refused start.
int refuse(const char* command, const std::string& why);

// Binds, prints the listening line, marks the API ready (once a worker has started, with
// prewarm) and serves until SIGINT/SIGTERM or a failure; then calls wake_waits (long polls and
// sync waits answer) and closes every connection. Returns the exit status.
int serve_http(const Flags& f, server::Api& api, const supervisor::Supervisor* workers,
               sigset_t stop_signals, const std::function<void()>& wake_waits, const char* command);

}  // namespace ocrserve::cli
