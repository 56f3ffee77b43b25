// The detector's line order: top to bottom, and left to right within a row. Whole-page reading
// order (columns) is the layout step's job, not this.
#pragma once

#include <vector>

#include "ocr/types.h"

namespace ocrserve::ocr {

// Sorts by the top-left corner's (y, x); then neighbours whose top-left y differ by less than
// same_row_px are put in x order (RapidOCR's sorted_boxes).
void sort_lines(std::vector<Quad>& quads, float same_row_px = 10.0f);

}  // namespace ocrserve::ocr
