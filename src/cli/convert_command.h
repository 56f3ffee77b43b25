// `ocrserve convert FILE... [--to md,text,json] [-o DIR]`.
#pragma once

#include <CLI/CLI.hpp>

namespace ocrserve::cli {

// Registers the subcommand; the returned function runs it and gives the exit status.
std::function<int()> add_convert_command(CLI::App& app);

}  // namespace ocrserve::cli
