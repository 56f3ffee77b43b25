// GPU memory telemetry through NVML, loaded with dlopen("libnvidia-ml.so.1") and our own
// declarations of the few functions used. No library, no driver or no device means "no
// figures" (nullopt), never a crash. Thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace ocrserve::gpu {

struct DeviceMemory {
  double used_mib = 0;
  double total_mib = 0;
  double free_mib() const { return total_mib - used_mib; }
};

// True when NVML loaded and initialised.
bool nvml_available();
int device_count();
std::optional<DeviceMemory> device_memory(int index);
// GPU memory held by one process on one device (0 when it holds none, nullopt without NVML).
std::optional<double> process_memory_mib(int index, pid_t pid);

}  // namespace ocrserve::gpu
