#include "gpu/nvml.h"

#include <dlfcn.h>

#include <mutex>
#include <vector>

namespace ocrserve::gpu {

namespace {

// The subset of nvml.h this file needs.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
struct nvmlProcessInfo_t {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
};
constexpr nvmlReturn_t kSuccess = 0;
constexpr nvmlReturn_t kInsufficientSize = 7;

struct Nvml {
  bool ok = false;
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*count)(unsigned int*) = nullptr;
  nvmlReturn_t (*handle)(unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*processes)(nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*) = nullptr;
};

template <class F>
void bind(void* lib, F& f, const char* name) {
  f = reinterpret_cast<F>(dlsym(lib, name));
}

const Nvml& nvml() {
  static Nvml n;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
    bind(lib, n.init, "nvmlInit_v2");
    bind(lib, n.count, "nvmlDeviceGetCount_v2");
    bind(lib, n.handle, "nvmlDeviceGetHandleByIndex_v2");
    bind(lib, n.memory, "nvmlDeviceGetMemoryInfo");
    bind(lib, n.processes, "nvmlDeviceGetComputeRunningProcesses_v3");
    if (!n.processes) bind(lib, n.processes, "nvmlDeviceGetComputeRunningProcesses_v2");
    n.ok = n.init && n.count && n.handle && n.memory && n.init() == kSuccess;
  });
  return n;
}

std::optional<nvmlDevice_t> device(int index) {
  const Nvml& n = nvml();
  nvmlDevice_t d = nullptr;
  if (!n.ok || index < 0 || n.handle(static_cast<unsigned>(index), &d) != kSuccess) return {};
  return d;
}

}  // namespace

bool nvml_available() { return nvml().ok; }

int device_count() {
  unsigned int c = 0;
  if (!nvml().ok || nvml().count(&c) != kSuccess) return 0;
  return static_cast<int>(c);
}

std::optional<DeviceMemory> device_memory(int index) {
  auto d = device(index);
  nvmlMemory_t m{};
  if (!d || nvml().memory(*d, &m) != kSuccess) return {};
  return DeviceMemory{static_cast<double>(m.used) / 1048576.0,
                      static_cast<double>(m.total) / 1048576.0};
}

std::optional<double> process_memory_mib(int index, pid_t pid) {
  auto d = device(index);
  if (!d || !nvml().processes) return {};
  std::vector<nvmlProcessInfo_t> infos(64);
  for (int attempt = 0; attempt < 4; ++attempt) {
    unsigned int n = static_cast<unsigned int>(infos.size());
    const nvmlReturn_t r = nvml().processes(*d, &n, infos.data());
    if (r == kInsufficientSize) {
      infos.resize(n + 16);
      continue;
    }
    if (r != kSuccess) return {};
    for (unsigned int i = 0; i < n; ++i) {
      if (static_cast<pid_t>(infos[i].pid) == pid) {
        return static_cast<double>(infos[i].usedGpuMemory) / 1048576.0;
      }
    }
    return 0.0;
  }
  return {};
}

}  // namespace ocrserve::gpu
