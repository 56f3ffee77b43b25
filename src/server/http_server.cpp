#include "server/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <functional>
#include <mutex>
#include <optional>

#include "server/request_guard.h"

namespace ocrserve::server {

namespace {

using Clock = std::chrono::steady_clock;
using Handler = std::function<ApiResponse(Api&, const ApiRequest&)>;

// Form parts beyond this many, or a text field above this size, make the request a 413.
constexpr size_t kMaxFormParts = 256;
constexpr size_t kMaxFormFieldBytes = 1 << 20;
// A body that goes on past its limit is read (and dropped) this much further so that the client
// can be told 413; past that the connection is cut.
constexpr size_t kDiscardAllowance = 4 << 20;
constexpr size_t kPostBufferBytes = 64 * 1024;
constexpr size_t kThreadStackBytes = 2 << 20;

struct Route {
  std::string method;
  std::string path;   // exact path, or the prefix before a parameter
  std::string param;  // non-empty: the last path segment is this parameter
  bool takes_body = false;
  bool open = false;  // no API key needed
  Handler handler;
};

Handler plain(ApiResponse (Api::*h)(const ApiRequest&)) {
  return [h](Api& api, const ApiRequest& r) { return (api.*h)(r); };
}

std::vector<Route> routes() {
  auto convert = [](bool file, bool async) {
    return [file, async](Api& api, const ApiRequest& r) {
      return file ? api.convert_file(r, async) : api.convert_source(r, async);
    };
  };
  return {
      {"POST", "/v1/convert/file", "", true, false, convert(true, false)},
      {"POST", "/v1/convert/file/async", "", true, false, convert(true, true)},
      {"POST", "/v1/convert/source", "", true, false, convert(false, false)},
      {"POST", "/v1/convert/source/async", "", true, false, convert(false, true)},
      {"GET", "/v1/status/poll/", "task_id", false, false, plain(&Api::poll)},
      {"GET", "/v1/result/", "task_id", false, false, plain(&Api::result)},
      {"GET", "/v1/clear/converters", "", false, false, plain(&Api::clear_converters)},
      {"GET", "/v1/clear/results", "", false, false, plain(&Api::clear_results)},
      {"GET", "/v1/workers", "", false, false, plain(&Api::workers)},
      {"GET", "/metrics", "", false, false, plain(&Api::metrics)},
      {"GET", "/", "", false, true, plain(&Api::root)},
      {"GET", "/health", "", false, true, plain(&Api::health)},
      {"GET", "/livez", "", false, true, plain(&Api::health)},
      {"GET", "/ready", "", false, true, plain(&Api::ready)},
      {"GET", "/readyz", "", false, true, plain(&Api::ready)},
      {"GET", "/version", "", false, true, plain(&Api::version)},
      {"GET", "/openapi.json", "", false, true, plain(&Api::openapi)},
      {"GET", "/docs", "", false, true, plain(&Api::docs)},
      {"GET", "/docs/", "name", false, true, plain(&Api::docs_asset)},
      {"GET", "/ui", "", false, true, plain(&Api::ui)},
      {"GET", "/ui/", "", false, true, plain(&Api::ui)},
      {"GET", "/ui/", "name", false, true, plain(&Api::ui_asset)},
  };
}

bool valid_segment(const std::string& s) {
  if (s.empty() || s.size() > 128 || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// One request from its headers to its log line.
struct Exchange {
  ApiRequest request;
  const Route* route = nullptr;
  std::optional<ApiResponse> early;  // decided before the body (an error)
  size_t header_count = 0;
  size_t body_limit = 0;
  size_t body_bytes = 0;
  bool over_limit = false;
  bool form_error = false;
  MHD_PostProcessor* post = nullptr;
  Clock::time_point start = Clock::now();
  int status = 0;
  size_t bytes_out = 0;

  ~Exchange() {
    if (post) MHD_destroy_post_processor(post);
  }
};

ApiResponse error_response(int status, const std::string& detail) {
  return ApiResponse::json({{"detail", detail}}, status);
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* x = static_cast<Exchange*>(cls);
  if (++x->header_count > 100000) return MHD_NO;
  x->request.headers.emplace(lower(key ? key : ""), value ? value : "");
  return MHD_YES;
}

MHD_Result collect_query(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* x = static_cast<Exchange*>(cls);
  x->request.query.emplace(key ? key : "", value ? value : "");
  return MHD_YES;
}

MHD_Result collect_form(void* cls, MHD_ValueKind, const char* key, const char* filename,
                        const char* content_type, const char*, const char* data, uint64_t off,
                        size_t size) {
  auto* x = static_cast<Exchange*>(cls);
  auto& form = x->request.form;
  const std::string name = key ? key : "";
  const std::string file = filename ? filename : "";
  // A part arrives in pieces, each with its offset; libmicrohttpd may announce a part with an
  // empty piece first. A piece continues the last part when it starts where that part ends.
  const bool continues = !form.empty() && form.back().name == name &&
                         form.back().filename == file && off == form.back().value.size();
  if (!continues) {
    if (form.size() >= kMaxFormParts) {
      x->over_limit = true;
      return MHD_NO;
    }
    form.push_back({name, "", file, content_type ? content_type : ""});
  }
  FormPart& part = form.back();
  if (part.filename.empty() && part.value.size() + size > kMaxFormFieldBytes) {
    x->over_limit = true;
    return MHD_NO;
  }
  part.value.append(data, size);
  return MHD_YES;
}

std::string remote_address(MHD_Connection* c) {
  const auto* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!info || !info->client_addr) return "";
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr* a = info->client_addr;
  if (a->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a)->sin_addr, text, sizeof text);
  } else if (a->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, text, sizeof text);
  }
  return text;
}

