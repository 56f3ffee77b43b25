// A document page as the rest of the pipeline sees it: text lines with boxes and fonts (from a
// PDF text layer or from OCR), the page's drawn lines, fills and images, then the blocks that
// layout found, in reading order. Plain values.
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
  double cx() const { return (l + r) / 2; }
  double cy() const { return (t + b) / 2; }
  bool empty() const { return r <= l || b <= t; }
  Box united(const Box& o) const;
  // True when o's centre lies inside this box.
  bool holds_centre_of(const Box& o) const;
  // True when the two overlap vertically by more than half the lower one's height: one row.
  bool shares_row_with(const Box& o) const;
};

struct Word {
  std::string text;
  Box box;
};

struct TextLine {
  std::string text;  // UTF-8, words joined by single spaces
  Box box;
  float confidence = 1;  // OCR confidence 0..1; 1 for a text layer
  // The text layer's font, as most of the line's characters have it; OCR lines leave these be.
  double font_size = 0;  // points; 0 when unknown (OCR)
  bool bold = false;
  bool italic = false;
  bool monospace = false;
  std::vector<Word> words;  // the words with their boxes; empty for OCR lines
};

// What the page draws besides text, in page units: the input for tables and pictures.
struct PageGraphics {
  std::vector<Box> rules;   // horizontal and vertical strokes, and thin filled bars
  std::vector<Box> fills;   // filled rectangles larger than a rule (cell backgrounds, boxes)
  std::vector<Box> images;  // where raster images are painted
  std::vector<Box> paths;   // every stroked or filled path's box (vector drawings)
};

// What a block is, in docling's DocItemLabel terms.
enum class Label {
  kTitle,
  kSectionHeader,
  kText,
  kListItem,
  kCode,
  kCaption,
  kFootnote,
  kTable,
  kPicture,
  kPageHeader,
  kPageFooter
};
const char* label_name(Label label);
inline bool is_furniture(Label l) { return l == Label::kPageHeader || l == Label::kPageFooter; }

struct TableCell {
  std::string text;
  Box box;
  int row = 0, col = 0;  // top-left grid position
  int row_span = 1, col_span = 1;
  bool column_header = false;
};

struct Table {
  int num_rows = 0, num_cols = 0;
  std::vector<TableCell> cells;  // row-major by top-left position; spanning cells once
};

// Where a block goes on past its own page (a paragraph that crosses a page break).
struct Continuation {
  int page_no = 0;
  Box box;
};

// A unit of the page read as one: a paragraph, heading, list item, code block, table, picture,
// caption, footnote, page header or footer.
struct Block {
  Label label = Label::kText;
  std::string text;  // lines joined, hyphenated line breaks mended; code keeps its line breaks
  Box box;
  float confidence = 1;  // the lowest line confidence
  bool ocr = false;
  int level = 1;  // section headers: 1 = chapter, 2 = section, ...
  // List items: the marker as printed ("•", "1.", "a)"), whether it counts, and the nesting
  // depth (0 = outermost). Items of one list follow each other in page.blocks.
  std::string marker;
  bool enumerated = false;
  int depth = 0;
  Table table;                             // kTable
  int caption = -1;                        // tables, pictures: index of their caption block
  std::vector<Continuation> continuation;  // further pages this block runs onto
  bool merged_into_previous = false;       // continues the previous page's last block: skip it
  // What layout measured of the block's lines: their type size, boldness and number.
  double font_size = 0;
  bool bold = false;
  int line_count = 0;
};

struct Page {
  int page_no = 1;  // 1-based, in the original document
  double width = 0;
  double height = 0;
  bool ocr = false;  // lines came from OCR, not a text layer
  std::vector<TextLine> lines;
  PageGraphics graphics;
  std::vector<Block> blocks;  // reading order, furniture included; filled by layout
  Image image;                // the page raster, kept only when an export needs it
};

}  // namespace ocrserve::document
