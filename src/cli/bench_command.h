// `ocrserve bench FILE... [--repeat N] [--jobs J] [--json]`: per-stage times, pages/s, peak RSS.
#pragma once

#include <CLI/CLI.hpp>

namespace ocrserve::cli {

std::function<int()> add_bench_command(CLI::App& app);

}  // namespace ocrserve::cli