void log_mhd(void*, const char* format, va_list args) {
  char line[512];
  std::vsnprintf(line, sizeof line, format, args);
  std::string text = line;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  spdlog::debug("http: {}", text);
}

}  // namespace

struct HttpServer::Impl {
  Api& api;
  const std::vector<Route> table = routes();
  int listen_fd = -1;
  MHD_Daemon* daemon = nullptr;
  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stopped = false;  // guarded by mutex

  explicit Impl(Api& a) : api(a) {}

  // The route for method + path; sets path parameters. nullptr with `method_mismatch` when the
  // path exists under another method.
  const Route* find(ApiRequest& r, bool& method_mismatch) const {
    method_mismatch = false;
    for (const auto& route : table) {
      bool match = false;
      if (route.param.empty()) {
        match = r.path == route.path;
      } else if (r.path.size() > route.path.size() && r.path.rfind(route.path, 0) == 0) {
        const std::string segment = r.path.substr(route.path.size());
        match = valid_segment(segment);
        if (match && r.method == route.method) r.path_params[route.param] = segment;
      }
      if (!match) continue;
      if (r.method == route.method || (r.method == "HEAD" && route.method == "GET")) return &route;
      method_mismatch = true;
    }
    return nullptr;
  }

  ApiResponse cors_preflight(const ApiRequest& r) const {
    ApiResponse res;
    res.status = 204;
    res.content_type.clear();
    if (!allowed_origin(r, api.settings()).empty()) {
      res.headers.push_back({"Access-Control-Allow-Methods", "GET, POST, OPTIONS"});
      res.headers.push_back(
          {"Access-Control-Allow-Headers", "Content-Type, X-Api-Key, Authorization"});
      res.headers.push_back({"Access-Control-Max-Age", "600"});
    }
    return res;
  }

