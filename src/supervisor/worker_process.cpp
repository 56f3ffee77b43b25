#include "supervisor/worker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "ipc/message_channel.h"

extern char** environ;

namespace ocrserve::supervisor {

std::string signal_name(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

std::string last_line(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > 4096 ? size - 4096 : 0;
  in.seekg(start);
  std::string tail(static_cast<size_t>(size - start), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  const auto nl = tail.rfind('\n');
  return nl == std::string::npos ? tail : tail.substr(nl + 1);
}

bool worker_may_inherit(const std::string& entry) {
  // Exact names, then prefixes. Everything else (API keys, tokens, the server's own settings)
  // stays in the server: workers parse untrusted documents.
  static const char* const names[] = {"PATH",
                                      "HOME",
                                      "LANG",
                                      "LANGUAGE",
                                      "TZ",
                                      "TMPDIR",
                                      "LD_LIBRARY_PATH",
                                      "OCRSERVE_MODELS_DIR",
                                      "OCRSERVE_TEST_HOOKS",
                                      "OCRSERVE_NVML_DOUBLE",
                                      "ASAN_OPTIONS",
                                      "UBSAN_OPTIONS",
                                      "LSAN_OPTIONS",
                                      "TSAN_OPTIONS"};
  static const char* const prefixes[] = {"LC_", "CUDA_", "NVIDIA_", "OMP_", "ORT_"};
  const auto eq = entry.find('=');
  if (eq == std::string::npos) return false;
  const std::string name = entry.substr(0, eq);
  for (const char* n : names) {
    if (name == n) return true;
  }
  for (const char* p : prefixes) {
    if (name.rfind(p, 0) == 0) return true;
  }
  return false;
}

WorkerProcess::WorkerProcess(pid_t pid, int fd, std::string stderr_path)
    : pid_(pid), fd_(fd), stderr_path_(std::move(stderr_path)) {}

WorkerProcess::~WorkerProcess() {
  terminate(0);
  ::close(fd_);
}

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::spawn(const SpawnOptions& o) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return make_error(std::string("socketpair: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!o.stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, 2, o.stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
  }
  posix_spawn_file_actions_adddup2(&actions, fds[1], 3);  // dup2 clears close-on-exec
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);  // no other descriptor leaks in

  std::vector<std::string> argv_s{o.executable};
  argv_s.insert(argv_s.end(), o.args.begin(), o.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (!worker_may_inherit(entry)) continue;
    bool replaced = false;
    for (const auto& [k, v] : o.env) replaced |= entry.rfind(k + "=", 0) == 0;
    if (!replaced) env_s.push_back(entry);
  }
  for (const auto& [k, v] : o.env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  const int rc =
      posix_spawn(&pid, o.executable.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return make_error("cannot start " + o.executable + ": " + std::strerror(rc));
  }
  return std::unique_ptr<WorkerProcess>(new WorkerProcess(pid, fds[0], o.stderr_path));
}

Result<void> WorkerProcess::send(const nlohmann::json& message) {
  return ipc::send_message(fd_, message);
}

Result<std::optional<nlohmann::json>> WorkerProcess::receive(int timeout_ms) {
  return ipc::receive_message(fd_, timeout_ms);
}

void WorkerProcess::record(int status) {
  reaped_ = true;
  status_ = status;
}

bool WorkerProcess::exited() {
  if (reaped_) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) record(status);
  if (r < 0 && errno == ECHILD) record(0);
  return reaped_;
}

void WorkerProcess::wait_or_terminate(int timeout_ms, int grace_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!exited() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  terminate(grace_ms);
}

void WorkerProcess::terminate(int grace_ms) {
  if (exited()) return;
  ::kill(pid_, grace_ms > 0 ? SIGTERM : SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (!exited() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!exited()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    record(status);
  }
}

std::string WorkerProcess::exit_reason() const {
  std::string reason;
  if (!reaped_) {
    reason = "lost the connection to the worker";
  } else if (WIFSIGNALED(status_)) {
    reason = "killed by " + signal_name(WTERMSIG(status_));
  } else {
    reason = "exited with status " + std::to_string(WEXITSTATUS(status_));
  }
  const std::string line = last_line(stderr_path_);
  if (!line.empty()) reason += " (last stderr line: " + line + ")";
  return reason;
}

}  // namespace ocrserve::supervisor
