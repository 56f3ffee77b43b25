// Contract: file I/O for RenderedPage pixels via leptonica.
//  * write_png / write_jpeg write the RGB8 pixels (lines are not stored) and
//    return false on any failure (bad size, unwritable path, codec error).
//  * jpeg quality is clamped to [1, 100].
//  * read_image loads any format leptonica reads, as RGB8 with no lines;
//    std::nullopt on failure.
#pragma once

#include <optional>
#include <string>

#include "testkit/page_renderer.h"

namespace ocrserve::testkit {

bool write_png(const std::string& path, const RenderedPage& page);
bool write_jpeg(const std::string& path, const RenderedPage& page, int quality = 90);
std::optional<RenderedPage> read_image(const std::string& path);

}  // namespace ocrserve::testkit
