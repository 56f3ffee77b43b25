#include "server/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace ocrserve::server {

namespace {

thread_local std::chrono::steady_clock::time_point request_start;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

ApiRequest to_api_request(const httplib::Request& req) {
  ApiRequest r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) r.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) r.headers.emplace(lower(k), v);
  r.content_type = req.get_header_value("Content-Type");
  r.body = req.body;
  r.remote_addr = req.remote_addr;
  for (const auto& [name, file] : req.files) {
    r.form.push_back({name, file.content, file.filename, file.content_type});
  }
  if (r.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    for (const auto& [k, v] : req.params) r.form.push_back({k, v, "", ""});
  }
  return r;
}

void write(const ApiResponse& a, httplib::Response& res) {
  res.status = a.status;
  for (const auto& [k, v] : a.headers) res.set_header(k, v);
  res.set_content(a.body, a.content_type);
}

std::string reason_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

bool is_open_path(const std::string& path) {
  return path == "/health" || path == "/livez" || path == "/ready" || path == "/readyz" ||
         path == "/version" || path == "/docs" || path == "/openapi.json" || path == "/ui" ||
         path.rfind("/ui/", 0) == 0 || path == "/";
}

}  // namespace

struct HttpServer::Impl {
  Api& api;
  httplib::Server server;

  explicit Impl(Api& a) : api(a) {}

  using Handler = ApiResponse (Api::*)(const ApiRequest&);

  void route_get(const std::string& pattern, Handler h, const char* param = nullptr) {
    server.Get(pattern, [this, h, param](const httplib::Request& req, httplib::Response& res) {
      ApiRequest r = to_api_request(req);
      if (param && req.matches.size() > 1) r.path_params[param] = req.matches[1];
      write(Api::guarded([&] { return (api.*h)(r); }), res);
    });
  }

  void route_convert(const std::string& pattern, bool file, bool async) {
    server.Post(pattern, [this, file, async](const httplib::Request& req, httplib::Response& res) {
      ApiRequest r = to_api_request(req);
      write(Api::guarded(
                [&] { return file ? api.convert_file(r, async) : api.convert_source(r, async); }),
            res);
    });
  }

  std::string allowed_origin(const httplib::Request& req) const {
    const auto& origins = api.settings().cors_origins;
    if (origins.empty()) return "";
    if (std::find(origins.begin(), origins.end(), "*") != origins.end()) return "*";
    const std::string origin = req.get_header_value("Origin");
    return std::find(origins.begin(), origins.end(), origin) != origins.end() ? origin : "";
  }

  void setup() {
    const auto& s = api.settings();
    server.new_task_queue = [n = s.http_threads] { return new httplib::ThreadPool(size_t(n)); };
    server.set_payload_max_length(size_t(s.max_request_size));
    server.set_read_timeout(std::chrono::seconds(120));
    server.set_write_timeout(std::chrono::seconds(120));
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      request_start = std::chrono::steady_clock::now();
      if (req.method == "OPTIONS") {
        res.status = 204;
        return httplib::Server::HandlerResponse::Handled;
      }
      if (is_open_path(req.path)) return httplib::Server::HandlerResponse::Unhandled;
      ApiResponse denied = Api::guarded([&] {
        api.authorize(to_api_request(req));
        return ApiResponse{};
      });
      if (denied.status == 200) return httplib::Server::HandlerResponse::Unhandled;
      write(denied, res);
      return httplib::Server::HandlerResponse::Handled;
    });
    server.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      const std::string origin = allowed_origin(req);
      if (origin.empty()) return;
      res.set_header("Access-Control-Allow-Origin", origin);
      if (req.method == "OPTIONS") {
        res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Content-Type, X-Api-Key, Authorization");
        res.set_header("Access-Control-Max-Age", "600");
      }
    });
    server.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& req, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string detail = reason_phrase(res.status);
          if (res.status == 413) {
            detail = "Request body too large (Content-Length " +
                     req.get_header_value("Content-Length") +
                     " bytes is above the server's limit, --max-request-size)";
          }
          res.set_content(nlohmann::json({{"detail", detail}}).dump(), "application/json");
          return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          res.status = 500;
          res.set_content(R"({"detail":"Internal server error"})", "application/json");
        });
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                  request_start)
                            .count();
      spdlog::info("http method={} path={} status={} ms={:.1f} bytes_in={} bytes_out={} remote={}",
                   req.method, req.path, res.status, ms, req.body.size(), res.body.size(),
                   req.remote_addr);
    });

    route_convert("/v1/convert/file", true, false);
    route_convert("/v1/convert/file/async", true, true);
    route_convert("/v1/convert/source", false, false);
    route_convert("/v1/convert/source/async", false, true);
    route_get(R"(/v1/status/poll/([^/]+))", &Api::poll, "task_id");
    route_get(R"(/v1/result/([^/]+))", &Api::result, "task_id");
    route_get("/v1/clear/converters", &Api::clear_converters);
    route_get("/v1/clear/results", &Api::clear_results);
    route_get("/health", &Api::health);
    route_get("/livez", &Api::health);
    route_get("/ready", &Api::ready);
    route_get("/readyz", &Api::ready);
    route_get("/version", &Api::version);
    route_get("/metrics", &Api::metrics);
    route_get("/openapi.json", &Api::openapi);
    route_get("/docs", &Api::docs);
    route_get("/ui", &Api::ui);
    route_get("/ui/", &Api::ui);
    route_get(R"(/ui/([A-Za-z0-9_.-]+))", &Api::ui_asset, "name");
    route_get("/v1/workers", &Api::workers);
  }
};

HttpServer::HttpServer(Api& api) : impl_(std::make_unique<Impl>(api)) { impl_->setup(); }
HttpServer::~HttpServer() = default;

Result<int> HttpServer::bind(const std::string& host, int port) {
  if (port == 0) {
    const int chosen = impl_->server.bind_to_any_port(host);
    if (chosen <= 0) return make_error("cannot listen on " + host + " (any port)");
    return chosen;
  }
  if (!impl_->server.bind_to_port(host, port)) {
    return make_error("cannot listen on " + host + ":" + std::to_string(port));
  }
  return port;
}

void HttpServer::serve() { impl_->server.listen_after_bind(); }
void HttpServer::stop() { impl_->server.stop(); }

}  // namespace ocrserve::server
