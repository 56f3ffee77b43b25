#include "document/image_decoder.h"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include "document/pix_ptr.h"

namespace ocrserve::document {

namespace {

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

// findFileFormatBuffer() reads the first 12 bytes whatever the buffer's size.
constexpr size_t kFormatBytes = 12;

// GIF sizes read from the blocks. Leptonica's header reader decodes the whole file to learn the
// size, and giflib's DGifSlurp decodes every frame (one byte per pixel) although only the first
// is used: both must be checked before any of that happens.
struct GifSizes {
  int width = 0;  // the first frame, the one leptonica returns
  int height = 0;
  std::int64_t all_frames = 0;  // pixels of every frame giflib would allocate
};

std::optional<GifSizes> gif_sizes(std::string_view b) {
  auto u8 = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(b[i])); };
  auto u16 = [&](size_t i) { return static_cast<int>(u8(i) | (u8(i + 1) << 8)); };
  size_t pos = 13;  // "GIF89a", then the logical screen descriptor
  if (b.size() < pos) return std::nullopt;
  if (u8(10) & 0x80) pos += size_t{3} << ((u8(10) & 7) + 1);  // global colour table
  // Skips data sub-blocks up to their terminator; false when the file ends first.
  auto skip_sub_blocks = [&] {
    while (pos < b.size()) {
      const size_t n = u8(pos);
      pos += 1 + n;
      if (n == 0) return true;
    }
    return false;
  };
  GifSizes sizes;
  bool first = true;
  while (pos < b.size()) {
    const unsigned kind = u8(pos++);
    if (kind == 0x2C) {  // image descriptor: left, top, width, height, flags
      if (pos + 9 > b.size()) break;
      const int w = u16(pos + 4), h = u16(pos + 6);
      const unsigned flags = u8(pos + 8);
      pos += 9;
      if (first) {
        sizes.width = w;
        sizes.height = h;
        first = false;
      }
      sizes.all_frames += std::int64_t{w} * h;
      if (flags & 0x80) pos += size_t{3} << ((flags & 7) + 1);  // local colour table
      pos += 1;                                                 // the LZW minimum code size
      if (!skip_sub_blocks()) break;
    } else if (kind == 0x21) {  // extension: a label, then sub-blocks
      // giflib's DGifSlurp reads the first sub-block, then reads on up to an empty one: when
      // the first is already empty, the size byte after it is read as one more sub-block.
      pos += 1;
      if (pos >= b.size()) break;
      pos += 1 + u8(pos);
      if (!skip_sub_blocks()) break;
    } else {
      break;  // the trailer, or bytes that giflib refuses
    }
  }
  if (sizes.width <= 0 || sizes.height <= 0) return std::nullopt;
  return sizes;
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
  l_uint8 head[kFormatBytes] = {};  // zero-padded: a shorter file must not be read past its end
  std::memcpy(head, bytes.data(), std::min(bytes.size(), kFormatBytes));
  if (findFileFormatBuffer(head, &format) != 0 || format_name(format).empty()) {
    return make_error("not a supported image (PNG, JPEG, TIFF, WebP, BMP, GIF, PNM)");
  }
  ImageInfo info;
  info.format = format_name(format);
  const std::string unreadable =
      "the " + info.format + " header is unreadable (truncated or corrupt file)";
  // Leptonica reads the format from 12 bytes again (and decodes nothing under 12 bytes).
  if (bytes.size() < kFormatBytes) return make_error(unreadable);
  l_int32 w = 0, h = 0, bps = 0, spp = 0, iscmap = 0, header_format = 0;
  if (format == IFF_GIF) {
    const auto sizes = gif_sizes(bytes);
    if (!sizes) return make_error(unreadable);
    w = sizes->width;
    h = sizes->height;
  } else if (pixReadHeaderMem(data_of(bytes), bytes.size(), &header_format, &w, &h, &bps, &spp,
                              &iscmap) != 0 ||
             w <= 0 || h <= 0) {
    return make_error(unreadable);
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
  if (info->format == "tiff" && page > 0) {
    // Every page of a TIFF has its own size: check the one that is about to be decoded.
    l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, format = 0;
    if (readHeaderMemTiff(data_of(bytes), bytes.size(), page, &w, &h, &bps, &spp, &res, &cmap,
                          &format) != 0 ||
        w <= 0 || h <= 0) {
      return make_error("the header of TIFF page " + std::to_string(page + 1) +
                        " is unreadable (truncated or corrupt file)");
    }
    info->width = w;
    info->height = h;
  }
  const std::int64_t pixels = std::int64_t{info->width} * info->height;
  if (info->format == "gif" && pixels <= budget.max_pixels_per_page) {
    // giflib decodes every frame although only the first becomes the page.
    const auto sizes = gif_sizes(bytes);
    if (sizes && sizes->all_frames > budget.max_pixels_per_page) {
      return make_error("the GIF's frames hold " + std::to_string(sizes->all_frames) +
                        " pixels in all, over the limit of " +
                        std::to_string(budget.max_pixels_per_page) + " pixels per page");
    }
  }
  if (pixels > budget.max_pixels_per_page) {
    return make_error(
        "the image" +
        (info->pages > 1 ? " (page " + std::to_string(page + 1) + ")" : std::string()) + " is " +
        std::to_string(info->width) + "x" + std::to_string(info->height) +
        " pixels, over the limit of " + std::to_string(budget.max_pixels_per_page) +
        " pixels per page");
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
