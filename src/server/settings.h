// The HTTP server's settings (docling-serve names; flags with DOCLING_SERVE_* / OCRSERVE_*
// fallbacks are defined in cli/serve_command.cpp). Validated before the server starts.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace ocrserve::server {

struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 5001;  // 0 = pick a free port
  std::string data_dir = "./data";
  std::string api_key;           // empty = no authentication
  double max_sync_wait_s = 120;  // sync endpoints: then 504 and the task is cancelled
  bool cancel_on_sync_timeout = true;
  double max_document_timeout_s = 3600;  // cap for the document_timeout option
  int max_num_pages = 0;                 // 0 = no cap
  long long max_file_size = 0;           // bytes per document, 0 = max_request_size
  long long max_request_size = 256LL << 20;
  int max_sources_per_request = 3;
  bool single_use_results = true;
  double result_removal_delay_s = 300;
  double result_ttl_s = 86400;             // finished results never fetched are removed after this
  int queue_max_size = 1000;               // unfinished tasks; 0 = no limit
  std::vector<std::string> cors_origins;   // empty = no cross-origin use; "*" = any origin
  std::vector<std::string> allowed_hosts;  // empty = loopback names when listening on loopback
  bool allow_private_sources = false;
  double fetch_timeout_s = 60;
  long fetch_max_redirects = 5;
  // HTTP connections: one thread each, so slow clients, long polls and sync waits never hold
  // the threads other requests need; beyond the limit new connections are refused.
  int max_connections = 1000;
  int connection_timeout_s = 60;  // an idle or stalled connection is closed after this
  int max_header_count = 100;
  int max_header_bytes = 32 * 1024;  // request line and headers together
  bool enable_ui = false;
  bool worker_node = false;  // `ocrserve node`: health, readiness, workers and metrics only
  std::string version = "0.0.0";
};

Result<void> validate(const ServerSettings& settings);

}  // namespace ocrserve::server
