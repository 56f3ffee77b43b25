#include "cli/file_reader.h"

#include "common/whole_file.h"

namespace ocrserve::cli {

Result<std::string> read_input_file(const std::string& path) {
  auto bytes = read_whole_file(path);
  if (bytes && bytes->empty()) return make_error("the file is empty");
  return bytes;
}

}  // namespace ocrserve::cli
