#include "server/zip_writer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

namespace ocrserve::server {
namespace {

uint32_t u32(const std::string& s, size_t at) {
  return uint32_t(uint8_t(s[at])) | uint32_t(uint8_t(s[at + 1])) << 8 |
         uint32_t(uint8_t(s[at + 2])) << 16 | uint32_t(uint8_t(s[at + 3])) << 24;
}
uint16_t u16(const std::string& s, size_t at) {
  return uint16_t(uint8_t(s[at]) | uint8_t(s[at + 1]) << 8);
}

// Reads back the entries via the central directory (stored or deflated).
std::vector<std::pair<std::string, std::string>> unzip(const std::string& zip) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t end = zip.size() - 22;
  EXPECT_EQ(u32(zip, end), 0x06054b50u);
  size_t at = u32(zip, end + 16);
  for (int i = 0; i < u16(zip, end + 10); ++i) {
    EXPECT_EQ(u32(zip, at), 0x02014b50u);
    const uint16_t method = u16(zip, at + 10);
    const uint32_t csize = u32(zip, at + 20), size = u32(zip, at + 24);
    const uint16_t name_len = u16(zip, at + 28);
    const uint32_t local = u32(zip, at + 42);
    const std::string name = zip.substr(at + 46, name_len);
    const size_t data = local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
    std::string content;
    if (method == 0) {
      content = zip.substr(data, csize);
    } else {
      content.resize(size);
      z_stream z{};
      inflateInit2(&z, -15);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
      z.avail_in = csize;
      z.next_out = reinterpret_cast<Bytef*>(content.data());
      z.avail_out = size;
      EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
      inflateEnd(&z);
    }
    EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(content.data()), uInt(content.size())),
              u32(zip, at + 16));
    out.push_back({name, content});
    at += 46 + name_len;
  }
  return out;
}

TEST(ZipWriter, EntriesReadBack) {
  ZipWriter w;
  const std::string big(10000, 'a');
  w.add("a.md", "# Title\n\nhello");
  w.add("b.txt", big);
  w.add("empty.json", "");
  const auto entries = unzip(w.finish());
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, "a.md");
  EXPECT_EQ(entries[0].second, "# Title\n\nhello");
  EXPECT_EQ(entries[1].second, big);
  EXPECT_EQ(entries[2].second, "");
}

TEST(ZipWriter, RepeatedNamesGetUniqueOnes) {
  ZipWriter w;
  EXPECT_EQ(w.add("a.md", "1"), "a.md");
  EXPECT_EQ(w.add("2-a.md", "2"), "2-a.md");
  EXPECT_EQ(w.add("a.md", "3"), "3-a.md");  // 2-a.md is taken
  EXPECT_EQ(w.add("\xc3\xa9t\xc3\xa9.md", "4"), "\xc3\xa9t\xc3\xa9.md");
  const auto entries = unzip(w.finish());
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[2].first, "3-a.md");
  EXPECT_EQ(entries[2].second, "3");
  EXPECT_EQ(entries[3].first, "\xc3\xa9t\xc3\xa9.md");
}

}  // namespace
}  // namespace ocrserve::server
