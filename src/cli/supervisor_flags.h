// The worker lifecycle flags of `ocrserve serve` and `ocrserve convert`, each with an
// environment fallback (OCRSERVE_*, and DOCLING_SERVE_FREE_VRAM_ON_IDLE).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "supervisor/supervisor.h"

namespace ocrserve::cli {

struct SupervisorFlags {
  supervisor::Policy policy;
  std::string release_mode = "process";
  std::string prewarm = "none";
  std::string devices = "0";
  std::string models_dir;
};

void add_supervisor_flags(CLI::App& app, SupervisorFlags& flags);
// Resolves the string flags into flags.policy; an error names the flag.
Result<void> finish_supervisor_flags(SupervisorFlags& flags);

}  // namespace ocrserve::cli
