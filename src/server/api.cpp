#include "server/api.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <filesystem>
#include <functional>

#include "common/durable_file.h"
#include "common/untrusted_text.h"
#include "server/results.h"
#include "server/source_fetch.h"

namespace ocrserve::server {

namespace fs = std::filesystem;
using nlohmann::json;
using tasks::Task;

namespace {

// The longest a status poll may wait for a change (?wait=S is capped to it).
constexpr double kMaxPollWaitSeconds = 300;

// The user's file name, reduced to a safe base name: valid UTF-8, no control characters, at
// most 200 bytes (the end kept, so the extension stays), cut between characters.
std::string safe_filename(const std::string& name) {
  std::string base = name;
  if (auto slash = base.find_last_of("/\\"); slash != std::string::npos) {
    base = base.substr(slash + 1);
  }
  std::string clean;
  for (unsigned char c : valid_utf8(base)) {
    if (c >= 0x20 && c != 0x7f && c != ':' && c != '"') clean += char(c);
  }
  clean = utf8_tail(clean, 200);
  if (clean.empty() || clean == "." || clean == "..") clean = "document";
  return clean;
}

// Strict base64 (OpenSSL): the standard or the URL-safe alphabet, whitespace ignored, padding
// optional but only at the end; anything else is refused.
std::optional<std::string> base64_decode(const std::string& in) {
  std::string text;
  text.reserve(in.size());
  for (char c : in) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    text += c == '-' ? '+' : c == '_' ? '/' : c;
  }
  size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.pop_back();
    ++padding;
  }
  if (text.find('=') != std::string::npos || text.size() % 4 == 1) return std::nullopt;
  const size_t missing = (4 - text.size() % 4) % 4;
  text.append(missing, '=');
  std::string out(text.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
  if (n < 0) return std::nullopt;
  out.resize(size_t(n) - missing);
  return out;
}

// Compares digests, so that neither the content nor the length of the key leaks through timing.
bool constant_time_equal(const std::string& a, const std::string& b) {
  unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

OptionLimits limits_of(const ServerSettings& s) {
  return {s.max_document_timeout_s, s.max_num_pages};
}

}  // namespace

Result<void> validate(const ServerSettings& s) {
  if (s.port < 0 || s.port > 65535) return make_error("--port: must be 0..65535");
  if (s.max_sync_wait_s <= 0) return make_error("--max-sync-wait: must be > 0");
  if (s.max_sources_per_request < 1) return make_error("--max-sources-per-request: must be >= 1");
  if (s.max_request_size < 1024) return make_error("--max-request-size: must be >= 1024 bytes");
  if (s.result_removal_delay_s < 0) return make_error("--result-removal-delay: must be >= 0");
  if (s.data_dir.empty()) return make_error("--data-dir: must not be empty");
  if (s.max_connections < 1) return make_error("--max-connections: must be >= 1");
  if (s.connection_timeout_s < 1) return make_error("--connection-timeout: must be >= 1 s");
  if (s.max_header_count < 1) return make_error("--max-header-count: must be >= 1");
  if (s.max_header_bytes < 1024) return make_error("--max-header-bytes: must be >= 1024");
  if (s.result_ttl_s < 0) return make_error("--result-ttl: must be >= 0");
  if (s.queue_max_size < 0) return make_error("--queue-max-size: must be >= 0");
  return {};
}

Api::Api(ServerSettings settings, TaskEngine& engine)
    : settings_(std::move(settings)), engine_(engine) {}

void Api::require_api_node() const {
  if (settings_.worker_node) {
    throw HttpError(404,
                    "This is a worker node: it takes its tasks from the engine. Submit and "
                    "poll on an API node (ocrserve serve).");
  }
}

ApiResponse Api::guarded(const std::function<ApiResponse()>& handler) {
  try {
    return handler();
  } catch (const HttpError& e) {
    ApiResponse r = ApiResponse::json({{"detail", e.detail()}}, e.status());
    r.headers = e.headers();
    return r;
  } catch (const std::invalid_argument& e) {
    return ApiResponse::json({{"detail", e.what()}}, 400);
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return ApiResponse::json({{"detail", std::string("Internal server error: ") + e.what()}}, 500);
  }
}

void Api::authorize(const ApiRequest& request) const {
  if (settings_.api_key.empty()) return;
  auto it = request.headers.find("x-api-key");
  if (it == request.headers.end()) {
    throw HttpError(401, "Api key is required as header 'X-Api-Key'.");
  }
  if (!constant_time_equal(it->second, settings_.api_key)) {
    throw HttpError(401, "Api key is not valid.");
  }
}

ApiResponse Api::submit(std::vector<Upload> uploads, const ConvertOptions& options, bool async) {
  check_source_count(uploads.size());
  const long long max_file = max_file_bytes();
  for (const auto& u : uploads) {
    if (u.bytes.empty()) throw HttpError(400, "The file '" + u.filename + "' is empty.");
    if (static_cast<long long>(u.bytes.size()) > max_file) {
      throw HttpError(413, "The file '" + u.filename + "' is " + std::to_string(u.bytes.size()) +
                               " bytes, above the limit of " + std::to_string(max_file) +
                               " bytes (MAX_FILE_SIZE)");
    }
  }
  const auto unfinished = engine_.unfinished_count();
  if (!unfinished) throw store_unavailable(unfinished.error().message);
  if (settings_.queue_max_size > 0 && *unfinished >= size_t(settings_.queue_max_size)) {
    throw HttpError(503,
                    "The queue is full (" + std::to_string(settings_.queue_max_size) +
                        " tasks, QUEUE_MAX_SIZE); retry later.",
                    {{"Retry-After", kRetryAfterSeconds}});
  }
  Task task;
  task.id = tasks::TaskRegistry::new_id();
  task.options = options.task_options();
  const fs::path spool = fs::absolute(engine_.spool_dir(task.id));
  const fs::path results = fs::absolute(engine_.result_dir(task.id));
  // Until the task is stored, whatever goes wrong takes its spool folder with it.
  bool stored = false;
  auto remove_spool = [&] {
    std::error_code ec;
    if (!stored) fs::remove_all(spool, ec);
  };
  struct OnExit {
    std::function<void()> f;
    ~OnExit() { f(); }
  } cleanup{remove_spool};
  for (size_t i = 0; i < uploads.size(); ++i) {
    tasks::TaskDocument doc;
    doc.filename = safe_filename(uploads[i].filename);
    const fs::path dir = spool / std::to_string(i);
    std::error_code ec;
    fs::create_directories(dir, ec);
    doc.input_path = (dir / doc.filename).string();
    doc.output_dir = (results / std::to_string(i)).string();
    if (ec || !write_file_durably(doc.input_path, uploads[i].bytes) || !sync_directory(dir)) {
      throw HttpError(507, "cannot store the upload in the data directory");
    }
    task.documents.push_back(std::move(doc));
  }
  if (!sync_directory(spool) || !sync_directory(spool.parent_path())) {
    throw HttpError(507, "cannot store the upload in the data directory");
  }
  if (auto ok = engine_.submit(task); !ok) throw store_unavailable(ok.error().message);
  stored = true;
  for (const auto& note : options.notes) spdlog::info("task={} note=\"{}\"", task.id, note);
  if (async) return ApiResponse::json(task_status_json(task, engine_.position(task)));

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(long(settings_.max_sync_wait_s * 1000));
  auto snap = engine_.wait_finished(task.id, deadline);
  if (!snap) throw HttpError(500, "the task disappeared while converting");
  if (!tasks::is_finished(snap->task.status) && engine_.stopping()) {
    // The task stays stored and runs again after the restart; its result stays fetchable.
    throw HttpError(503,
                    "The server is shutting down. The task " + task.id +
                        " is kept and runs after the restart: poll /v1/status/poll/" + task.id,
                    {{"Retry-After", kRetryAfterSeconds}});
  }
  if (!tasks::is_finished(snap->task.status)) {
    if (settings_.cancel_on_sync_timeout) {
      engine_.cancel(snap->task, "cancelled: no result within MAX_SYNC_WAIT");
    }
    spdlog::warn("task={} event=sync_timeout wait_s={}", task.id, settings_.max_sync_wait_s);
    throw HttpError(504,
                    "Conversion is taking too long. The maximum wait time is configured as "
                    "MAX_SYNC_WAIT=" +
                        std::to_string(int(settings_.max_sync_wait_s)) + "s.");
  }
  ApiResponse response = engine_.result_response(snap->task);
  engine_.remove(task.id);  // a sync result is delivered once
  return response;
}

ApiResponse Api::convert_file(const ApiRequest& request, bool async) {
  require_api_node();
  std::vector<Upload> uploads;
  for (const auto& part : request.form) {
    if (part.name == "files") uploads.push_back({safe_filename(part.filename), part.value});
  }
  if (uploads.empty()) {
    throw HttpError(
        422, json::array({validation_error({"body", "files"}, "Field required", "missing")}));
  }
  const ConvertOptions options =
      parse_options(form_to_options(request.form), limits_of(settings_), {"body"});
  return submit(std::move(uploads), options, async);
}

void Api::check_source_count(size_t n) const {
  if (n > size_t(settings_.max_sources_per_request)) {
    throw HttpError(400, "Too many sources: " + std::to_string(n) +
                             " (this server accepts at most " +
                             std::to_string(settings_.max_sources_per_request) +
                             " per request, MAX_SOURCES_PER_REQUEST)");
  }
}

long long Api::max_file_bytes() const {
  return settings_.max_file_size > 0 ? settings_.max_file_size : settings_.max_request_size;
}

namespace {

// The request body as a JSON object; 422 when it is not one or nests too deep.
json source_request_body(const ApiRequest& request) {
  if (const size_t depth = json_nesting_depth(request.body); depth > kMaxJsonDepth) {
    throw HttpError(422, json::array({validation_error(
                             {"body"},
                             "JSON nested " + std::to_string(depth) + " levels deep; at most " +
                                 std::to_string(kMaxJsonDepth) + " are accepted",
                             "json_invalid")}));
  }
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    throw HttpError(422, json::array({validation_error({"body"},
                                                       "JSON decode error: expected an "
                                                       "object",
                                                       "json_invalid")}));
  }
  return body;
}

// A source and where it sits in the body (for error locations).
struct Source {
  json value;
  std::vector<json> loc;
};

// Every source as {kind, ...}, the older file_sources / http_sources fields too.
std::vector<Source> sources_of(const json& body) {
  std::vector<Source> sources;
  auto collect = [&](const char* field, const char* kind) {
    if (!body.contains(field)) return;
    if (!body[field].is_array()) {
      throw HttpError(422, json::array({validation_error(
                               {"body", field}, "Input should be a valid list", "list_type")}));
    }
    for (size_t i = 0; i < body[field].size(); ++i) {
      json s = body[field][i];
      if (s.is_object() && kind && !s.contains("kind")) s["kind"] = kind;
      sources.push_back({s, {"body", field, i}});
    }
  };
  collect("sources", nullptr);
  collect("file_sources", "file");
  collect("http_sources", "http");
  if (sources.empty()) {
    throw HttpError(422, json::array({validation_error(
                             {"body", "sources"}, "At least one source is required", "missing")}));
  }
  return sources;
}

[[noreturn]] void invalid_field(std::vector<json> loc, const char* field, const std::string& msg,
                                const char* type, const json& input = nullptr) {
  loc.push_back(field);
  throw HttpError(422, json::array({validation_error(loc, msg, type, input)}));
}

// {"kind": "file", "base64_string": ..., "filename": ...}
Upload file_source(const Source& source) {
  const json& s = source.value;
  if (!s.contains("base64_string") || !s["base64_string"].is_string()) {
    invalid_field(source.loc, "base64_string", "Field required", "missing");
  }
  auto bytes = base64_decode(s["base64_string"].get<std::string>());
  if (!bytes) invalid_field(source.loc, "base64_string", "Invalid base64 data", "value_error");
  const std::string name = s.contains("filename") && s["filename"].is_string()
                               ? s["filename"].get<std::string>()
                               : "document";
  return {safe_filename(name), std::move(*bytes)};
}

// {"kind": "http", "url": ..., "headers": {...}}: fetched now, within the limits.
Upload http_source(const Source& source, const FetchLimits& limits) {
  const json& s = source.value;
  if (!s.contains("url") || !s["url"].is_string()) {
    invalid_field(source.loc, "url", "Field required", "missing");
  }
  std::map<std::string, std::string> headers;
  const json given = s.value("headers", json::object());  // items() must not outlive it
  for (const auto& [k, v] : given.items()) {
    if (!v.is_string()) continue;
    const std::string value = v.get<std::string>();
    if (headers.size() >= 32 || k.size() > 256 || value.size() > 8192 ||
        k.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      invalid_field(source.loc, "headers", "At most 32 headers, one line each, are accepted",
                    "value_error");
    }
    headers[k] = value;
  }
  auto fetched = fetch_source(s["url"].get<std::string>(), headers, limits);
  if (!fetched) throw HttpError(400, fetched.error().message);
  return {fetched->filename, std::move(fetched->bytes)};
}

}  // namespace

