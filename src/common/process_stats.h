// Memory of a process from /proc: resident set size in MiB (nullopt when the process is gone).
#pragma once

#include <sys/types.h>

#include <optional>

namespace ocrserve {

std::optional<double> rss_mib(pid_t pid);

}  // namespace ocrserve
