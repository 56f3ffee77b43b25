// Ruling lines in a page image (a scan, or a page rendered for OCR): long thin horizontal and
// vertical runs of dark pixels, found by morphological opening with long flat kernels, so that
// tables on OCR'd pages are found like tables drawn in a PDF (tables.h). Pure functions.
#pragma once

#include <vector>

#include "common/image.h"
#include "document/page.h"

namespace ocrserve::document {

// The rules in image, in page units: pixel coordinates times units_per_pixel.
std::vector<Box> rules_in_image(const Image& image, double units_per_pixel);

}  // namespace ocrserve::document
