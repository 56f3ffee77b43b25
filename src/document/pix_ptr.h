// Ownership of leptonica images: a PIX freed with pixDestroy when its owner goes.
#pragma once

#include <leptonica/allheaders.h>

#include <memory>

namespace ocrserve::document {

struct PixDeleter {
  void operator()(PIX* pix) const noexcept { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

}  // namespace ocrserve::document
