// Document flags shared by every command that converts: --to, --force-ocr, --pages, --dpi,
// --image-export-mode. They fill a conversion::ConversionRequest.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "conversion/request.h"

namespace ocrserve::cli {

struct ConversionFlags {
  conversion::ConversionRequest request;
  std::string pages;  // "A-B", "A" or ""
};

void add_conversion_flags(CLI::App& app, ConversionFlags& flags);
Result<void> finish_conversion_flags(ConversionFlags& flags);

}  // namespace ocrserve::cli
