// What a caller asks of one conversion: output formats and document options. A plain value,
// serialisable to JSON so that it can travel to a worker process.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"

namespace ocrserve::conversion {

// The output formats: the one list the API, its OpenAPI document, the CLI and the converter use.
enum class Format { kMarkdown, kJson, kHtml, kText };

struct FormatInfo {
  Format format;
  const char* name;       // as requested: to_formats, --to
  const char* extension;  // of the file written
};

const std::vector<FormatInfo>& output_formats();  // md, json, html, text
std::vector<std::string> output_format_names();
std::string output_format_list();  // "md, json, html, text", for messages
// A format by name; "markdown" and "txt" are accepted too. The error lists the known ones.
Result<Format> parse_format(const std::string& name);
const char* format_name(Format format);
const char* format_extension(Format format);

struct ConversionRequest {
  std::vector<std::string> to_formats{"md"};  // output_format_names()
  bool do_ocr = true;
  bool force_ocr = false;  // OCR every PDF page, ignoring its text layer
  int page_from = 1;       // 1-based, inclusive
  int page_to = 0;         // 0 = last page
  double dpi = 144;        // PDF render resolution for OCR (docling images_scale 2.0)
  std::string image_export_mode = "placeholder";  // placeholder | embedded
  std::string md_page_break_placeholder;          // empty = none
  int max_pages = 10000;                          // refuse documents with more pages
  long long max_pixels_per_page = 100'000'000;
};

// Checks values; the error names the field.
Result<void> validate(const ConversionRequest& request);

nlohmann::json to_json(const ConversionRequest& request);
// Missing fields keep their defaults; wrong types are an error naming the field.
Result<ConversionRequest> request_from_json(const nlohmann::json& json);

}  // namespace ocrserve::conversion
