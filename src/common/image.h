// An 8-bit RGB raster, the currency between decoding (document/) and OCR (ocr/).
#pragma once

#include <cstdint>
#include <vector>

namespace ocrserve {

// Rows packed: stride = width * 3 bytes, R G B order. Owned.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;

  bool empty() const { return width <= 0 || height <= 0; }
};

}  // namespace ocrserve
