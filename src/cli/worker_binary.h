// Where ocrserve-worker is: $OCRSERVE_WORKER, else beside the running executable.
#pragma once

#include <string>

namespace ocrserve::cli {

std::string worker_binary();

// Replaces this process with ocrserve-worker `subcommand` and the given arguments (bench and
// convert --in-process run there, so that this executable never loads ONNX Runtime).
// Returns only on failure, with the exit status to use.
int exec_worker(const std::string& subcommand, int argc, char** argv, int first_arg,
                const std::string& drop_flag = "");

}  // namespace ocrserve::cli
