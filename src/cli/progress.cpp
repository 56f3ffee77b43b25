#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ocrserve::cli {

Progress::Progress(size_t total) : total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  if (enabled_) std::fputs("\r\033[K", stderr);
}

void Progress::update(size_t done, const std::string& label) {
  if (!enabled_ || total_ == 0) return;
  constexpr size_t kWidth = 30;
  const size_t filled = done * kWidth / total_;
  std::string bar(filled, '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r\033[K[%s] %zu/%zu %s", bar.c_str(), done, total_, label.c_str());
  std::fflush(stderr);
}

}  // namespace ocrserve::cli
