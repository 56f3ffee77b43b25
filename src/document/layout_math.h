// Small measures layout's passes share: medians, code-point and word counts, a line's type size.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "document/page.h"

namespace ocrserve::document {

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

inline size_t codepoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Words: runs of characters between spaces.
inline size_t word_count(const std::string& s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

// The type size of a line, in page units. A text layer gives the font's size; an OCR box's
// height depends on which letters have ascenders or descenders, so OCR lines are sized by their
// mean character advance (about half an em in Latin text) instead.
inline double type_size(const Page& page, const TextLine& line) {
  if (line.font_size > 0) return line.font_size;
  if (!page.ocr) return line.box.height();
  return 2.0 * line.box.width() / static_cast<double>(std::max<size_t>(1, codepoints(line.text)));
}

}  // namespace ocrserve::document
