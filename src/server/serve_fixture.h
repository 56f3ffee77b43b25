// The test fixture for black-box tests of `ocrserve serve`: the real binary on port 0 with a
// temporary data directory and the worker built with test hooks (OCRSERVE_TEST_HOOKS=1: file
// names containing slow-worker, hang-worker or crash-worker), a timeout on every request; the
// server is stopped (SIGTERM, SIGKILL after 5 s) at the end.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <leptonica/allheaders.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "testkit/image_io.h"
#include "testkit/page_renderer.h"
#include "testkit/pdf_renderer.h"
#include "testkit/test_dir.h"

namespace ocrserve::server_testing {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

// Share of `words` found in `text` (case-insensitive, punctuation stripped).
inline double found_share(const std::vector<std::string>& words, const std::string& text) {
  const std::string t = lower(text);
  size_t found = 0;
  for (auto w : words) {
    w.erase(
        std::remove_if(w.begin(), w.end(), [](char c) { return std::ispunct((unsigned char)c); }),
        w.end());
    if (t.find(lower(w)) != std::string::npos) ++found;
  }
  return words.empty() ? 0 : double(found) / double(words.size());
}

inline std::string base64(const std::string& in) {
  static const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -6;
  for (unsigned char c : in) {
    value = (value << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out += chars[(value >> bits) & 0x3f];
      bits -= 6;
    }
  }
  if (bits > -6) out += chars[((value << 8) >> (bits + 8)) & 0x3f];
  while (out.size() % 4) out += '=';
  return out;
}

// Every child process of `pid` (all threads).
inline std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::istringstream in(slurp(t.path() / "children"));
    for (pid_t c; in >> c;) out.push_back(c);
  }
  return out;
}

class ServerProcess {
 public:
  // command: "serve", or "node" (a worker node of the Redis engine).
  ServerProcess(const fs::path& data_dir, const std::vector<std::string>& flags,
                const fs::path& log, const std::vector<std::string>& extra_env = {},
                const std::string& command = "serve")
      : log_(log) {
    std::vector<std::string> args = {std::string(OCRSERVE_BUILD_DIR) + "/ocrserve",
                                     command,
                                     "--host",
                                     "127.0.0.1",
                                     "--port",
                                     "0",
                                     "--data-dir",
                                     data_dir.string(),
                                     "--threads",
                                     "2"};
    if (std::find(flags.begin(), flags.end(), "--device") == flags.end()) {
      args.insert(args.end(), {"--device", "cpu"});
    }
    args.insert(args.end(), flags.begin(), flags.end());
    const size_t log_start = fs::exists(log) ? fs::file_size(log) : 0;
    // Everything the child needs is prepared before fork (other threads may hold locks).
    std::vector<std::string> env = {"OCRSERVE_TEST_HOOKS=1",
                                    std::string("OCRSERVE_MODELS_DIR=") + OCRSERVE_MODELS_DIR,
                                    std::string("OCRSERVE_WORKER=") + OCRSERVE_BUILD_DIR +
                                        "/tests/ocrserve-worker-with-test-hooks"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    for (char** e = environ; *e; ++e) {
      const std::string kv = *e;
      if (kv.rfind("OCRSERVE_TEST_HOOKS=", 0) != 0 && kv.rfind("OCRSERVE_MODELS_DIR=", 0) != 0 &&
          kv.rfind("OCRSERVE_WORKER=", 0) != 0) {
        env.push_back(kv);
      }
    }
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(fd);
    const std::string marker = "ocrserve listening on http://127.0.0.1:";
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      const std::string text = slurp(log).substr(log_start);
      if (auto at = text.find(marker); at != std::string::npos) {
        port_ = std::atoi(text.c_str() + at + marker.size());
      } else {
        std::this_thread::sleep_for(50ms);
      }
    }
    if (port_ == 0) {
      ADD_FAILURE() << "the server did not start:\n" << slurp(log);
      return;
    }
    for (int i = 0; i < 200; ++i) {
      auto r = client().Get("/ready");
      if (r && r->status == 200) return;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "the server did not become ready";
  }
  ~ServerProcess() { stop(); }

  httplib::Client client(int timeout_s = 60) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(timeout_s);
    c.set_write_timeout(timeout_s);
    return c;
  }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }

  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  // SIGTERM, then SIGKILL after 5 s. Returns the exit status, -1 when it had to be killed.
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(50ms);
    }
    kill9();
    return -1;
  }

 private:
  fs::path log_;
  pid_t pid_ = 0;
  int port_ = 0;
};

class Serve : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testkit::fresh_test_dir("serve"); }
  void TearDown() override {
    server_.reset();
    if (HasFailure()) std::cerr << "server log:\n" << slurp(dir_ / "server.log") << "\n";
    fs::remove_all(dir_);
  }

  ServerProcess& start(const std::vector<std::string>& flags = {},
                       const std::vector<std::string>& env = {}) {
    server_ = std::make_unique<ServerProcess>(dir_ / "data", flags, dir_ / "server.log", env);
    return *server_;
  }

  // A small page with known text; returns its words.
  std::vector<std::string> page(const std::string& name, uint32_t seed = 1) {
    auto words = ocrserve::testkit::sample_words(seed, 8);
    ocrserve::testkit::PageSpec spec;
    spec.width_px = 700;
    spec.height_px = 160;
    spec.font_pt = 14;
    spec.margin_in = 0.2;
    auto rendered = ocrserve::testkit::render_text_page(spec, words);
    EXPECT_TRUE(ocrserve::testkit::write_png((dir_ / name).string(), rendered));
    return words;
  }
  std::string bytes(const std::string& name) { return slurp(dir_ / name); }

  httplib::MultipartFormDataItems upload(
      const std::string& name, std::vector<std::pair<std::string, std::string>> fields = {}) {
    httplib::MultipartFormDataItems items{{"files", bytes(name), name, "image/png"}};
    for (auto& [k, v] : fields) items.push_back({k, v, "", ""});
    return items;
  }

  json post_async(const std::string& name) {
    auto r = server_->client().Post("/v1/convert/file/async", upload(name));
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r ? json::parse(r->body) : json();
  }

  // Polls with ?wait= until the task is finished; returns its last status.
  json wait_done(const std::string& id, int seconds = 60) {
    json status;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = server_->client().Get("/v1/status/poll/" + id + "?wait=5");
      if (!r) break;
      status = json::parse(r->body);
      const std::string s = status.value("task_status", "");
      if (s == "success" || s == "failure") return status;
    }
    ADD_FAILURE() << "task " << id << " did not finish: " << status.dump();
    return status;
  }

  fs::path dir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace ocrserve::server_testing
