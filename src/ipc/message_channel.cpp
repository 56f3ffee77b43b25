#include "ipc/message_channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "common/untrusted_text.h"

namespace ocrserve::ipc {

namespace {

Result<void> write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(std::string("send: ") + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

using Clock = std::chrono::steady_clock;

// Reads exactly size bytes before the deadline.
Result<void> read_all(int fd, char* data, size_t size, Clock::time_point deadline) {
  while (size > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return make_error("incomplete frame (the rest did not arrive in time)");
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, int(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return make_error(std::string("poll: ") + std::strerror(errno));
    if (ready == 0) continue;
    const ssize_t n = ::read(fd, data, size);
    if (n == 0) return make_error("connection closed");
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(std::string("read: ") + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

Result<void> send_message(int fd, const nlohmann::json& message) {
  const std::string body = message.dump();
  if (body.size() > kMaxFrameBytes) return make_error("message too large");
  const uint32_t n = static_cast<uint32_t>(body.size());
  std::string frame(4, '\0');
  for (int i = 0; i < 4; ++i) frame[i] = static_cast<char>((n >> (24 - 8 * i)) & 0xff);
  frame += body;
  return write_all(fd, frame.data(), frame.size());
}

Result<std::optional<nlohmann::json>> receive_message(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return make_error(std::string("poll: ") + std::strerror(errno));
    if (ready == 0) return std::optional<nlohmann::json>{};
    break;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(kFrameDeadlineMs);
  unsigned char header[4];
  if (auto r = read_all(fd, reinterpret_cast<char*>(header), 4, deadline); !r) return r.error();
  const uint32_t n = (uint32_t{header[0]} << 24) | (uint32_t{header[1]} << 16) |
                     (uint32_t{header[2]} << 8) | uint32_t{header[3]};
  if (n > kMaxFrameBytes) return make_error("frame too large (" + std::to_string(n) + " bytes)");
  std::string body(n, '\0');
  if (auto r = read_all(fd, body.data(), n, deadline); !r) return r.error();
  if (json_nesting_depth(body) > kMaxMessageDepth) return make_error("message nested too deeply");
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) return make_error("malformed message (not JSON)");
  if (!json.is_object() || !json.contains("type") || !json["type"].is_string()) {
    return make_error("malformed message (not an object with a type)");
  }
  return std::optional<nlohmann::json>(std::move(json));
}

}  // namespace ocrserve::ipc
