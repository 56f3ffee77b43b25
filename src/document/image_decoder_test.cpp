#include "document/image_decoder.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

namespace ocrserve::document {
namespace {

// A width x height colour image: red left half, blue right half.
PIX* make_pix(int width, int height) {
  PIX* pix = pixCreate(width, height, 32);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      pixSetRGBPixel(pix, x, y, x < width / 2 ? 255 : 0, 0, x < width / 2 ? 0 : 255);
  return pix;
}

std::string encode(PIX* pix, l_int32 format) {
  l_uint8* data = nullptr;
  size_t size = 0;
  EXPECT_EQ(pixWriteMem(&data, &size, pix, format), 0) << format;
  std::string bytes(reinterpret_cast<char*>(data), size);
  std::free(data);
  return bytes;
}

std::string encoded(int width, int height, l_int32 format) {
  PIX* pix = make_pix(width, height);
  std::string bytes = encode(pix, format);
  pixDestroy(&pix);
  return bytes;
}

// A TIFF with one page per (width, height); empty when leptonica cannot write it.
std::string multipage_tiff(const std::vector<std::pair<int, int>>& sizes) {
  PIXA* pixa = pixaCreate(int(sizes.size()));
  for (const auto& [w, h] : sizes) pixaAddPix(pixa, make_pix(w, h), L_INSERT);
  l_uint8* data = nullptr;
  size_t size = 0;
  const bool ok = pixaWriteMemMultipageTiff(&data, &size, pixa) == 0;
  pixaDestroy(&pixa);
  std::string bytes = ok ? std::string(reinterpret_cast<char*>(data), size) : std::string();
  std::free(data);
  return bytes;
}

struct FormatCase {
  l_int32 format;
  const char* name;
};

class Formats : public ::testing::TestWithParam<FormatCase> {};

TEST_P(Formats, DecodesToRgbWithTheRightSizeAndColours) {
  const std::string bytes = encoded(64, 40, GetParam().format);
  auto info = probe_image(bytes);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->format, GetParam().name);
  EXPECT_EQ(info->width, 64);
  EXPECT_EQ(info->height, 40);
  auto image = decode_image(bytes);
  ASSERT_TRUE(image.ok()) << image.error().message;
  ASSERT_EQ(image->width, 64);
  ASSERT_EQ(image->height, 40);
  const uint8_t* left = &image->rgb[(20 * 64 + 5) * 3];
  const uint8_t* right = &image->rgb[(20 * 64 + 60) * 3];
  if (GetParam().format != IFF_GIF) {  // GIF quantises colours
    EXPECT_GT(left[0], 200);
    EXPECT_LT(left[2], 60);
    EXPECT_LT(right[0], 60);
    EXPECT_GT(right[2], 200);
  }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, Formats,
                         ::testing::Values(FormatCase{IFF_PNG, "png"},
                                           FormatCase{IFF_JFIF_JPEG, "jpeg"},
                                           FormatCase{IFF_TIFF_ZIP, "tiff"},
                                           FormatCase{IFF_BMP, "bmp"}, FormatCase{IFF_PNM, "pnm"},
                                           FormatCase{IFF_WEBP, "webp"},
                                           FormatCase{IFF_GIF, "gif"}),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(ImageDecoder, MultiPageTiffHasEveryPage) {
  const std::string bytes = multipage_tiff({{30, 20}, {40, 20}, {50, 20}});
  ASSERT_FALSE(bytes.empty());
  auto info = probe_image(bytes);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->pages, 3);
  for (int i = 0; i < 3; ++i) {
    auto page = decode_image(bytes, i);
    ASSERT_TRUE(page.ok()) << i;
    EXPECT_EQ(page->width, 30 + 10 * i);
  }
  auto missing = decode_image(bytes, 3);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("page 4 does not exist"), std::string::npos);
}

TEST(ImageDecoder, EmptyInputIsAnError) {
  auto r = decode_image("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "the file is empty");
}

TEST(ImageDecoder, TextIsNotAnImage) {
  auto r = decode_image("hello, this is not an image at all\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a supported image"), std::string::npos);
}

TEST(ImageDecoder, TruncatedFilesAreErrors) {
  for (l_int32 format : {IFF_PNG, IFF_JFIF_JPEG, IFF_TIFF_ZIP}) {
    const std::string bytes = encoded(200, 200, format);
    auto r = decode_image(bytes.substr(0, bytes.size() / 2));
    ASSERT_FALSE(r.ok()) << format;
    EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
  }
}

TEST(ImageDecoder, PixelBudgetRefusesBeforeDecoding) {
  const std::string bytes = encoded(300, 200, IFF_PNG);
  PixelBudget budget;
  budget.max_pixels_per_page = 50'000;
  auto r = decode_image(bytes, 0, budget);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("300x200"), std::string::npos) << r.error().message;
}

TEST(ImageDecoder, PixelBudgetHoldsForEveryTiffPage) {
  // Page 1 is small, page 2 is over the budget: page 2 must be refused, not decoded.
  const std::string bytes = multipage_tiff({{40, 20}, {400, 300}});
  ASSERT_FALSE(bytes.empty());
  PixelBudget budget;
  budget.max_pixels_per_page = 10'000;
  ASSERT_TRUE(decode_image(bytes, 0, budget).ok());
  auto second = decode_image(bytes, 1, budget);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("page 2) is 400x300"), std::string::npos)
      << second.error().message;
}

// Inputs the fuzzer found (fuzz/regressions/fuzz_image_decode/): each one is answered, quickly,
// with an error or an image inside the budget, never a crash or a huge allocation.
TEST(ImageDecoder, FuzzerFindingsStayFixed) {
  const std::filesystem::path dir =
      std::filesystem::path(OCRSERVE_SOURCE_DIR) / "fuzz/regressions/fuzz_image_decode";
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    PixelBudget budget;
    budget.max_pixels_per_page = 4'000'000;
    const auto start = std::chrono::steady_clock::now();
    auto info = probe_image(bytes);
    auto image = decode_image(bytes, 0, budget);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << entry.path();
    if (image.ok()) {
      EXPECT_LE(std::int64_t{image->width} * image->height, budget.max_pixels_per_page);
    }
    ++seen;
  }
  EXPECT_GE(seen, 5u);
}

TEST(ImageDecoder, HugePixelClaimInAHeaderIsRefused) {
  // A PNG header claiming 100000 x 100000 pixels, with no image data behind it.
  std::string png = encoded(8, 8, IFF_PNG);
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) png[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  };
  put32(16, 100000);
  put32(20, 100000);
  auto r = decode_image(png);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("over the limit"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace ocrserve::document
