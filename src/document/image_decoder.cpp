#include "document/image_decoder.h"

#include <leptonica/allheaders.h>

#include <memory>
#include <mutex>

namespace ocrserve::document {

namespace {

struct PixDeleter {
  void operator()(PIX* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<PIX, PixDeleter>;

void quiet_leptonica() {
  static std::once_flag once;
  std::call_once(once, [] { setMsgSeverity(L_SEVERITY_NONE); });
}

const l_uint8* data_of(std::string_view bytes) {
  return reinterpret_cast<const l_uint8*>(bytes.data());
}

std::string format_name(l_int32 format) {
  switch (format) {
    case IFF_PNG:
      return "png";
    case IFF_JFIF_JPEG:
      return "jpeg";
    case IFF_BMP:
      return "bmp";
    case IFF_GIF:
      return "gif";
    case IFF_WEBP:
      return "webp";
    case IFF_PNM:
      return "pnm";
    case IFF_TIFF:
    case IFF_TIFF_PACKBITS:
    case IFF_TIFF_RLE:
    case IFF_TIFF_G3:
    case IFF_TIFF_G4:
    case IFF_TIFF_LZW:
    case IFF_TIFF_ZIP:
    case IFF_TIFF_JPEG:
      return "tiff";
    case IFF_JP2:
      return "jp2";
    default:
      return "";
  }
}

Image to_rgb(PIX* source) {
  PixPtr rgba(pixConvertTo32(source));
  Image image;
  if (!rgba) return image;
  image.width = pixGetWidth(rgba.get());
  image.height = pixGetHeight(rgba.get());
  image.rgb.resize(static_cast<size_t>(image.width) * image.height * 3);
  const l_int32 wpl = pixGetWpl(rgba.get());
  const l_uint32* data = pixGetData(rgba.get());
  uint8_t* out = image.rgb.data();
  for (int y = 0; y < image.height; ++y) {
    const l_uint32* line = data + static_cast<ptrdiff_t>(y) * wpl;
    for (int x = 0; x < image.width; ++x) {
      const l_uint32 word = line[x];
      *out++ = static_cast<uint8_t>(word >> 24);
      *out++ = static_cast<uint8_t>(word >> 16);
      *out++ = static_cast<uint8_t>(word >> 8);
    }
  }
  return image;
}

}  // namespace

Result<ImageInfo> probe_image(std::string_view bytes) {
  quiet_leptonica();
  if (bytes.empty()) return make_error("the file is empty");
  l_int32 format = IFF_UNKNOWN;
  if (findFileFormatBuffer(data_of(bytes), &format) != 0 || format_name(format).empty()) {
    return make_error("not a supported image (PNG, JPEG, TIFF, WebP, BMP, GIF, PNM)");
  }
  ImageInfo info;
  info.format = format_name(format);
  l_int32 w = 0, h = 0, bps = 0, spp = 0, iscmap = 0, header_format = 0;
  if (pixReadHeaderMem(data_of(bytes), bytes.size(), &header_format, &w, &h, &bps, &spp, &iscmap) !=
          0 ||
      w <= 0 || h <= 0) {
    return make_error("the " + info.format + " header is unreadable (truncated or corrupt file)");
  }
  info.width = w;
  info.height = h;
  if (info.format == "tiff") {
    l_int32 pages = 0;
    FILE* f = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
    if (f) {
      tiffGetCount(f, &pages);
      fclose(f);
    }
    info.pages = pages > 0 ? pages : 1;
  }
  return info;
}

Result<Image> decode_image(std::string_view bytes, int page, const PixelBudget& budget) {
  auto info = probe_image(bytes);
  if (!info) return info.error();
  if (page < 0 || page >= info->pages) {
    return make_error("page " + std::to_string(page + 1) + " does not exist (the image has " +
                      std::to_string(info->pages) + ")");
  }
  const std::int64_t pixels = std::int64_t{info->width} * info->height;
  if (pixels > budget.max_pixels_per_page) {
    return make_error("the image is " + std::to_string(info->width) + "x" +
                      std::to_string(info->height) + " pixels, over the limit of " +
                      std::to_string(budget.max_pixels_per_page) + " pixels per page");
  }
  PixPtr pix;
  if (info->format == "jpeg") {
    // Hint 0: fail on damaged data rather than return a partly grey page.
    pix.reset(pixReadMemJpeg(data_of(bytes), bytes.size(), 0, 1, nullptr, 0));
  } else if (info->format == "tiff") {
    pix.reset(pixReadMemTiff(data_of(bytes), bytes.size(), page));
  } else {
    pix.reset(pixReadMem(data_of(bytes), bytes.size()));
  }
  if (!pix) {
    return make_error("the " + info->format + " image could not be decoded (truncated or corrupt)");
  }
  Image image = to_rgb(pix.get());
  if (image.empty()) return make_error("the " + info->format + " image has an unsupported depth");
  return image;
}

}  // namespace ocrserve::document
