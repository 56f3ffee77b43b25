// What a stranger can send to `ocrserve serve`, through the real binary and raw sockets: nothing
// crashes it, starves it, reads its files or reaches its workers' secrets, and nothing it
// accepted is lost (see serve_fixture.h).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "server/serve_fixture.h"

using namespace ocrserve::server_testing;

namespace {

// A raw TCP connection to the server, for requests no well-behaved client would send.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += size_t(n);
    }
    return true;
  }
  // Everything until the server closes the connection or `timeout` passes without a byte.
  std::string read_all(std::chrono::milliseconds timeout = 10s) {
    std::string out;
    char buf[65536];
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, int(timeout.count())) <= 0) break;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, size_t(n));
    }
    return out;
  }
  // True when the server closed the connection within `timeout`.
  bool closed_by_server(std::chrono::milliseconds timeout = 10s) {
    read_all(timeout);
    char c;
    return ::recv(fd_, &c, 1, MSG_DONTWAIT) == 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string request_head(const std::string& line, const std::vector<std::string>& headers) {
  std::string r = line + "\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  return r + "\r\n";
}

class Hardening : public Serve {};

TEST_F(Hardening, DeeplyNestedJsonIsRefusedAndTheServerLives) {
  auto& server = start();
  const std::string deep =
      R"({"sources":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto r = server.client().Post("/v1/convert/source", deep, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_NE(r->body.find("levels deep"), std::string::npos) << r->body;
  auto health = server.client().Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(Hardening, BodiesAreBoundedWhateverTheFraming) {
  auto& server = start({"--max-request-size", "100000"});
  // Chunked, with no Content-Length to refuse it by: counted as it arrives.
  {
    RawConnection c(server.port());
    ASSERT_TRUE(
        c.send(request_head("POST /v1/convert/source HTTP/1.1",
                            {"Content-Type: application/json", "Transfer-Encoding: chunked"})));
    const std::string chunk(16384, 'a');
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    for (int i = 0; i < 10; ++i) c.send(size + chunk + "\r\n");
    c.send("0\r\n\r\n");
    const std::string answer = c.read_all(2s);
    EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 300);
    EXPECT_NE(answer.find("--max-request-size"), std::string::npos);
  }
  // An endless chunked body: the server cuts the connection instead of reading on.
  {
    RawConnection c(server.port());
    c.send(request_head("POST /v1/convert/source HTTP/1.1", {"Transfer-Encoding: chunked"}));
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'b') + "\r\n";
    bool cut = false;
    for (int i = 0; i < 4000 && !cut; ++i) cut = !c.send(chunk);  // up to 256 MiB
    EXPECT_TRUE(cut) << "the server read 256 MiB of an over-limit body";
  }
  // Compressed bodies are refused before they are read.
  {
    httplib::Headers gzip{{"Content-Encoding", "gzip"}};
    auto r =
        server.client().Post("/v1/convert/source", gzip, std::string(100, 'x'), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 415);
  }
  // Routes without a body refuse one, chunked or not (even the open ones).
  {
    RawConnection c(server.port());
    c.send(request_head("GET /health HTTP/1.1", {"Transfer-Encoding: chunked"}) + "5\r\nhello\r\n");
    EXPECT_EQ(status_of(c.read_all(5s)), 413);
  }
  auto health = server.client().Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(Hardening, HeadersAreBoundedInCountAndSize) {
  auto& server = start();
  {
    std::vector<std::string> many;
    for (int i = 0; i < 150; ++i) many.push_back("X-Filler-" + std::to_string(i) + ": 1");
    RawConnection c(server.port());
    c.send(request_head("GET /health HTTP/1.1", many));
    EXPECT_EQ(status_of(c.read_all(5s)), 431);
  }
  {
    RawConnection c(server.port());
    c.send(request_head("GET /health HTTP/1.1", {"X-Big: " + std::string(200000, 'h')}));
    const int status = status_of(c.read_all(5s));
    EXPECT_TRUE(status == 431 || status == 413) << status;
  }
  auto health = server.client().Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(Hardening, HealthAnswersWhileSlowClientsAndLongPollsHoldConnections) {
  page("hang-worker.png");
  auto& server = start({"--task-timeout", "120", "--max-connections", "1000"});
  const std::string id = post_async("hang-worker.png")["task_id"];
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 200; ++i) {  // slow clients: a request line and half a header each
    held.push_back(std::make_unique<RawConnection>(server.port()));
    held.back()->send("POST /v1/convert/file HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty");
  }
  for (int i = 0; i < 100; ++i) {  // long polls on a task that will not finish
    held.push_back(std::make_unique<RawConnection>(server.port()));
    held.back()->send(request_head("GET /v1/status/poll/" + id + "?wait=60 HTTP/1.1", {}));
  }
  std::this_thread::sleep_for(500ms);
  for (const auto& c : held) ASSERT_TRUE(c->connected());
  for (const char* path : {"/health", "/ready", "/version"}) {
    const auto start_at = std::chrono::steady_clock::now();
    auto r = server.client(5).Get(path);
    const auto took = std::chrono::steady_clock::now() - start_at;
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_LT(took, 1s) << path;
  }
  // Stopping wakes the long polls: the server ends promptly and cleanly.
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Hardening, WorkersNeverSeeTheApiKeyAndFilesArePrivate) {
  page("slow-worker.png");
  auto& server = start({}, {"DOCLING_SERVE_API_KEY=key-that-must-stay-home"});
  httplib::Headers key{{"X-Api-Key", "key-that-must-stay-home"}};
  auto denied = server.client().Get("/v1/workers");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);  // the key is set
  auto r = server.client().Post("/v1/convert/file/async", key, upload("slow-worker.png"));
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  const std::string id = json::parse(r->body)["task_id"];
  std::vector<pid_t> workers;
  for (int i = 0; i < 100 && workers.empty(); ++i) {
    workers = children_of(server.pid());
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_FALSE(workers.empty());
  for (pid_t w : workers) {
    const std::string env = slurp("/proc/" + std::to_string(w) + "/environ");
    EXPECT_EQ(env.find("key-that-must-stay-home"), std::string::npos);
  }
  json status;
  for (int i = 0; i < 60; ++i) {
    auto p = server.client().Get("/v1/status/poll/" + id + "?wait=2", key);
    ASSERT_TRUE(p);
    status = json::parse(p->body);
    if (status["task_status"] == "success") break;
  }
  ASSERT_EQ(status["task_status"], "success") << status.dump();
  // Nothing in the data directory is readable or writable by other users.
  size_t checked = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "data")) {
    const auto mode = e.status().permissions();
    EXPECT_EQ(mode & (fs::perms::group_all | fs::perms::others_all), fs::perms::none) << e.path();
    ++checked;
  }
  EXPECT_GT(checked, 4u);  // the store, a result folder and file, the worker logs
}

