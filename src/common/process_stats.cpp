#include "common/process_stats.h"

#include <unistd.h>

#include <fstream>
#include <string>

namespace ocrserve {

std::optional<double> rss_mib(pid_t pid) {
  std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
  long pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return {};
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
         1048576.0;
}

}  // namespace ocrserve