  // Everything decided from the request line and headers. Returns an answer when the request
  // ends here (the body, if any, is then never read and the connection closes).
  std::optional<ApiResponse> admit(Exchange& x) {
    const ServerSettings& s = api.settings();
    ApiRequest& r = x.request;
    if (x.header_count > size_t(s.max_header_count)) {
      return error_response(431, "Too many request headers (" + std::to_string(x.header_count) +
                                     ", the limit is " + std::to_string(s.max_header_count) + ")");
    }
    if (auto denied = guard([&] { check_host(r, s); })) return denied;
    if (r.method == "OPTIONS") return cors_preflight(r);
    bool wrong_method = false;
    x.route = find(r, wrong_method);
    if (!x.route) {
      return wrong_method ? error_response(405, "Method Not Allowed")
                          : error_response(404, "Not Found");
    }
    if (!x.route->open) {
      if (auto denied = guard([&] {
            api.authorize(r);
            check_origin(r, s);
          })) {
        return denied;
      }
    }
    const std::string encoding = lower(r.header_value("content-encoding"));
    if (!encoding.empty() && encoding != "identity") {
      return error_response(415, "Compressed request bodies (Content-Encoding: " + encoding +
                                     ") are not accepted; send the body uncompressed.");
    }
    x.body_limit = x.route->takes_body ? size_t(s.max_request_size) : 0;
    const std::string length = r.header_value("content-length");
    const bool chunked =
        lower(r.header_value("transfer-encoding")).find("chunked") != std::string::npos;
    if (!x.route->takes_body && (chunked || (!length.empty() && length != "0"))) {
      return error_response(413, r.method + " " + r.path + " takes no request body.");
    }
    if (!length.empty()) {
      errno = 0;
      char* end = nullptr;
      const unsigned long long n = std::strtoull(length.c_str(), &end, 10);
      if (errno != 0 || *end != '\0' || n > x.body_limit) {
        return error_response(413, "Request body too large (Content-Length " + length +
                                       " bytes is above the server's limit of " +
                                       std::to_string(x.body_limit) +
                                       " bytes, --max-request-size)");
      }
    }
    return std::nullopt;
  }

  static std::optional<ApiResponse> guard(const std::function<void()>& check) {
    ApiResponse r = Api::guarded([&] {
      check();
      return ApiResponse{};
    });
    if (r.status == 200 && r.body.empty()) return std::nullopt;
    return r;
  }

  MHD_Result begin(MHD_Connection* c, const char* url, const char* method, void** con_cls) {
    auto x = std::make_unique<Exchange>();
    ApiRequest& r = x->request;
    r.method = method ? method : "";
    r.path = url ? url : "";
    r.remote_addr = remote_address(c);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, x.get());
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, x.get());
    r.content_type = r.header_value("content-type");
    x->early = admit(*x);
    if (!x->early && x->route->takes_body) {
      const std::string type = lower(r.content_type);
      if (type.rfind("multipart/form-data", 0) == 0 ||
          type.rfind("application/x-www-form-urlencoded", 0) == 0) {
        x->post = MHD_create_post_processor(c, kPostBufferBytes, collect_form, x.get());
      }
    }
    *con_cls = x.release();
    return MHD_YES;
  }

  // A piece of the body: counted, then parsed or kept; dropped once over the limit.
  MHD_Result body(Exchange& x, const char* data, size_t size) {
    x.body_bytes += size;
    if (x.body_bytes > x.body_limit) x.over_limit = true;
    if (x.over_limit) return x.body_bytes > x.body_limit + kDiscardAllowance ? MHD_NO : MHD_YES;
    if (x.post) {
      if (MHD_post_process(x.post, data, size) != MHD_YES && !x.over_limit) x.form_error = true;
    } else {
      x.request.body.append(data, size);
    }
    return MHD_YES;
  }

  ApiResponse answer(Exchange& x) {
    if (x.over_limit) {
      return error_response(413, "Request body too large (above the server's limit of " +
                                     std::to_string(x.body_limit) +
                                     " bytes, --max-request-size, or a form part above its "
                                     "limit)");
    }
    if (x.post) {
      MHD_destroy_post_processor(x.post);
      x.post = nullptr;
    }
    if (x.form_error) return error_response(400, "The form data could not be parsed.");
    return Api::guarded([&] { return x.route->handler(api, x.request); });
  }

  MHD_Result respond(MHD_Connection* c, Exchange& x, ApiResponse a) {
    const std::string origin = allowed_origin(x.request, api.settings());
    if (!origin.empty()) {
      a.headers.push_back({"Access-Control-Allow-Origin", origin});
      if (origin != "*") a.headers.push_back({"Vary", "Origin"});
    }
    const bool head = x.request.method == "HEAD";
    MHD_Response* res = MHD_create_response_from_buffer(head ? 0 : a.body.size(), a.body.data(),
                                                        MHD_RESPMEM_MUST_COPY);
    if (!res) return MHD_NO;
    if (!a.content_type.empty())
      MHD_add_response_header(res, "Content-Type", a.content_type.c_str());
    for (const auto& [k, v] : a.headers) MHD_add_response_header(res, k.c_str(), v.c_str());
    MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
    x.status = a.status;
    x.bytes_out = a.body.size();
    const MHD_Result ok = MHD_queue_response(c, unsigned(a.status), res);
    MHD_destroy_response(res);
    return ok;
  }

  static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                               const char*, const char* upload_data, size_t* upload_data_size,
                               void** con_cls) {
    auto* self = static_cast<Impl*>(cls);
    try {
      if (!*con_cls) {
        MHD_Result r = self->begin(c, url, method, con_cls);
        auto* x = static_cast<Exchange*>(*con_cls);
        if (x->early) return self->respond(c, *x, std::move(*x->early));
        return r;
      }
      auto& x = *static_cast<Exchange*>(*con_cls);
      if (*upload_data_size > 0) {
        const MHD_Result r = self->body(x, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return r;
      }
      return self->respond(c, x, self->answer(x));
    } catch (const std::exception& e) {
      spdlog::error("http: internal error: {}", e.what());
      return MHD_NO;
    }
  }

  static void on_completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
    std::unique_ptr<Exchange> x(static_cast<Exchange*>(*con_cls));
    *con_cls = nullptr;
    if (!x) return;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - x->start).count();
    spdlog::info("http method={} path={} status={} ms={:.1f} bytes_in={} bytes_out={} remote={}",
                 x->request.method, x->request.path, x->status, ms, x->body_bytes, x->bytes_out,
                 x->request.remote_addr);
  }
};