TEST_F(Hardening, OtherOriginsAndHostNamesAreRefusedByDefault) {
  page("a.png");
  auto& server = start();
  httplib::Headers evil{{"Origin", "http://evil.example"}};
  auto post = server.client().Post("/v1/convert/file/async", evil, upload("a.png"));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
  EXPECT_NE(post->body.find("--cors-origins"), std::string::npos) << post->body;
  EXPECT_FALSE(post->has_header("Access-Control-Allow-Origin"));
  auto clear = server.client().Get("/v1/clear/results?older_then=0",
                                   httplib::Headers{{"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(clear);
  EXPECT_EQ(clear->status, 403);
  // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 sends Host: evil.example.
  RawConnection c(server.port());
  c.send("GET /v1/workers HTTP/1.1\r\nHost: evil.example:5001\r\n\r\n");
  const std::string answer = c.read_all(5s);
  EXPECT_EQ(status_of(answer), 403);
  EXPECT_NE(answer.find("--allowed-hosts"), std::string::npos);
  // The server's own page (same origin) and plain clients still work.
  httplib::Headers own{{"Origin", "http://127.0.0.1:" + std::to_string(server.port())}};
  auto mine = server.client().Post("/v1/convert/file/async", own, upload("a.png"));
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 200) << mine->body;
  // Task ids are random UUIDs, and the workers list shows none of them whole.
  const std::string id = json::parse(mine->body)["task_id"];
  EXPECT_EQ(id.size(), 36u);
  auto workers = server.client().Get("/v1/workers");
  ASSERT_TRUE(workers);
  EXPECT_EQ(workers->body.find(id), std::string::npos);
}

TEST_F(Hardening, AnAllowedOriginGetsCors) {
  auto& server = start({"--cors-origins", "http://app.example"});
  httplib::Headers origin{{"Origin", "http://app.example"}};
  auto r = server.client().Get("/health", origin);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
  auto other = server.client().Get("/health", httplib::Headers{{"Origin", "http://x.example"}});
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
}

TEST_F(Hardening, ALongNonAsciiFileNameIsConverted) {
  page("a.png");
  auto& server = start();
  std::string name;
  for (int i = 0; i < 150; ++i) name += "\xc3\xa9";  // é, 2 bytes each: 300 bytes
  name += ".png";
  httplib::MultipartFormDataItems items{{"files", bytes("a.png"), name, "image/png"}};
  auto r = server.client().Post("/v1/convert/file", items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json result = json::parse(r->body);
  const std::string filename = result["document"]["filename"];
  EXPECT_LE(filename.size(), 200u);
  EXPECT_TRUE(filename.ends_with(".png")) << filename;
  // Raw bytes that are not UTF-8 at all are accepted too.
  httplib::MultipartFormDataItems bad{{"files", bytes("a.png"), "\xff\xfe\x80.png", "image/png"}};
  auto b = server.client().Post("/v1/convert/file", bad);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200) << b->body;
  EXPECT_TRUE(fs::is_empty(dir_ / "data" / "spool") || !fs::exists(dir_ / "data" / "spool"));
}

TEST_F(Hardening, WorkersDieWithAKilledServer) {
  page("hang-worker.png");
  auto& server = start({"--task-timeout", "120"});
  post_async("hang-worker.png");
  std::vector<pid_t> workers;
  for (int i = 0; i < 100 && workers.empty(); ++i) {
    workers = children_of(server.pid());
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_FALSE(workers.empty());
  std::this_thread::sleep_for(500ms);  // the worker is busy in its (hanging) task
  server.kill9();
  for (pid_t w : workers) {
    bool gone = false;
    for (int i = 0; i < 40 && !gone; ++i) {
      gone = ::kill(w, 0) != 0 ||
             slurp("/proc/" + std::to_string(w) + "/stat").find(") Z") != std::string::npos;
      if (!gone) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(gone) << "worker " << w << " outlived the killed server";
  }
}

TEST_F(Hardening, ARequestTimeoutCannotExceedTheTaskTimeout) {
  page("hang-worker.png");
  auto& server = start({"--task-timeout", "2"});
  auto r = server.client().Post("/v1/convert/file/async",
                                upload("hang-worker.png", {{"document_timeout", "600"}}));
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  const auto start_at = std::chrono::steady_clock::now();
  const json status = wait_done(json::parse(r->body)["task_id"], 60);
  EXPECT_EQ(status["task_status"], "failure");
  EXPECT_LT(std::chrono::steady_clock::now() - start_at, 20s);
}

TEST_F(Hardening, ASyncTimeoutRemovesTheTaskAndItsFoldersOnceTheWorkerStopped) {
  page("slow-worker.png");
  auto& server = start({"--max-sync-wait", "0.5"});
  auto r = server.client().Post("/v1/convert/file", upload("slow-worker.png"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  bool empty = false;
  for (int i = 0; i < 100 && !empty; ++i) {
    std::this_thread::sleep_for(100ms);
    const auto none = [&](const char* sub) {
      return !fs::exists(dir_ / "data" / sub) || fs::is_empty(dir_ / "data" / sub);
    };
    empty = none("spool") && none("results");
  }
  EXPECT_TRUE(empty) << "a cancelled task left folders behind";
  auto health = server.client().Get("/health");
  ASSERT_TRUE(health);
}

TEST_F(Hardening, ARefusedKeyClosesTheConnectionSoItsBodyIsNeverARequest) {
  auto& server = start({"--api-key", "right"});
  // The body is a request of its own: if the server read it as the next request on the kept-
  // alive connection, the results would be cleared without a key.
  const std::string smuggled = request_head("GET /v1/clear/results?older_then=0 HTTP/1.1", {});
  RawConnection c(server.port());
  c.send(request_head("POST /v1/convert/source HTTP/1.1",
                      {"X-Api-Key: wrong", "Content-Type: application/json",
                       "Content-Length: " + std::to_string(smuggled.size())}) +
         smuggled);
  const std::string answer = c.read_all(5s);
  EXPECT_EQ(status_of(answer), 401);
  EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1u) << answer;
}

TEST_F(Hardening, AFormSentInSmallPiecesKeepsEveryField) {
  page("a.png");
  auto& server = start();
  const std::string boundary = "----ocrserve-test-boundary";
  const auto field = [&](const std::string& name, const std::string& value) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
           value + "\r\n";
  };
  const std::string body = field("to_formats", "json") + "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"files\"; "
                           "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n" +
                           bytes("a.png") + "\r\n" + field("to_formats", "md") + "--" + boundary +
                           "--\r\n";
  RawConnection c(server.port());
  c.send(request_head("POST /v1/convert/file HTTP/1.1",
                      {"Content-Type: multipart/form-data; boundary=" + boundary,
                       "Content-Length: " + std::to_string(body.size()), "Connection: close"}));
  for (size_t at = 0; at < body.size(); at += 700) {
    ASSERT_TRUE(c.send(body.substr(at, 700)));
    std::this_thread::sleep_for(1ms);
  }
  const std::string answer = c.read_all(60s);
  ASSERT_EQ(status_of(answer), 200) << answer.substr(0, 400);
  EXPECT_NE(answer.find("\"json_content\":{"), std::string::npos);
  EXPECT_NE(answer.find("\"md_content\":\""), std::string::npos);
}

TEST_F(Hardening, BadSettingsStopTheServerWithAMessage) {
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--max-connections", "0"},
        std::vector<std::string>{"--max-header-count", "0"},
        std::vector<std::string>{"--queue-max-size", "-1"}}) {
    const std::string cmd = std::string(OCRSERVE_BUILD_DIR) + "/ocrserve serve --port 0 " +
                            flags[0] + " " + flags[1] + " --data-dir " + (dir_ / "d").string() +
                            " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = ::pclose(p);
    EXPECT_EQ(WEXITSTATUS(status), 2) << flags[0] << ": " << out;
    EXPECT_NE(out.find(flags[0]), std::string::npos) << out;
  }
}

TEST_F(Hardening, SigtermStopsTheServerCleanly) {
  for (int i = 0; i < 3; ++i) {
    auto& server = start();
    EXPECT_EQ(server.stop(), 0) << "attempt " << i;
  }
  EXPECT_NE(slurp(dir_ / "server.log").find("event=stopped"), std::string::npos);
}

}  // namespace
