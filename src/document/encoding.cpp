#include "document/encoding.h"

#include <leptonica/allheaders.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include "document/pix_ptr.h"

namespace ocrserve::document {

std::array<std::uint8_t, 32> sha256(std::string_view bytes) {
  std::array<std::uint8_t, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
  return out;
}

std::uint64_t docling_binary_hash(std::string_view bytes) {
  const auto digest = sha256(bytes);
  std::uint64_t v = 0;
  for (size_t i = 24; i < 32; ++i) v = (v << 8) | digest[i];
  return v;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()));
  out.resize(size_t(n));
  return out;
}

Result<std::string> encode_png(const Image& image) {
  if (image.empty()) return make_error("no page image to encode");
  PixPtr pix(pixCreate(image.width, image.height, 32));
  if (!pix) return make_error("out of memory for a page image");
  const l_int32 wpl = pixGetWpl(pix.get());
  l_uint32* data = pixGetData(pix.get());
  const std::uint8_t* in = image.rgb.data();
  for (int y = 0; y < image.height; ++y) {
    l_uint32* line = data + static_cast<std::ptrdiff_t>(y) * wpl;
    for (int x = 0; x < image.width; ++x, in += 3) {
      line[x] = (l_uint32{in[0]} << 24) | (l_uint32{in[1]} << 16) | (l_uint32{in[2]} << 8);
    }
  }
  pixSetSpp(pix.get(), 3);
  l_uint8* bytes = nullptr;
  size_t size = 0;
  if (pixWriteMemPng(&bytes, &size, pix.get(), 0.0f) != 0 || !bytes) {
    return make_error("the page image could not be encoded as PNG");
  }
  std::string out(reinterpret_cast<const char*>(bytes), size);
  lept_free(bytes);
  return out;
}

std::string png_data_uri(const Image& image) {
  auto png = encode_png(image);
  return png ? "data:image/png;base64," + base64(*png) : std::string();
}

}  // namespace ocrserve::document
