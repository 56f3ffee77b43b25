#include "cluster/redis_client.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace ocrserve::cluster {

namespace {

timeval to_timeval(double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - double(tv.tv_sec)) * 1e6);
  return tv;
}

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.kind = Reply::Kind::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.kind = Reply::Kind::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = Reply::Kind::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = Reply::Kind::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

// The first error reply anywhere in `r` (EXEC nests them), or "".
std::string error_in(const redisReply* r) {
  if (r->type == REDIS_REPLY_ERROR) return std::string(r->str, r->len);
  if (r->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < r->elements; ++i) {
      if (auto e = error_in(r->element[i]); !e.empty()) return e;
    }
  }
  return "";
}

Result<redisContext*> open_context(const RedisUrl& url, double connect_timeout_s,
                                   double command_timeout_s) {
  redisContext* c =
      redisConnectWithTimeout(url.host.c_str(), url.port, to_timeval(connect_timeout_s));
  if (!c) return make_error("redis " + url.text() + ": out of memory");
  if (c->err) {
    std::string why = c->errstr;
    redisFree(c);
    return make_error("redis " + url.text() + " unreachable: " + why);
  }
  redisSetTimeout(c, to_timeval(command_timeout_s));
  auto run = [&](std::vector<std::string> args) -> Result<void> {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* r =
        static_cast<redisReply*>(redisCommandArgv(c, int(argv.size()), argv.data(), lens.data()));
    if (!r) return make_error(std::string("redis ") + url.text() + ": " + c->errstr);
    std::string e = error_in(r);
    freeReplyObject(r);
    if (!e.empty()) return make_error("redis " + url.text() + ": " + e);
    return {};
  };
  Result<void> ok;
  if (!url.password.empty()) ok = run({"AUTH", url.password});
  if (ok && url.db != 0) ok = run({"SELECT", std::to_string(url.db)});
  if (!ok) {
    redisFree(c);
    return ok.error();
  }
  return c;
}

}  // namespace

std::string RedisUrl::text() const {
  return "redis://" + host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

Result<RedisUrl> parse_redis_url(const std::string& text) {
  const std::string scheme = "redis://";
  if (text.rfind(scheme, 0) != 0) {
    return make_error("the engine URL '" + text + "' does not start with redis://");
  }
  RedisUrl url;
  std::string rest = text.substr(scheme.size());
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (auto colon = auth.find(':'); colon != std::string::npos) auth = auth.substr(colon + 1);
    url.password = auth;
  }
  std::string db;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string port;
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    port = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) url.host = rest;
  auto number = [](const std::string& s, int& out, int lo, int hi) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return false;
    out = v;
    return true;
  };
  if (!port.empty() && !number(port, url.port, 1, 65535)) {
    return make_error("the engine URL '" + text + "' has a bad port");
  }
  if (!db.empty() && !number(db, url.db, 0, 1 << 20)) {
    return make_error("the engine URL '" + text + "' has a bad database number");
  }
  return url;
}

long long Reply::as_integer(long long fallback) const {
  if (kind == Kind::kInteger) return integer;
  if (kind != Kind::kString) return fallback;
  long long v = 0;
  auto [p, ec] = std::from_chars(str.data(), str.data() + str.size(), v);
  return ec == std::errc() && p == str.data() + str.size() ? v : fallback;
}

RedisClient::RedisClient(RedisUrl url, double connect_timeout_s, double command_timeout_s)
    : url_(std::move(url)),
      connect_timeout_s_(connect_timeout_s),
      command_timeout_s_(command_timeout_s) {}

RedisClient::~RedisClient() {
  if (context_) redisFree(context_);
}

Result<void> RedisClient::connect_locked() {
  if (context_) return {};
  auto c = open_context(url_, connect_timeout_s_, command_timeout_s_);
  if (!c) return c.error();
  context_ = *c;
  return {};
}

Result<std::vector<Reply>> RedisClient::send_locked(
    const std::vector<std::vector<std::string>>& commands) {
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(context_, int(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
      return make_error("redis " + url_.text() + ": " + context_->errstr);
    }
  }
  std::vector<Reply> replies;
  std::string error;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || !raw) {
      return make_error("redis " + url_.text() + ": " +
                        (context_->err ? context_->errstr : "no reply"));
    }
    auto* r = static_cast<redisReply*>(raw);
    if (std::string e = error_in(r); !e.empty() && error.empty()) error = e;
    replies.push_back(convert(r));
    freeReplyObject(r);
  }
  if (!error.empty()) return make_error("redis: " + error);
  return replies;
}

Result<std::vector<Reply>> RedisClient::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  std::lock_guard lock(mutex_);
  const bool reused = context_ != nullptr;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto ok = connect_locked(); !ok) return ok.error();
    auto replies = send_locked(commands);
    if (replies || context_->err == 0) return replies;  // an error reply: the link is fine
    // Sent again only when the connection had been closed under it (Redis restarted): then the
    // commands never ran. After a timeout they may have run, so the caller hears of it instead.
    const bool closed = context_->err == REDIS_ERR_EOF ||
                        (context_->err == REDIS_ERR_IO &&
                         (std::strcmp(context_->errstr, std::strerror(ECONNRESET)) == 0 ||
                          std::strcmp(context_->errstr, std::strerror(EPIPE)) == 0));
    redisFree(context_);
    context_ = nullptr;
    if (!reused || !closed || attempt == 1) return replies;
  }
  return make_error("unreachable");
}

Result<Reply> RedisClient::command(const std::vector<std::string>& args) {
  auto replies = pipeline({args});
  if (!replies) return replies.error();
  return std::move(replies->front());
}

RedisSubscriber::RedisSubscriber(RedisUrl url, std::string channel)
    : url_(std::move(url)), channel_(std::move(channel)) {}

RedisSubscriber::~RedisSubscriber() {
  if (context_) redisFree(context_);
}

Result<void> RedisSubscriber::subscribe() {
  auto c = open_context(url_, 2, 5);
  if (!c) return c.error();
  context_ = *c;
  const char* argv[] = {"SUBSCRIBE", channel_.c_str()};
  auto* r = static_cast<redisReply*>(redisCommandArgv(context_, 2, argv, nullptr));
  if (!r) {
    redisFree(context_);
    context_ = nullptr;
    return make_error("redis " + url_.text() + ": cannot subscribe");
  }
  freeReplyObject(r);
  return {};
}

Result<std::string> RedisSubscriber::next(int timeout_ms) {
  if (!context_) {
    if (auto ok = subscribe(); !ok) return ok.error();
  }
  auto drop = [&](const std::string& why) -> Result<std::string> {
    redisFree(context_);
    context_ = nullptr;
    return make_error("redis " + url_.text() + ": " + why);
  };
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(context_->reader, &raw) != REDIS_OK) return drop("bad reply");
    if (raw) {
      auto* r = static_cast<redisReply*>(raw);
      std::string payload;
      bool message = r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
                     r->element[0]->type == REDIS_REPLY_STRING &&
                     std::string(r->element[0]->str, r->element[0]->len) == "message" &&
                     r->element[2]->type == REDIS_REPLY_STRING;
      if (message) payload.assign(r->element[2]->str, r->element[2]->len);
      freeReplyObject(r);
      if (message) return payload;
      continue;
    }
    pollfd p{context_->fd, POLLIN, 0};
    const int n = ::poll(&p, 1, timeout_ms);
    if (n == 0) return std::string();
    if (n < 0) return std::string();  // interrupted: the caller asks again
    if (redisBufferRead(context_) != REDIS_OK) return drop(context_->errstr);
  }
}

}  // namespace ocrserve::cluster
