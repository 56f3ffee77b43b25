// A small in-memory ZIP archive writer (deflate via zlib; no ZIP64, so under 4 GiB).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ocrserve::server {

class ZipWriter {
 public:
  // Adds a file; names are used as given (callers make them unique).
  void add(const std::string& name, std::string_view content);
  // The archive's bytes; the writer is done after this.
  std::string finish();

 private:
  struct Entry {
    std::string name;
    unsigned long crc = 0;
    size_t compressed = 0, size = 0, offset = 0;
    unsigned short method = 0;
  };
  std::string out_;
  std::vector<Entry> entries_;
};

}  // namespace ocrserve::server
