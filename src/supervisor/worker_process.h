// One ocrserve-worker child process: started with posix_spawn (never fork of a threaded
// process), connected by a socketpair (the child's fd 3), stderr appended to a log file.
// Owned by one thread at a time (the slot that started it). The destructor kills and reaps
// the child if it is still there: no zombies.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace ocrserve::supervisor {

// True for the "NAME=value" entries of the server's environment a worker gets: locale, paths,
// CUDA and threading settings; never secrets such as DOCLING_SERVE_API_KEY.
bool worker_may_inherit(const std::string& entry);

struct SpawnOptions {
  std::string executable;
  std::vector<std::string> args;  // after argv[0]
  // Added to the allowed part of the parent's environment (see worker_may_inherit).
  std::vector<std::pair<std::string, std::string>> env;
  std::string stderr_path;  // appended to
};

class WorkerProcess {
 public:
  static Result<std::unique_ptr<WorkerProcess>> spawn(const SpawnOptions& options);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  pid_t pid() const { return pid_; }
  Result<void> send(const nlohmann::json& message);
  // nullopt on timeout; an error when the connection broke (the child died or closed it).
  Result<std::optional<nlohmann::json>> receive(int timeout_ms);

  // True once the child has exited (reaps it).
  bool exited();
  // SIGTERM, then SIGKILL after grace_ms; waits for the exit. Idempotent.
  void terminate(int grace_ms);
  // Waits up to timeout_ms for a voluntary exit, then terminates.
  void wait_or_terminate(int timeout_ms, int grace_ms);

  // After exit: "killed by SIGSEGV", "exited with status 3", plus the last line of stderr.
  std::string exit_reason() const;

 private:
  WorkerProcess(pid_t pid, int fd, std::string stderr_path);
  void record(int status);

  pid_t pid_;
  int fd_;
  std::string stderr_path_;
  bool reaped_ = false;
  int status_ = 0;
};

// The last non-empty line of a file (for a crashed worker's stderr).
std::string last_line(const std::string& path);
// "SIGSEGV" for 11, etc.
std::string signal_name(int signal);

}  // namespace ocrserve::supervisor
