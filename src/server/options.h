// docling-serve conversion options (form fields or the JSON "options" object) -> a
// conversion::ConversionRequest plus the server's own settings for the task. Bad values raise
// HttpError 422 with FastAPI's {"detail":[{"loc","msg","type"}]} list, every bad field listed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conversion/request.h"
#include "server/api_types.h"
#include "tasks/task.h"

namespace ocrserve::server {

struct ConvertOptions {
  conversion::ConversionRequest request;
  bool zip = false;               // target zip (else in the body)
  double document_timeout_s = 0;  // 0 = the server's task timeout
  bool abort_on_error = false;
  std::vector<std::string> notes;  // options accepted but not applied
  tasks::TaskOptions task_options() const;
};

struct OptionLimits {
  double max_document_timeout_s = 0;  // 0 = no cap
  int max_num_pages = 0;              // 0 = no cap
};

// The options' JSON schema for /openapi.json, from the same table parse_options reads by.
nlohmann::json options_schema();

// `loc` is where the options sit in the request, e.g. {"body"} for form fields or
// {"body", "options"} for JSON. Unknown fields are ignored, as FastAPI does.
ConvertOptions parse_options(const nlohmann::json& options, const OptionLimits& limits,
                             const std::vector<nlohmann::json>& loc);

// Multipart/urlencoded fields (not files) -> an options object: list fields (to_formats,
// from_formats, ocr_lang, page_range) collect every repeat, other fields keep their last value.
nlohmann::json form_to_options(const std::vector<FormPart>& form);

}  // namespace ocrserve::server