ApiResponse Api::convert_source(const ApiRequest& request, bool async) {
  require_api_node();
  const json body = source_request_body(request);
  ConvertOptions options = parse_options(body.value("options", json::object()),
                                         limits_of(settings_), {"body", "options"});
  if (body.contains("target") && body["target"].is_object()) {
    const std::string kind = body["target"].value("kind", "inbody");
    if (kind != "inbody" && kind != "zip") {
      invalid_field({"body", "target"}, "kind", "Input should be 'inbody' or 'zip'", "enum", kind);
    }
    options.zip = kind == "zip";
  }
  const std::vector<Source> sources = sources_of(body);
  check_source_count(sources.size());
  FetchLimits fetch;
  fetch.total_timeout_s = settings_.fetch_timeout_s;
  fetch.max_redirects = settings_.fetch_max_redirects;
  fetch.max_bytes = max_file_bytes();
  fetch.allow_private = settings_.allow_private_sources;
  std::vector<Upload> uploads;
  for (const Source& source : sources) {
    const std::string kind = source.value.is_object() ? source.value.value("kind", "") : "";
    if (kind == "file") {
      uploads.push_back(file_source(source));
    } else if (kind == "http") {
      uploads.push_back(http_source(source, fetch));
    } else {
      invalid_field(source.loc, "kind", "Input should be 'file' or 'http'", "union_tag_invalid",
                    kind);
    }
  }
  return submit(std::move(uploads), options, async);
}