HttpServer::HttpServer(Api& api) : impl_(std::make_unique<Impl>(api)) {}

HttpServer::~HttpServer() {
  stop();
  if (impl_->daemon) MHD_stop_daemon(impl_->daemon);  // closes connections, joins their threads
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
}

Result<int> HttpServer::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return make_error("cannot listen on " + host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  std::string why = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 512) == 0) {
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
      impl_->listen_fd = fd;
      return bound.ss_family == AF_INET6
                 ? int(ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port))
                 : int(ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port));
    }
    why = std::strerror(errno);
    ::close(fd);
  }
  return make_error("cannot listen on " + host + ":" + service + ": " + why);
}

Result<void> HttpServer::serve() {
  const ServerSettings& s = impl_->api.settings();
  impl_->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                       MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_ITC,
                                   0, nullptr, nullptr, &Impl::on_request, impl_.get(),  //
                                   MHD_OPTION_LISTEN_SOCKET, impl_->listen_fd,           //
                                   MHD_OPTION_CONNECTION_LIMIT, unsigned(s.max_connections),
                                   MHD_OPTION_CONNECTION_TIMEOUT, unsigned(s.connection_timeout_s),
                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                                   size_t(s.max_header_bytes) + kPostBufferBytes * 2,
                                   MHD_OPTION_THREAD_STACK_SIZE, kThreadStackBytes,  //
                                   MHD_OPTION_STRICT_FOR_CLIENT, 1,                  //
                                   MHD_OPTION_NOTIFY_COMPLETED, &Impl::on_completed, nullptr,
                                   MHD_OPTION_EXTERNAL_LOGGER, &log_mhd, nullptr,  //
                                   MHD_OPTION_END);
  if (!impl_->daemon) return make_error("cannot start the HTTP server (libmicrohttpd)");
  impl_->listen_fd = -1;  // the daemon owns it now
  {
    std::unique_lock lock(impl_->mutex);
    impl_->stopped_cv.wait(lock, [&] { return impl_->stopped; });
  }
  // No new connections from here on; the ones open finish in ~HttpServer.
  if (const MHD_socket fd = MHD_quiesce_daemon(impl_->daemon); fd != MHD_INVALID_SOCKET) {
    ::close(fd);
  }
  return {};
}

void HttpServer::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopped = true;
  }
  impl_->stopped_cv.notify_all();
}

}  // namespace ocrserve::server
