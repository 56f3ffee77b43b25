// A one-line progress bar on stderr, drawn only when stderr is a terminal.
#pragma once

#include <string>

namespace ocrserve::cli {

class Progress {
 public:
  explicit Progress(size_t total);
  ~Progress();
  void update(size_t done, const std::string& label);

 private:
  size_t total_;
  bool enabled_;
};

}  // namespace ocrserve::cli