tasks::TaskSnapshot Api::require_task(const ApiRequest& request) {
  require_api_node();
  auto it = request.path_params.find("task_id");
  if (it == request.path_params.end()) throw HttpError(404, "Task not found.");
  auto snap = engine_.get(it->second);
  if (!snap) throw store_unavailable(snap.error().message);
  if (!*snap) throw HttpError(404, "Task not found.");
  return **snap;
}

ApiResponse Api::poll(const ApiRequest& request) {
  tasks::TaskSnapshot snap = require_task(request);
  double wait = 0;
  const std::string w = request.query_value("wait", "0");
  try {
    wait = std::stod(w);
  } catch (const std::exception&) {
    throw HttpError(
        422, json::array({validation_error({"query", "wait"}, "Input should be a valid number",
                                           "float_parsing", w)}));
  }
  if (wait > 0 && !tasks::is_finished(snap.task.status)) {
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::milliseconds(long(std::min(wait, kMaxPollWaitSeconds) * 1000));
    auto changed = engine_.wait_for_change(snap.task.id, snap.version, deadline);
    if (!changed) throw HttpError(404, "Task not found.");
    snap = std::move(*changed);
  }
  return ApiResponse::json(task_status_json(snap.task, engine_.position(snap.task)));
}

ApiResponse Api::result(const ApiRequest& request) {
  const Task task = require_task(request).task;
  if (!tasks::is_finished(task.status)) {
    throw HttpError(404, "Task result not found. Please wait for a completion status.");
  }
  ApiResponse response = engine_.result_response(task);
  engine_.mark_fetched(task.id);
  return response;
}

