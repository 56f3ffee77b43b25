// `ocrserve serve`: the docling-serve v1 HTTP API over durable tasks and the worker supervisor.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace ocrserve::cli {

std::function<int()> add_serve_command(CLI::App& app);

}  // namespace ocrserve::cli
