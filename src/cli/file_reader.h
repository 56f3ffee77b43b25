// Reading an input file whole, with one clear message when it cannot be read.
#pragma once

#include <string>

#include "common/result.h"

namespace ocrserve::cli {

// Errors: "no such file", "is a directory", "permission denied", "the file is empty".
Result<std::string> read_input_file(const std::string& path);

}  // namespace ocrserve::cli
