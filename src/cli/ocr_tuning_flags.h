// The "OCR tuning" flags (detector, classifier and recognizer parameters). `ocrserve-worker`
// reads them into its engine options; `ocrserve convert` and `ocrserve serve`, which never load
// ONNX Runtime, check them and pass the ones given on to every worker.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "ocr/options.h"

namespace ocrserve::cli {

// cls_mode receives "off", "always" or "auto".
CLI::Option_group* add_ocr_tuning_flags(CLI::App& app, ocr::EngineOptions& options,
                                        std::string& cls_mode);
// The tuning flags given on the command line, as arguments for a worker.
std::vector<std::string> worker_args_of(const CLI::Option_group& tuning);

}  // namespace ocrserve::cli
