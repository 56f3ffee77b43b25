// Several machines on one Redis: `ocrserve serve --engine redis://...` (an API node, converting
// too unless --workers 0) and `ocrserve node --engine redis://...` (a worker node).
#pragma once

#include <signal.h>
#include <CLI/CLI.hpp>
#include <functional>

#include "cli/serve_setup.h"

namespace ocrserve::cli {

// `serve` with --engine set: runs until SIGINT/SIGTERM; returns the exit status.
int run_api_node(Flags& f, sigset_t stop_signals);
std::function<int()> add_node_command(CLI::App& app);

}  // namespace ocrserve::cli
