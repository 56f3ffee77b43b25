// Decoding raster images (PNG, JPEG, TIFF, WebP, BMP, GIF, PNM) from memory with leptonica.
// Thread-safe. Never trusts the file: sizes are read from the header and checked against the
// budget before any pixel is decoded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/image.h"
#include "common/result.h"

namespace ocrserve::document {

struct PixelBudget {
  std::int64_t max_pixels_per_page = 100'000'000;  // 100 megapixels
};

struct ImageInfo {
  std::string format;  // "png", "jpeg", "tiff", ...
  int width = 0;
  int height = 0;
  int pages = 1;  // TIFF: number of directories
};

// Reads the header only. Errors: empty input, unknown format, unreadable header.
Result<ImageInfo> probe_image(std::string_view bytes);

// Decodes page `page` (0-based; only TIFF has more than one) to RGB.
Result<Image> decode_image(std::string_view bytes, int page = 0, const PixelBudget& budget = {});

}  // namespace ocrserve::document
