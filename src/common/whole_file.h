// Reading a whole file into memory, with an error a user can act on.
#pragma once

#include <string>

#include "common/result.h"

namespace ocrserve {

// The file's bytes. Errors: "no such file", "is a directory, not a file", "cannot open: <why>",
// "read error". An empty file is not an error here.
Result<std::string> read_whole_file(const std::string& path);

}  // namespace ocrserve
