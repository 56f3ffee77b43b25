// A Redis connection over hiredis: connect and command timeouts, and a reconnect when a
// connection breaks (a Redis restart), so callers see one failed command at most per outage.
//
// Thread safety: every method may be called from any thread (one connection, one mutex);
// blocking commands (XREADGROUP BLOCK) hold it, so give them a client of their own.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"

struct redisContext;

namespace ocrserve::cluster {

// redis://[:password@]host[:port][/db]
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string password;
  std::string text() const;  // the URL without its password
};
Result<RedisUrl> parse_redis_url(const std::string& url);

// A reply as a value. Error replies are not Replies: commands return them as errors.
struct Reply {
  enum class Kind { kNil, kString, kInteger, kArray, kStatus };
  Kind kind = Kind::kNil;
  std::string str;  // kString, kStatus
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const { return kind == Kind::kNil; }
  // The integer, or a string holding one (HGET of a counter); `fallback` otherwise.
  long long as_integer(long long fallback = 0) const;
};

class RedisClient {
 public:
  explicit RedisClient(RedisUrl url, double connect_timeout_s = 2, double command_timeout_s = 5);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // One command, binary-safe arguments. A connection that the server closed since the last
  // command (a Redis restart) is replaced and the command sent once more; after a timeout it is
  // not (the command may have run), the call fails and the next one connects again.
  Result<Reply> command(const std::vector<std::string>& args);
  // Several commands in one round trip (wrap them in MULTI/EXEC for atomicity); the replies in
  // order. An error reply inside fails the whole call.
  Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string>>& commands);

  const RedisUrl& url() const { return url_; }

 private:
  Result<void> connect_locked();
  Result<std::vector<Reply>> send_locked(const std::vector<std::vector<std::string>>& commands);

  const RedisUrl url_;
  const double connect_timeout_s_, command_timeout_s_;
  std::mutex mutex_;
  redisContext* context_ = nullptr;  // guarded by mutex_; null when not connected
};

// A Pub/Sub subscription on a connection of its own. next() waits for one message.
class RedisSubscriber {
 public:
  RedisSubscriber(RedisUrl url, std::string channel);
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // The next message's payload; "" on a timeout. An error when Redis cannot be reached (the
  // next call connects and subscribes again).
  Result<std::string> next(int timeout_ms);

 private:
  Result<void> subscribe();

  const RedisUrl url_;
  const std::string channel_;
  redisContext* context_ = nullptr;
};

}  // namespace ocrserve::cluster
