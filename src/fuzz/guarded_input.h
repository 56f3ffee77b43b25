// The fuzz input copied so that it ends right where an inaccessible page begins. ASan checks
// only instrumented code; the decoders under test (leptonica, libtiff, giflib, poppler) are
// Debian's uninstrumented libraries, so a read past the end of the caller's bytes in them goes
// unseen unless it faults. With this, it faults, and libFuzzer reports the SEGV.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace ocrserve::fuzz {

inline std::string_view guarded_input(const std::uint8_t* data, std::size_t size) {
  static constexpr std::size_t kCapacity = std::size_t{1} << 20;  // far above -max_len
  static char* const end = [] {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    void* region = ::mmap(nullptr, kCapacity + page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) __builtin_trap();
    char* guard = static_cast<char*>(region) + kCapacity;
    if (::mprotect(guard, page, PROT_NONE) != 0) __builtin_trap();
    return guard;
  }();
  if (size > kCapacity) return {reinterpret_cast<const char*>(data), size};
  char* start = end - size;
  if (size > 0) std::memcpy(start, data, size);
  return {start, size};
}

}  // namespace ocrserve::fuzz
