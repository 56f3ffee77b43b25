// The docling-serve v1 API as plain functions over ApiRequest/ApiResponse: no sockets here, so
// the handlers can be called directly. Handlers raise HttpError (or std::invalid_argument for a
// 400); Api::guarded is the one wrapper that turns every exception into a {"detail": ...}
// answer, so nothing escapes to the HTTP library.
//
// Thread safety: every handler may run on many threads at once.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_types.h"
#include "server/options.h"
#include "server/settings.h"
#include "server/task_engine.h"
#include "server/task_runner.h"
#include "supervisor/supervisor.h"

namespace ocrserve::server {

struct Upload {
  std::string filename;
  std::string bytes;
};

class Api {
 public:
  Api(ServerSettings settings, TaskEngine& engine);

  ApiResponse convert_file(const ApiRequest& request, bool async);
  ApiResponse convert_source(const ApiRequest& request, bool async);
  ApiResponse poll(const ApiRequest& request);
  ApiResponse result(const ApiRequest& request);
  ApiResponse clear_converters(const ApiRequest& request);
  ApiResponse clear_results(const ApiRequest& request);
  ApiResponse root(const ApiRequest& request);  // redirects to /ui when enabled, else /docs
  ApiResponse health(const ApiRequest& request);
  ApiResponse ready(const ApiRequest& request);
  ApiResponse version(const ApiRequest& request);
  ApiResponse metrics(const ApiRequest& request);
  ApiResponse openapi(const ApiRequest& request);
  ApiResponse docs(const ApiRequest& request);
  ApiResponse workers(const ApiRequest& request);
  ApiResponse ui(const ApiRequest& request);          // 404 unless enable_ui
  ApiResponse ui_asset(const ApiRequest& request);    // /ui/{name}: app.js, style.css, ...
  ApiResponse docs_asset(const ApiRequest& request);  // /docs/{name}: Swagger UI's files

  // 401 unless the request carries the API key (when one is set). Health, readiness, version,
  // /docs and /openapi.json are open.
  void authorize(const ApiRequest& request) const;
  void set_ready(bool ready) { ready_ = ready; }

  // Runs a handler; HttpError -> its status, std::invalid_argument -> 400, anything else -> 500.
  static ApiResponse guarded(const std::function<ApiResponse()>& handler);

  const ServerSettings& settings() const { return settings_; }

 private:
  ApiResponse submit(std::vector<Upload> uploads, const ConvertOptions& options, bool async);
  // 400 when a request brings more documents than max_sources_per_request.
  void check_source_count(size_t n) const;
  // The largest document accepted: max_file_size, else the request size limit.
  long long max_file_bytes() const;
  // The task the path names, as it is now (404 when there is none, 503 when the store is away).
  tasks::TaskSnapshot require_task(const ApiRequest& request);
  // 404 on a worker node: it takes tasks from the engine, not from clients.
  void require_api_node() const;

  const ServerSettings settings_;
  TaskEngine& engine_;
  std::atomic<bool> ready_{false};
};

// Prometheus text for one process's tasks (counts by status), workers and counters.
std::string render_metrics(const std::map<std::string, size_t>& tasks_by_status,
                           const supervisor::Supervisor& supervisor, const TaskRunner& runner);
nlohmann::json workers_document(const supervisor::Supervisor& supervisor, const TaskRunner& runner);
// The /ui files built into the binary (src/server/ui/); empty when there is none by that name.
std::string_view ui_asset(std::string_view name);
nlohmann::json openapi_document(const std::string& version);
const char* docs_page();

}  // namespace ocrserve::server
