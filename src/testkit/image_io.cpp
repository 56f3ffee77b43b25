// Leptonica-backed image I/O for the testkit (see image_io.h, pix_util.h).
#include "testkit/image_io.h"

#include <algorithm>
#include <cstddef>

#include "testkit/pix_util.h"

namespace ocrserve::testkit {
namespace detail {

PixPtr page_to_pix(const RenderedPage& page) {
  const size_t n =
      static_cast<size_t>(std::max(page.width, 0)) * static_cast<size_t>(std::max(page.height, 0));
  if (n == 0 || page.rgb.size() != n * 3) return nullptr;
  PixPtr pix(pixCreate(page.width, page.height, 32));
  if (!pix) return nullptr;
  pixSetSpp(pix.get(), 3);
  l_uint32* data = pixGetData(pix.get());
  const auto wpl = static_cast<size_t>(pixGetWpl(pix.get()));
  const auto w = static_cast<size_t>(page.width);
  for (size_t y = 0; y < static_cast<size_t>(page.height); ++y) {
    l_uint32* row = data + y * wpl;
    const uint8_t* src = &page.rgb[y * w * 3];
    for (size_t x = 0; x < w; ++x, src += 3) {
      row[x] = (l_uint32{src[0]} << L_RED_SHIFT) | (l_uint32{src[1]} << L_GREEN_SHIFT) |
               (l_uint32{src[2]} << L_BLUE_SHIFT);
    }
  }
  return pix;
}

bool pix_to_page(PIX* pix, RenderedPage& out) {
  if (!pix) return false;
  PixPtr rgb(pixConvertTo32(pix));
  if (!rgb) return false;
  const l_int32 w = pixGetWidth(rgb.get());
  const l_int32 h = pixGetHeight(rgb.get());
  if (w <= 0 || h <= 0) return false;
  out.width = w;
  out.height = h;
  const auto uw = static_cast<size_t>(w);
  out.rgb.assign(uw * static_cast<size_t>(h) * 3, 0);
  const l_uint32* data = pixGetData(rgb.get());
  const auto wpl = static_cast<size_t>(pixGetWpl(rgb.get()));
  for (size_t y = 0; y < static_cast<size_t>(h); ++y) {
    const l_uint32* row = data + y * wpl;
    uint8_t* dst = &out.rgb[y * uw * 3];
    for (size_t x = 0; x < uw; ++x, dst += 3) {
      dst[0] = static_cast<uint8_t>(row[x] >> L_RED_SHIFT);
      dst[1] = static_cast<uint8_t>(row[x] >> L_GREEN_SHIFT);
      dst[2] = static_cast<uint8_t>(row[x] >> L_BLUE_SHIFT);
    }
  }
  return true;
}

}  // namespace detail

bool write_png(const std::string& path, const RenderedPage& page) {
  detail::PixPtr pix = detail::page_to_pix(page);
  return pix && pixWrite(path.c_str(), pix.get(), IFF_PNG) == 0;
}

bool write_jpeg(const std::string& path, const RenderedPage& page, int quality) {
  detail::PixPtr pix = detail::page_to_pix(page);
  return pix && pixWriteJpeg(path.c_str(), pix.get(), std::clamp(quality, 1, 100), 0) == 0;
}

std::optional<RenderedPage> read_image(const std::string& path) {
  detail::PixPtr pix(pixRead(path.c_str()));
  RenderedPage page;
  if (!pix || !detail::pix_to_page(pix.get(), page)) return std::nullopt;
  return page;
}

}  // namespace ocrserve::testkit
