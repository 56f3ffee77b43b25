// Plain value types the OCR engine takes and returns. No OpenCV or ONNX Runtime types here.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/image.h"

namespace ocrserve::ocr {

using Image = ocrserve::Image;

struct Point {
  float x = 0;
  float y = 0;
};

// A text line's quadrilateral in page pixels: top-left, top-right, bottom-right, bottom-left.
using Quad = std::array<Point, 4>;

struct TextLine {
  Quad quad{};
  std::string text;      // UTF-8
  float confidence = 0;  // mean of the recognised characters' probabilities, 0..1
};

// Milliseconds spent in each stage of one page.
struct StageTimings {
  double det_ms = 0;
  double cls_ms = 0;
  double rec_ms = 0;
};

struct PageOcr {
  std::vector<TextLine> lines;  // in the detector's top-to-bottom, left-to-right order
  StageTimings timings;
  int lines_detected = 0;  // before the confidence filter
  int lines_rotated = 0;   // turned 180 degrees by the classifier
  int words_rejoined = 0;  // recovered word spaces taken out again (split_words.h)
  bool classifier_ran = false;
};

}  // namespace ocrserve::ocr
