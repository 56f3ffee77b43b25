// First exports of OCR'd pages: plain text (lines in order), Markdown (paragraphs) and JSON
// (lines with boxes and confidences). Pure functions.
#pragma once

#include <string>
#include <vector>

#include "ocr/types.h"

namespace ocrserve::document {

struct OcrPage {
  int page_no = 1;  // 1-based
  int width = 0;
  int height = 0;
  std::vector<ocr::TextLine> lines;
};

// Consecutive lines closer than half a line height belong to one paragraph.
std::vector<std::vector<const ocr::TextLine*>> paragraphs(const OcrPage& page);

std::string to_text(const std::vector<OcrPage>& pages);
std::string to_markdown(const std::vector<OcrPage>& pages);
std::string to_json(const std::string& filename, const std::vector<OcrPage>& pages);

}  // namespace ocrserve::document
