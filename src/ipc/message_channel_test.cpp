// Framing over a real socketpair: what a well-behaved peer sends arrives whole, and every way a
// peer can break the framing ends in an error, never a throw, a crash or an endless wait.
#include "ipc/message_channel.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace ocrserve::ipc {
namespace {

class Channel : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  void TearDown() override {
    if (fds_[0] >= 0) ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  void raw(const std::string& bytes) {
    ASSERT_EQ(::write(fds_[1], bytes.data(), bytes.size()), ssize_t(bytes.size()));
  }
  static std::string frame(const std::string& body, uint32_t claimed) {
    return std::string{char(claimed >> 24), char(claimed >> 16), char(claimed >> 8),
                       char(claimed)} +
           body;
  }
  static std::string frame(const std::string& body) { return frame(body, uint32_t(body.size())); }
  std::string error_of(int timeout_ms = 1000) {
    auto r = receive_message(fds_[0], timeout_ms);
    if (r) return r.value() ? "got a message" : "timeout";
    return r.error().message;
  }
  int fds_[2] = {-1, -1};
};

TEST_F(Channel, MessagesArriveWholeAndInOrder) {
  ASSERT_TRUE(send_message(fds_[1], {{"type", "hello"}, {"pid", 42}}));
  ASSERT_TRUE(send_message(fds_[1], {{"type", "result"}, {"text", std::string(50000, 'x')}}));
  auto a = receive_message(fds_[0], 1000);
  auto b = receive_message(fds_[0], 1000);
  ASSERT_TRUE(a && *a && b && *b);
  EXPECT_EQ((**a)["pid"], 42);
  EXPECT_EQ((**b)["text"].get<std::string>().size(), 50000u);
}

TEST_F(Channel, NothingSentIsATimeoutAndAClosedPeerIsAnError) {
  EXPECT_EQ(error_of(50), "timeout");
  ::close(fds_[1]);
  fds_[1] = -1;
  EXPECT_EQ(error_of(), "connection closed");
}

TEST_F(Channel, OversizedFramesAreRefusedBeforeTheirBodyIsRead) {
  raw(frame("", 0x7fffffff));
  EXPECT_NE(error_of().find("frame too large"), std::string::npos);
  EXPECT_FALSE(send_message(fds_[1], {{"type", "x"}, {"blob", std::string(kMaxFrameBytes, 'a')}}));
}

TEST_F(Channel, AFrameThatStallsEndsAtTheDeadline) {
  raw(frame(std::string(100, ' ')).substr(0, 14));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NE(error_of(-1).find("incomplete frame"), std::string::npos);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(kFrameDeadlineMs - 100));
  EXPECT_LT(waited, std::chrono::milliseconds(kFrameDeadlineMs + 2000));
}

TEST_F(Channel, MalformedMessagesAreErrors) {
  raw(frame("{not json"));
  EXPECT_NE(error_of().find("not JSON"), std::string::npos);
  raw(frame("[1,2,3]"));
  EXPECT_NE(error_of().find("not an object with a type"), std::string::npos);
  raw(frame(R"({"type": 5})"));
  EXPECT_NE(error_of().find("not an object with a type"), std::string::npos);
  raw(frame(std::string(100000, '[') + std::string(100000, ']')));
  EXPECT_NE(error_of().find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace ocrserve::ipc
