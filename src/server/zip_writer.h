// A ZIP archive built in memory with libzip (deflate; ZIP64 when an entry or the archive needs
// it), for answers with several result files.
#pragma once

#include <deque>
#include <set>
#include <string>
#include <string_view>

namespace ocrserve::server {

class ZipWriter {
 public:
  // Adds a file and returns the name it got: the given one, or "2-name", "3-name", ... when an
  // earlier entry already has that name. The content is copied.
  std::string add(const std::string& name, std::string_view content);
  // The archive's bytes; the writer is done after this. Throws std::runtime_error when libzip
  // fails.
  std::string finish();

 private:
  struct Entry {
    std::string name;
    std::string content;
  };
  std::deque<Entry> entries_;
  std::set<std::string> names_;
};

}  // namespace ocrserve::server
