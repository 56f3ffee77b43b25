#include "cli/serve_setup.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/ocr_tuning_flags.h"
#include "cli/worker_binary.h"
#include "server/http_server.h"

#ifndef OCRSERVE_VERSION
#define OCRSERVE_VERSION "0.0.0"
#endif

namespace ocrserve::cli {

namespace fs = std::filesystem;

namespace {

// Each setting reads DOCLING_SERVE_<NAME>, else OCRSERVE_<NAME>.
void env_alias(const std::string& name) {
  const std::string docling = "DOCLING_SERVE_" + name, own = "OCRSERVE_" + name;
  if (!std::getenv(docling.c_str())) {
    if (const char* v = std::getenv(own.c_str())) ::setenv(docling.c_str(), v, 0);
  }
}

template <class T>
CLI::Option* setting(CLI::App& cmd, const std::string& flag, T& value, const std::string& env,
                     const std::string& help) {
  env_alias(env);
  return cmd
      .add_option(flag, value, help + " [env DOCLING_SERVE_" + env + " or OCRSERVE_" + env + "]")
      ->envname("DOCLING_SERVE_" + env)
      ->capture_default_str();
}

CLI::Option* flag(CLI::App& cmd, const std::string& name, bool& value, const std::string& env,
                  const std::string& help) {
  env_alias(env);
  return cmd
      .add_flag(name, value, help + " [env DOCLING_SERVE_" + env + " or OCRSERVE_" + env + "]")
      ->envname("DOCLING_SERVE_" + env);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Ready once a worker can be started: the binary is there (checked at start); with prewarm,
// once the first worker has started (or a minute has passed).
std::thread readiness_thread(const Flags& f, const supervisor::Supervisor* workers,
                             server::Api& api, const std::atomic<bool>& stopping) {
  return std::thread([&f, workers, &api, &stopping] {
    if (workers && f.workers.policy.prewarm != supervisor::Prewarm::kNone) {
      for (int i = 0; i < 600 && !stopping; ++i) {
        bool started = false;
        for (const auto& e : workers->recent_events(64)) started |= e.kind == "started";
        if (started) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    api.set_ready(true);
    spdlog::info("event=ready");
  });
}

void log_listening(const Flags& f, int port) {
  const auto& policy = f.workers.policy;
  spdlog::info(
      "event=listening host={} port={} data_dir={} device={} release_mode={} "
      "free_vram_on_idle={} idle_timeout_s={} prewarm={} engine={}",
      f.settings.host, port, f.settings.data_dir, policy.device,
      supervisor::release_mode_name(policy.release_mode), policy.free_vram_on_idle,
      policy.idle_timeout_s, supervisor::prewarm_name(policy.prewarm),
      f.engine_url.empty() ? "embedded" : f.engine_url);
}

// --engine, also from OCRSERVE_ENGINE, or docling-serve's DOCLING_SERVE_ENG_KIND=rq with
// DOCLING_SERVE_ENG_RQ_REDIS_URL.
void add_engine_flags(CLI::App& cmd, Flags& f, bool node) {
  if (const char* kind = std::getenv("DOCLING_SERVE_ENG_KIND"); kind && std::string(kind) == "rq") {
    if (const char* url = std::getenv("DOCLING_SERVE_ENG_RQ_REDIS_URL")) {
      ::setenv("OCRSERVE_ENGINE", url, 0);
    }
  }
  auto* engine =
      cmd.add_option("--engine", f.engine_url,
                     node ? "the Redis this node takes tasks from: redis://HOST:PORT/DB [env "
                            "OCRSERVE_ENGINE, or DOCLING_SERVE_ENG_KIND=rq with "
                            "DOCLING_SERVE_ENG_RQ_REDIS_URL]"
                          : "where tasks are kept: empty = this machine (SQLite in the data "
                            "directory); redis://HOST:PORT/DB = Redis, shared with other API "
                            "and worker nodes [env OCRSERVE_ENGINE, or DOCLING_SERVE_ENG_KIND=rq "
                            "with DOCLING_SERVE_ENG_RQ_REDIS_URL]")
          ->envname("OCRSERVE_ENGINE");
  if (node) engine->required();
  cmd.add_option("--node-name", f.node_name,
                 "this node's name among the nodes (default <hostname>-<pid>) [env "
                 "OCRSERVE_NODE_NAME]")
      ->envname("OCRSERVE_NODE_NAME");
  cmd.add_option("--heartbeat", f.heartbeat_s,
                 "seconds between a node's heartbeats (Redis engine) [env OCRSERVE_HEARTBEAT]")
      ->envname("OCRSERVE_HEARTBEAT")
      ->capture_default_str();
  cmd.add_option("--claim-after", f.claim_after_s,
                 "seconds without a heartbeat before a node's tasks go to another node (Redis "
                 "engine) [env OCRSERVE_CLAIM_AFTER]")
      ->envname("OCRSERVE_CLAIM_AFTER")
      ->capture_default_str();
}

}  // namespace

void add_flags(CLI::App& cmd, Flags& f, bool node) {
  auto& s = f.settings;
  setting(cmd, "--host", s.host, "HOST", "address to listen on");
  setting(cmd, "--port", s.port, "PORT", "port to listen on; 0 picks a free port (logged)");
  setting(cmd, "--data-dir", s.data_dir, "DATA_DIR", "task store, uploaded documents and results");
  setting(cmd, "--api-key", s.api_key, "API_KEY",
          "when set, every API request needs this value in the X-Api-Key header");
  setting(cmd, "--max-sync-wait", s.max_sync_wait_s, "MAX_SYNC_WAIT",
          "seconds a sync request waits; then 504 and the task is cancelled");
  flag(cmd, "--keep-task-on-sync-timeout", f.keep_task_on_sync_timeout, "KEEP_TASK_ON_SYNC_TIMEOUT",
       "leave the task running after a sync 504 (docling-serve's way)");
  setting(cmd, "--max-document-timeout", s.max_document_timeout_s, "MAX_DOCUMENT_TIMEOUT",
          "largest document_timeout a request may ask for, seconds");
  setting(cmd, "--max-num-pages", s.max_num_pages, "MAX_NUM_PAGES",
          "refuse documents with more pages (0 = no limit)");
  setting(cmd, "--max-file-size", s.max_file_size, "MAX_FILE_SIZE",
          "largest document in bytes (0 = the request size limit)");
  setting(cmd, "--max-request-size", s.max_request_size, "MAX_REQUEST_SIZE",
          "largest request body in bytes; larger uploads get 413 before they are read");
  setting(cmd, "--max-sources-per-request", s.max_sources_per_request, "MAX_SOURCES_PER_REQUEST",
          "documents per request");
  setting(cmd, "--single-use-results", s.single_use_results, "SINGLE_USE_RESULTS",
          "delete a result RESULT_REMOVAL_DELAY seconds after its first fetch");
  setting(cmd, "--result-removal-delay", s.result_removal_delay_s, "RESULT_REMOVAL_DELAY",
          "seconds a fetched result stays (with single-use results)");
  setting(cmd, "--result-ttl", s.result_ttl_s, "RESULT_TTL",
          "seconds a finished result that nobody fetched is kept");
  setting(cmd, "--queue-max-size", s.queue_max_size, "QUEUE_MAX_SIZE",
          "unfinished tasks accepted before 503 + Retry-After (0 = no limit)");
  setting(cmd, "--cors-origins", f.cors, "CORS_ORIGINS",
          "web origins whose pages may use this server, comma separated (* = any; empty = "
          "none: cross-origin submissions and clears are refused)");
  setting(cmd, "--allowed-hosts", f.hosts, "ALLOWED_HOSTS",
          "Host header names answered, comma separated (* = any; empty = loopback names when "
          "listening on loopback, any name otherwise)");
  flag(cmd, "--allow-private-sources", s.allow_private_sources, "ALLOW_PRIVATE_SOURCES",
       "let http sources reach loopback, link-local and private addresses");
  setting(cmd, "--fetch-timeout", s.fetch_timeout_s, "FETCH_TIMEOUT",
          "seconds an http source may take to download");
  setting(cmd, "--max-connections", s.max_connections, "MAX_CONNECTIONS",
          "open HTTP connections (one thread each); more are refused");
  setting(cmd, "--connection-timeout", s.connection_timeout_s, "CONNECTION_TIMEOUT",
          "seconds an idle or stalled HTTP connection stays open");
  setting(cmd, "--max-header-count", s.max_header_count, "MAX_HEADER_COUNT",
          "request headers accepted (431 beyond)");
  setting(cmd, "--max-header-bytes", s.max_header_bytes, "MAX_HEADER_BYTES",
          "bytes of request line and headers accepted (431 beyond)");
  flag(cmd, "--enable-ui", s.enable_ui, "ENABLE_UI",
       "serve /ui: upload a document, see the result and the workers");
  // docling-serve's names for worker settings.
  if (const char* n = std::getenv("DOCLING_SERVE_ENG_LOC_NUM_WORKERS")) {
    ::setenv("OCRSERVE_WORKERS", n, 0);
  }
  if (const char* boot = std::getenv("DOCLING_SERVE_LOAD_MODELS_AT_BOOT")) {
    const std::string v = boot;
    if (v == "1" || v == "true" || v == "True") ::setenv("OCRSERVE_PREWARM", "ready", 0);
  }
  add_supervisor_flags(cmd, f.workers);
  f.tuning = add_ocr_tuning_flags(cmd, f.engine, f.cls_mode);
  add_engine_flags(cmd, f, node);
}

// SIGINT and SIGTERM go to the one thread that waits for them (blocked before any thread
// starts); nothing the server writes (task store, results, logs) is readable by other users.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ::umask(077);
  return stop_signals;
}

// The flags checked and turned into the server's settings.
Result<void> finish_settings(Flags& f, bool workers_optional) {
  if (!workers_optional && f.workers.policy.workers_per_device == 0) {
    return make_error(
        "--workers 0 is for an API node on Redis (serve --engine redis://...); this one needs "
        "at least one worker");
  }
  const bool no_workers = workers_optional && f.workers.policy.workers_per_device == 0;
  if (no_workers) f.workers.policy.workers_per_device = 1;  // for the checks below
  auto checked = finish_supervisor_flags(f.workers);
  if (no_workers) f.workers.policy.workers_per_device = 0;
  if (!checked) return checked;
  if (f.heartbeat_s <= 0) return make_error("--heartbeat: must be > 0 s");
  if (f.claim_after_s < 2 * f.heartbeat_s) {
    return make_error("--claim-after: must be at least twice --heartbeat");
  }
  const bool name_ok =
      f.node_name.size() <= 64 && std::all_of(f.node_name.begin(), f.node_name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      });
  if (!name_ok || f.node_name == "." || f.node_name == "..") {
    return make_error("--node-name: at most 64 letters, digits, '-', '_' or '.'");
  }
  if (auto ok = ocr::validate(f.engine); !ok) return ok;
  auto& s = f.settings;
  s.version = OCRSERVE_VERSION;
  s.cancel_on_sync_timeout = !f.keep_task_on_sync_timeout;
  s.cors_origins = split_list(f.cors);
  s.allowed_hosts = split_list(f.hosts);
  return server::validate(s);
}

Result<supervisor::SupervisorConfig> supervisor_config(const Flags& f) {
  supervisor::SupervisorConfig config;
  config.policy = f.workers.policy;
  config.worker_path = worker_binary();
  config.models_dir = f.workers.models_dir;
  config.extra_worker_args = worker_args_of(*f.tuning);
  config.spool_dir = fs::absolute(f.settings.data_dir).string();
  if (::access(config.worker_path.c_str(), X_OK) != 0) {
    return make_error("the worker " + config.worker_path +
                      " is missing or not executable (set OCRSERVE_WORKER)");
  }
  if (!config.models_dir.empty() && !fs::is_directory(config.models_dir)) {
    return make_error("--models " + config.models_dir + " is not a folder");
  }
  return config;
}

int refuse(const char* command, const std::string& why) {
  std::cerr << "ocrserve " << command << ": " << why << "\n";
  return 2;
}

int serve_http(const Flags& f, server::Api& api, const supervisor::Supervisor* workers,
               sigset_t stop_signals, const std::function<void()>& wake_waits,
               const char* command) {
  const auto& s = f.settings;
  auto http_server = std::make_unique<server::HttpServer>(api);
  server::HttpServer& http = *http_server;
  auto port = http.bind(s.host, s.port);
  if (!port) return refuse(command, port.error().message);
  std::thread signals([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("event=stopping signal={}", sig);
    http.stop();
  });
  // One write, before any other thread logs: tests read the port from this line.
  const std::string listening =
      "ocrserve listening on http://" + s.host + ":" + std::to_string(*port) + "\n";
  std::fwrite(listening.data(), 1, listening.size(), stderr);
  std::fflush(stderr);
  std::atomic<bool> stopping{false};
  std::thread readiness = readiness_thread(f, workers, api, stopping);
  log_listening(f, *port);
  const auto served = http.serve();
  if (!served) spdlog::error("{}", served.error().message);
  stopping = true;
  readiness.join();
  if (!served) pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  // Long polls and sync waits answer now, so that their connections can close.
  wake_waits();
  http_server.reset();
  return served ? 0 : 1;
}
}  // namespace ocrserve::cli
