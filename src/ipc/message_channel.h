// Framed JSON messages over a stream socket (the supervisor <-> worker socketpair).
// Frame: 4-byte big-endian length, then that many bytes of UTF-8 JSON. Documents and results
// never travel here: they pass as files in the spool directory, so frames stay small.
// Thread safety: one reader and one writer at a time per fd.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "common/result.h"

namespace ocrserve::ipc {

constexpr size_t kMaxFrameBytes = 1024 * 1024;
constexpr size_t kMaxMessageDepth = 16;
// Once a frame has begun, the rest of it must arrive within this time.
constexpr int kFrameDeadlineMs = 5000;

Result<void> send_message(int fd, const nlohmann::json& message);

// Waits up to timeout_ms (-1 = forever) for a frame to begin. Returns nullopt on timeout; an
// error when the peer closed the socket ("connection closed"), or sent a frame that is too
// large, incomplete within kFrameDeadlineMs, nested too deeply, not JSON or not a JSON object
// with a string "type". After an error the stream is out of step: close it.
Result<std::optional<nlohmann::json>> receive_message(int fd, int timeout_ms);

}  // namespace ocrserve::ipc
