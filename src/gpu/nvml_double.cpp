// A stand-in for libnvidia-ml.so.1, built for the tests only, so that the VRAM logic (admission,
// VRAM-budget recycling, the release log lines, the figures in /metrics and /v1/workers) runs on
// machines without a GPU. Tests put its folder first in LD_LIBRARY_PATH and describe the GPU in
// the file named by OCRSERVE_NVML_DOUBLE, read again on every call ("key value" lines, # starts a
// comment):
//   devices 1            GPUs
//   total_mib 16384      each GPU's memory
//   other_used_mib 1000  memory held by processes that are not ocrserve workers
//   worker_mib 700       memory each live ocrserve-worker process holds
//   pid 1234 900         this process holds 900 MiB instead (any number of such lines)
//   vanished 1           every call fails, as when the driver goes away
// Workers are the processes whose name (/proc/PID/comm) starts with "ocrserve-worke" and whose
// environment names the same file: tests running side by side each see their own GPU.
#include <dirent.h>
#include <sys/types.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Memory {
  unsigned long long total, free, used;
};
struct ProcessInfo {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};
constexpr int kSuccess = 0;
constexpr int kInvalidArgument = 2;
constexpr int kInsufficientSize = 7;
constexpr int kUnknown = 999;
constexpr unsigned long long kMiB = 1048576ULL;

struct Gpu {
  bool vanished = false;
  unsigned devices = 1;
  double total_mib = 16384, other_used_mib = 0, worker_mib = 0;
  std::map<unsigned, double> pids;
};

Gpu read_gpu() {
  Gpu g;
  const char* path = std::getenv("OCRSERVE_NVML_DOUBLE");
  std::ifstream in(path ? path : "");
  for (std::string line; std::getline(in, line);) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string key;
    if (!(words >> key)) continue;
    if (key == "pid") {
      unsigned pid = 0;
      double mib = 0;
      if (words >> pid >> mib) g.pids[pid] = mib;
      continue;
    }
    double value = 0;
    if (!(words >> value)) continue;
    if (key == "devices") g.devices = unsigned(value);
    if (key == "total_mib") g.total_mib = value;
    if (key == "other_used_mib") g.other_used_mib = value;
    if (key == "worker_mib") g.worker_mib = value;
    if (key == "vanished") g.vanished = value != 0;
  }
  return g;
}

// True when the process's environment points at the file this process reads.
bool same_gpu(const char* pid) {
  const char* path = std::getenv("OCRSERVE_NVML_DOUBLE");
  if (!path) return false;
  std::ifstream in("/proc/" + std::string(pid) + "/environ", std::ios::binary);
  const std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string entry = std::string("OCRSERVE_NVML_DOUBLE=") + path;
  for (size_t at = env.find(entry); at != std::string::npos; at = env.find(entry, at + 1)) {
    const size_t end = at + entry.size();
    if ((at == 0 || env[at - 1] == '\0') && (end == env.size() || env[end] == '\0')) return true;
  }
  return false;
}

// Every live worker process of this test and what it holds.
std::vector<ProcessInfo> processes(const Gpu& g) {
  std::vector<ProcessInfo> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (dirent* e = readdir(proc)) {
    const unsigned pid = unsigned(std::strtoul(e->d_name, nullptr, 10));
    if (pid == 0) continue;
    std::ifstream comm("/proc/" + std::string(e->d_name) + "/comm");
    std::string name;
    std::getline(comm, name);
    std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
    std::string stat_line;
    std::getline(stat, stat_line);
    const bool zombie = stat_line.find(") Z") != std::string::npos;
    auto given = g.pids.find(pid);
    if (given == g.pids.end() &&
        (name.rfind("ocrserve-worke", 0) != 0 || zombie || !same_gpu(e->d_name))) {
      continue;
    }
    const double mib = given != g.pids.end() ? given->second : g.worker_mib;
    out.push_back({pid, static_cast<unsigned long long>(mib * kMiB), 0, 0});
  }
  closedir(proc);
  return out;
}

}  // namespace

extern "C" {

struct nvmlDevice_st;

int nvmlInit_v2() { return read_gpu().vanished ? kUnknown : kSuccess; }

int nvmlDeviceGetCount_v2(unsigned int* count) {
  const Gpu g = read_gpu();
  if (g.vanished) return kUnknown;
  *count = g.devices;
  return kSuccess;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_st** device) {
  const Gpu g = read_gpu();
  if (g.vanished) return kUnknown;
  if (index >= g.devices) return kInvalidArgument;
  *device = reinterpret_cast<nvmlDevice_st*>(static_cast<uintptr_t>(index + 1));
  return kSuccess;
}

int nvmlDeviceGetMemoryInfo(nvmlDevice_st*, Memory* memory) {
  const Gpu g = read_gpu();
  if (g.vanished) return kUnknown;
  double used = g.other_used_mib;
  for (const auto& p : processes(g)) used += double(p.usedGpuMemory) / double(kMiB);
  if (used > g.total_mib) used = g.total_mib;
  memory->total = static_cast<unsigned long long>(g.total_mib * kMiB);
  memory->used = static_cast<unsigned long long>(used * kMiB);
  memory->free = memory->total - memory->used;
  return kSuccess;
}

int nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_st*, unsigned int* count,
                                            ProcessInfo* infos) {
  const Gpu g = read_gpu();
  if (g.vanished) return kUnknown;
  const auto list = processes(g);
  if (list.size() > *count) {
    *count = unsigned(list.size());
    return kInsufficientSize;
  }
  for (size_t i = 0; i < list.size(); ++i) infos[i] = list[i];
  *count = unsigned(list.size());
  return kSuccess;
}

}  // extern "C"
