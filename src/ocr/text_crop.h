// Cutting one text line out of a page: perspective warp of its quad to an upright rectangle.
// Internal to ocr/ (OpenCV types). Pure functions, thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include "ocr/types.h"

namespace ocrserve::ocr {

// Width = the longer of the top and bottom edges, height = the longer of the left and right
// edges; cubic interpolation, replicated border. A crop at least 1.5 times taller than wide is
// a vertical line: it is turned 90 degrees counter-clockwise so that it reads left to right,
// and *turned (when given) says so.
cv::Mat crop_text_line(const cv::Mat& page, const Quad& quad, bool* turned = nullptr);

}  // namespace ocrserve::ocr
