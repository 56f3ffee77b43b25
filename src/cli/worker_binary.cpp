#include "cli/worker_binary.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

namespace ocrserve::cli {

std::string worker_binary() {
  if (const char* env = std::getenv("OCRSERVE_WORKER"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "ocrserve-worker";
  return (self.parent_path() / "ocrserve-worker").string();
}

int exec_worker(const std::string& subcommand, int argc, char** argv, int first_arg,
                const std::string& drop_flag) {
  std::string path = worker_binary();
  std::vector<std::string> args{path, subcommand};
  for (int i = first_arg; i < argc; ++i) {
    if (!drop_flag.empty() && argv[i] == drop_flag) continue;
    args.emplace_back(argv[i]);
  }
  std::vector<char*> raw;
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  ::execv(path.c_str(), raw.data());
  std::cerr << "ocrserve: cannot run " << path << ": " << std::strerror(errno) << "\n";
  return 2;
}

}  // namespace ocrserve::cli
