// Byte encodings the exports need: SHA-256, base64, PNG. Pure functions, thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/image.h"
#include "common/result.h"

namespace ocrserve::document {

std::array<std::uint8_t, 32> sha256(std::string_view bytes);

// docling's DocumentOrigin.binary_hash: the SHA-256 hex digest read as an integer and cut to its
// low 64 bits.
std::uint64_t docling_binary_hash(std::string_view bytes);

std::string base64(std::string_view bytes);

Result<std::string> encode_png(const Image& image);

// The image as a "data:image/png;base64,..." URI; empty when it cannot be encoded.
std::string png_data_uri(const Image& image);

}  // namespace ocrserve::document
