#include "testkit/page_renderer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace ocrserve::testkit {
namespace {

bool dark(const RenderedPage& p, int x, int y, int threshold = 128) {
  const uint8_t* px =
      &p.rgb[(static_cast<size_t>(y) * static_cast<size_t>(p.width) + static_cast<size_t>(x)) * 3];
  return px[0] < threshold && px[1] < threshold && px[2] < threshold;
}

size_t dark_in(const RenderedPage& p, int x0, int y0, int x1, int y1) {
  size_t n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += dark(p, x, y) ? 1 : 0;
  return n;
}

TEST(SampleWords, DeterministicAndVaried) {
  const auto a = sample_words(7, 500);
  ASSERT_EQ(a.size(), 500u);
  EXPECT_EQ(a, sample_words(7, 500));
  EXPECT_NE(a, sample_words(8, 500));
  EXPECT_TRUE(std::isupper(static_cast<unsigned char>(a[0][0])));
  EXPECT_TRUE(
      std::any_of(a.begin(), a.end(), [](const std::string& w) { return w.back() == '.'; }));
  EXPECT_TRUE(
      std::any_of(a.begin(), a.end(), [](const std::string& w) { return w.back() == ','; }));
  EXPECT_TRUE(std::any_of(a.begin(), a.end(), [](const std::string& w) {
    return std::isdigit(static_cast<unsigned char>(w[0]));
  }));
}

class RenderedPageTest : public ::testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(RenderedPageTest, InkInsideLineBoxesOnly) {
  PageSpec spec;
  spec.font_family = GetParam().first;
  spec.columns = GetParam().second;
  const auto words = sample_words(3, 3000);
  const RenderedPage page = render_text_page(spec, words);
  ASSERT_EQ(page.width, spec.width_px);
  ASSERT_EQ(page.height, spec.height_px);
  ASSERT_EQ(page.rgb.size(), static_cast<size_t>(page.width * page.height * 3));
  ASSERT_GT(page.lines.size(), 40u);

  // Lines hold a prefix of the input words, in order; the page is full.
  std::istringstream all(page.text());
  std::string w;
  size_t i = 0;
  while (all >> w) {
    ASSERT_LT(i, words.size());
    ASSERT_EQ(w, words[i]) << "word " << i;
    ++i;
  }
  EXPECT_GT(i, 300u);
  EXPECT_LT(i, words.size());

  const double margin = spec.margin_in * spec.dpi;
  std::vector<uint8_t> in_box(page.rgb.size() / 3, 0);
  for (const auto& l : page.lines) {
    ASSERT_LT(l.x0, l.x1);
    ASSERT_LT(l.y0, l.y1);
    EXPECT_GE(l.x0, margin - 2);
    EXPECT_LE(l.x1, page.width - margin + 2);
    EXPECT_GE(l.y0, margin - 2);
    EXPECT_LE(l.y1, page.height - margin + 2);
    const auto x0 = static_cast<int>(l.x0), y0 = static_cast<int>(l.y0);
    const auto x1 = static_cast<int>(l.x1), y1 = static_cast<int>(l.y1);
    const size_t ink = dark_in(page, x0, y0, x1, y1);
    EXPECT_GT(ink, static_cast<size_t>((x1 - x0) * (y1 - y0)) / 50) << l.text;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) in_box[static_cast<size_t>(y * page.width + x)] = 1;
  }
  size_t stray = 0;
  for (int y = 0; y < page.height; ++y)
    for (int x = 0; x < page.width; ++x)
      if (!in_box[static_cast<size_t>(y * page.width + x)] && dark(page, x, y)) ++stray;
  EXPECT_LE(stray, 20u);
  const auto m = static_cast<int>(margin) - 3;
  EXPECT_EQ(dark_in(page, 0, 0, page.width, m), 0u);                          // top margin
  EXPECT_EQ(dark_in(page, 0, page.height - m, page.width, page.height), 0u);  // bottom
  EXPECT_EQ(dark_in(page, 0, 0, m, page.height), 0u);                         // left
  EXPECT_EQ(dark_in(page, page.width - m, 0, page.width, page.height), 0u);   // right
}

INSTANTIATE_TEST_SUITE_P(Fonts, RenderedPageTest,
                         ::testing::Values(std::make_pair("DejaVu Sans", 1),
                                           std::make_pair("DejaVu Serif", 2),
                                           std::make_pair("DejaVu Sans Mono", 1)));

TEST(RenderTextPage, DeterministicForSeed) {
  PageSpec spec;
  spec.font_pt = 10;
  const auto words = sample_words(11, 2000);
  const auto a = render_text_page(spec, words);
  const auto b = render_text_page(spec, words);
  EXPECT_EQ(a.rgb, b.rgb);
  EXPECT_EQ(a.text(), b.text());
  spec.seed = 12;  // different paragraph breaks
  const auto c = render_text_page(spec, words);
  EXPECT_NE(a.text(), c.text());
}

TEST(RenderTextPage, SmallInputAndTextJoin) {
  PageSpec spec;
  const auto page = render_text_page(spec, {"Hello,", "", "world."});
  ASSERT_EQ(page.lines.size(), 1u);
  EXPECT_EQ(page.text(), "Hello, world.");
  EXPECT_TRUE(render_text_page(spec, {}).lines.empty());
  EXPECT_THROW(render_text_page(PageSpec{.width_px = 0}, {"x"}), std::invalid_argument);
}

TEST(RenderTextPage, FontSizeScalesLineHeight) {
  PageSpec spec;
  spec.font_pt = 12;  // 25 px at 150 dpi
  const auto page = render_text_page(spec, sample_words(5, 3000));
  ASSERT_GT(page.lines.size(), 10u);
  const double pitch = (page.lines[10].y1 - page.lines[0].y1) / 10.0;
  EXPECT_GE(pitch, 12 * 150 / 72.0 * 1.35 - 1);
  EXPECT_LE(pitch, 12 * 150 / 72.0 * 1.35 * 1.5 + 1);  // may include paragraph gaps
}

}  // namespace
}  // namespace ocrserve::testkit
