// The plain request/response values the API handlers take and return, so that handlers can be
// called without a socket, and the one error type they raise.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ocrserve::server {

struct FormPart {
  std::string name;
  std::string value;     // the field's text, or the file's bytes
  std::string filename;  // non-empty for a file part
  std::string content_type;
};

struct ApiRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> path_params;   // e.g. task_id
  std::multimap<std::string, std::string> headers;  // names lower-case
  std::string content_type;
  std::string body;
  std::vector<FormPart> form;  // multipart/form-data or urlencoded fields
  std::string remote_addr;

  std::string query_value(const std::string& key, const std::string& fallback = "") const {
    auto it = query.find(key);
    return it == query.end() ? fallback : it->second;
  }
  // A header's value ("" when absent); `name` in lower case.
  std::string header_value(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiResponse json(const nlohmann::json& j, int status = 200) {
    ApiResponse r;
    r.status = status;
    r.body = j.dump();
    return r;
  }
};

// Raised by handlers; the wrapper answers `status` with {"detail": detail}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, nlohmann::json detail,
            std::vector<std::pair<std::string, std::string>> headers = {})
      : std::runtime_error(detail.is_string() ? detail.get<std::string>() : detail.dump()),
        status_(status),
        detail_(std::move(detail)),
        headers_(std::move(headers)) {}
  int status() const { return status_; }
  const nlohmann::json& detail() const { return detail_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

 private:
  int status_;
  nlohmann::json detail_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// What a 503 asks the client to wait, in seconds.
inline constexpr const char* kRetryAfterSeconds = "5";

// 503 with Retry-After: the task store (SQLite, Redis) did not answer; `why` says what failed.
inline HttpError store_unavailable(const std::string& why) {
  return HttpError(503, "The task store is unavailable (" + why + "); retry later.",
                   {{"Retry-After", kRetryAfterSeconds}});
}

// One FastAPI-style validation error entry.
inline nlohmann::json validation_error(std::vector<nlohmann::json> loc, const std::string& msg,
                                       const std::string& type,
                                       const nlohmann::json& input = nullptr) {
  nlohmann::json e{{"loc", loc}, {"msg", msg}, {"type", type}};
  if (!input.is_null()) e["input"] = input;
  return e;
}

}  // namespace ocrserve::server