ApiResponse Api::clear_converters(const ApiRequest&) {
  engine_.release_workers();
  spdlog::info("event=clear_converters");
  return ApiResponse::json({{"status", "ok"}});
}

ApiResponse Api::clear_results(const ApiRequest& request) {
  require_api_node();
  const std::string s = request.query_value("older_then", "3600");
  double older = 0;
  try {
    older = std::stod(s);
  } catch (const std::exception&) {
    throw HttpError(
        422, json::array({validation_error({"query", "older_then"},
                                           "Input should be a valid number", "float_parsing", s)}));
  }
  const size_t removed = engine_.clear_older_than(older);
  spdlog::info("event=clear_results older_then={} removed={}", older, removed);
  return ApiResponse::json({{"status", "ok"}, {"removed", removed}});
}

ApiResponse Api::root(const ApiRequest&) {
  ApiResponse r;
  r.status = 307;
  r.content_type = "text/plain; charset=utf-8";
  const std::string where = settings_.enable_ui ? "/ui" : "/docs";
  r.headers.push_back({"Location", where});
  r.body = "See " + where + "\n";
  return r;
}

ApiResponse Api::health(const ApiRequest&) { return ApiResponse::json({{"status", "ok"}}); }

ApiResponse Api::ready(const ApiRequest&) {
  if (!ready_) throw HttpError(503, "Readiness check failed");
  if (auto ok = engine_.check_ready(); !ok) {
    throw HttpError(503, "Readiness check failed: " + ok.error().message);
  }
  return ApiResponse::json({{"status", "ok"}});
}

ApiResponse Api::version(const ApiRequest&) {
  return ApiResponse::json({{"ocrserve", settings_.version},
                            {"docling-serve-api", "1.31"},
                            {"ocr", "PP-OCRv4 on ONNX Runtime"}});
}

ApiResponse Api::metrics(const ApiRequest&) {
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = engine_.metrics();
  return r;
}

ApiResponse Api::openapi(const ApiRequest&) {
  return ApiResponse::json(openapi_document(settings_.version));
}

ApiResponse Api::docs(const ApiRequest&) {
  ApiResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = docs_page();
  return r;
}

}  // namespace ocrserve::server
