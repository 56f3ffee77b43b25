// libFuzzer: receive_message on a byte stream. The input goes into one end of a socketpair (the
// writer is non-blocking, then closed); receive_message reads the other end until it reports an
// error (a malformed frame, or "connection closed" at the end) or a timeout.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "ipc/message_channel.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) __builtin_trap();
  ::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK);
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::send(fds[1], data + written, size - written, MSG_NOSIGNAL);
    if (n <= 0) break;  // the socket buffer is full: fuzz the prefix that fits
    written += static_cast<std::size_t>(n);
  }
  ::close(fds[1]);
  // Every frame consumes at least its 4-byte header, so this loop ends; the bound is a backstop.
  for (std::size_t i = 0; i <= written / 4 + 1; ++i) {
    auto message = ocrserve::ipc::receive_message(fds[0], 10);
    if (!message || !*message) break;
    (void)(*message)->dump();
  }
  ::close(fds[0]);
  return 0;
}
