#include "document/encoding.h"

#include <gtest/gtest.h>

namespace ocrserve::document {
namespace {

std::string hex(const std::array<std::uint8_t, 32>& d) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1000, 'a'))),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(Sha256, DoclingBinaryHashIsTheLow64Bits) {
  EXPECT_EQ(docling_binary_hash("abc"), 0xb410ff61f20015adull);
}

TEST(Base64, Padding) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(Png, EncodesAnImage) {
  Image image{3, 2, std::vector<std::uint8_t>(18, 200)};
  auto png = encode_png(image);
  ASSERT_TRUE(png.ok()) << png.error().message;
  EXPECT_EQ(png->substr(1, 3), "PNG");
  EXPECT_FALSE(encode_png(Image{}).ok());
}

}  // namespace
}  // namespace ocrserve::document
