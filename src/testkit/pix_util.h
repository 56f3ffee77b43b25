// Contract (internal to the testkit): RAII ownership of leptonica PIX handles
// and lossless conversion between RenderedPage RGB8 pixels and 32 bpp PIX.
// pix_to_page() accepts any depth (converted to 32 bpp) and leaves lines empty.
#pragma once

#include "document/pix_ptr.h"
#include "testkit/page_renderer.h"

namespace ocrserve::testkit::detail {

using document::PixPtr;

PixPtr page_to_pix(const RenderedPage& page);   // null on failure
bool pix_to_page(PIX* pix, RenderedPage& out);  // replaces width/height/rgb

}  // namespace ocrserve::testkit::detail
