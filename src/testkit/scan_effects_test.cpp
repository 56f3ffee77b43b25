#include "testkit/scan_effects.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "testkit/image_io.h"

namespace ocrserve::testkit {
namespace {

double mean(const RenderedPage& p) {
  double s = 0;
  for (uint8_t v : p.rgb) s += v;
  return s / static_cast<double>(p.rgb.size());
}

TEST(ScanEffects, DegradesButKeepsTextAndSize) {
  const auto clean = render_text_page(PageSpec{}, sample_words(2, 2000));
  const auto scan = make_scan_like(clean, 1.0, 12, 60, 4);
  ASSERT_EQ(scan.width, clean.width);
  ASSERT_EQ(scan.height, clean.height);
  ASSERT_EQ(scan.rgb.size(), clean.rgb.size());
  EXPECT_EQ(scan.text(), clean.text());
  EXPECT_LT(mean(scan), mean(clean) - 5);  // grey paper
  EXPECT_GT(mean(scan), 200);
  EXPECT_EQ(scan.rgb, make_scan_like(clean, 1.0, 12, 60, 4).rgb);  // deterministic
  EXPECT_NE(scan.rgb, make_scan_like(clean, 1.0, 12, 60, 5).rgb);
  // A 1 degree skew moves a wide line's box taller by ~width*sin(1deg).
  const auto& a = clean.lines[0];
  const auto& b = scan.lines[0];
  EXPECT_GT(b.y1 - b.y0, (a.y1 - a.y0) + (a.x1 - a.x0) * 0.015);
}

TEST(ScanEffects, NoSkewNoNoiseNoJpegOnlyGreys) {
  const auto clean = render_text_page(PageSpec{}, {"Hello"});
  const auto out = make_scan_like(clean, 0.0, 0.0, 0, 1);
  EXPECT_EQ(out.lines[0].x0, clean.lines[0].x0);
  const uint8_t bg = out.rgb[0];
  EXPECT_GE(bg, 235);
  EXPECT_LE(bg, 245);
}

TEST(ImageIo, PngRoundTripIsLosslessJpegIsClose) {
  const auto clean =
      render_text_page(PageSpec{.width_px = 400, .height_px = 300}, sample_words(1, 200));
  const auto dir = std::filesystem::temp_directory_path();
  const auto png = (dir / "ocrserve_testkit_io.png").string();
  const auto jpg = (dir / "ocrserve_testkit_io.jpg").string();
  ASSERT_TRUE(write_png(png, clean));
  ASSERT_TRUE(write_jpeg(jpg, clean, 80));
  const auto p = read_image(png);
  const auto j = read_image(jpg);
  std::remove(png.c_str());
  std::remove(jpg.c_str());
  ASSERT_TRUE(p && j);
  EXPECT_EQ(p->rgb, clean.rgb);
  ASSERT_EQ(j->rgb.size(), clean.rgb.size());
  EXPECT_NEAR(mean(*j), mean(clean), 2.0);
  EXPECT_FALSE(write_png("/nonexistent-dir/x.png", clean));
  EXPECT_FALSE(read_image("/nonexistent-dir/x.png").has_value());
}

}  // namespace
}  // namespace ocrserve::testkit
