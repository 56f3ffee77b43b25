// `ocrserve convert`: every file is converted by an ocrserve-worker process under the
// supervisor (crash isolation, timeouts); --in-process converts in one ocrserve-worker process.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace ocrserve::cli {

std::function<int()> add_supervised_convert_command(CLI::App& app);

}  // namespace ocrserve::cli
