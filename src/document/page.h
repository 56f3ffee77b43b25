// A document page as the rest of the pipeline sees it: text lines with boxes (from a PDF text
// layer or from OCR), then the blocks that layout found, in reading order. Plain values.
#pragma once

#include <string>
#include <vector>

#include "common/image.h"

namespace ocrserve::document {

// A box in page units (PDF points, or pixels for an image), origin at the top-left, y down.
struct Box {
  double l = 0, t = 0, r = 0, b = 0;
  double width() const { return r - l; }
  double height() const { return b - t; }
  bool empty() const { return r <= l || b <= t; }
  Box united(const Box& o) const;
};

struct TextLine {
  std::string text;  // UTF-8, words joined by single spaces
  Box box;
  float confidence = 1;  // OCR confidence 0..1; 1 for a text layer
};

// What a block is, in docling's DocItemLabel terms.
enum class Label { kTitle, kSectionHeader, kText, kPageHeader, kPageFooter };
const char* label_name(Label label);
inline bool is_furniture(Label l) { return l == Label::kPageHeader || l == Label::kPageFooter; }

// A run of lines read as one unit: a paragraph, a heading, a page header or footer.
struct Block {
  Label label = Label::kText;
  std::string text;  // lines joined, hyphenated line breaks mended
  Box box;
  float confidence = 1;  // the lowest line confidence
  bool ocr = false;
};

struct Page {
  int page_no = 1;  // 1-based, in the original document
  double width = 0;
  double height = 0;
  bool ocr = false;  // lines came from OCR, not a text layer
  std::vector<TextLine> lines;
  std::vector<Block> blocks;  // reading order, furniture included; filled by layout
  Image image;                // the page raster, kept only when an export embeds it
};

}  // namespace ocrserve::document
