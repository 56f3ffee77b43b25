// For tests: Debian's redis-server in the foreground on a free loopback port, AOF on with
// fsync always, its files in a folder of the test's (so a restart finds what was written).
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cluster/redis_client.h"

namespace ocrserve::cluster::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class RedisServer {
 public:
  RedisServer(fs::path dir, int port) : dir_(std::move(dir)), port_(port) {
    fs::create_directories(dir_);
    start();
  }
  ~RedisServer() { kill9(); }

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

  void start() {
    std::vector<std::string> args = {"/usr/bin/redis-server",
                                     "--port",
                                     std::to_string(port_),
                                     "--bind",
                                     "127.0.0.1",
                                     "--dir",
                                     dir_.string(),
                                     "--appendonly",
                                     "yes",
                                     "--appendfsync",
                                     "always",
                                     "--save",
                                     "",
                                     "--logfile",
                                     (dir_ / "redis.log").string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    cluster::RedisClient client(*cluster::parse_redis_url(url()), 1, 1);
    for (int i = 0; i < 100; ++i) {
      if (auto r = client.command({"PING"}); r) return;
      std::this_thread::sleep_for(50ms);
    }
    std::ifstream log(dir_ / "redis.log");
    ADD_FAILURE() << "redis-server did not start:\n" << log.rdbuf();
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

 private:
  fs::path dir_;
  int port_;
  pid_t pid_ = 0;
};

}  // namespace ocrserve::cluster::testing
