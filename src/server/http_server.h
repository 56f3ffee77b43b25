// The HTTP adapter: cpp-httplib routes -> Api handlers. Only this file's .cpp includes httplib.
// Adds CORS, API-key checks, the request size limit (413 from the Content-Length, before the
// body is read), FastAPI-style bodies for the library's own errors, and one log line per request.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "server/api.h"

namespace ocrserve::server {

class HttpServer {
 public:
  explicit HttpServer(Api& api);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; port 0 picks a free port. Returns the port.
  Result<int> bind(const std::string& host, int port);
  // Serves until stop(); blocks.
  void serve();
  // Thread-safe; serve() returns soon after.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrserve::server
