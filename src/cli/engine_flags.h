// The OCR engine's flags, shared by `convert` and `bench`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "ocr/options.h"

namespace ocrserve::cli {

struct EngineFlags {
  ocr::EngineOptions options;
  std::string device = "auto";
  std::string cls_mode = "auto";
  std::string models_dir;
};

void add_engine_flags(CLI::App& app, EngineFlags& flags);

// Resolves the string flags into flags.options; an error names the flag.
Result<void> finish_engine_flags(EngineFlags& flags);

}  // namespace ocrserve::cli
