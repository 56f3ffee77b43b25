// The HTTP adapter: libmicrohttpd -> Api handlers. Only this file's .cpp includes microhttpd.h.
//
// Limits hold whatever the framing, before and while a request is read:
// - request line and headers share a bounded buffer (--max-header-bytes, 431 beyond it), and
//   at most --max-header-count headers are accepted (431);
// - a body is counted as it arrives, chunked or not: over --max-request-size it gets 413 (from
//   the Content-Length before anything is read, else once the limit is crossed); routes that
//   take no body refuse one; compressed bodies (Content-Encoding) are refused with 415;
// - one thread per connection (--max-connections of them at most), so slow clients, long polls,
//   sync waits and source downloads never hold the threads that answer /health; a connection
//   idle for --connection-timeout seconds is closed.
// Then, before the body is read: the Host check, the API key (401, and the connection closes,
// so an unread body never reaches the next request), and the Origin check for requests that
// change state. CORS answers, FastAPI-style {"detail": ...} bodies and one log line per request.
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
  // Serves until stop(); blocks. New connections are refused once it returns; requests still
  // running finish when the server is destroyed (wake their waits first).
  Result<void> serve();
  // Thread-safe (and async-signal-unsafe: call it from a thread); serve() returns soon after.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrserve::server
