#include "ocr/db_postprocess.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace ocrserve::ocr {
namespace {

struct Map {
  int width, height;
  std::vector<float> prob;
  Map(int w, int h) : width(w), height(h), prob(static_cast<size_t>(w) * h, 0.0f) {}
  void fill(int x0, int y0, int x1, int y1, float p) {
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) prob[static_cast<size_t>(y) * width + x] = p;
  }
};

float min_x(const Quad& q) { return std::min({q[0].x, q[1].x, q[2].x, q[3].x}); }
float max_x(const Quad& q) { return std::max({q[0].x, q[1].x, q[2].x, q[3].x}); }
float min_y(const Quad& q) { return std::min({q[0].y, q[1].y, q[2].y, q[3].y}); }
float max_y(const Quad& q) { return std::max({q[0].y, q[1].y, q[2].y, q[3].y}); }

TEST(DbPostprocess, FindsOneBoxPerTextBlobAndGrowsIt) {
  Map map(200, 100);
  map.fill(20, 20, 120, 30, 0.9f);  // a 100x10 line
  map.fill(20, 60, 80, 72, 0.8f);   // a 60x12 line
  DetectorOptions options;
  auto boxes = db_boxes(map.prob.data(), map.width, map.height, map.width, map.height, options);
  ASSERT_EQ(boxes.size(), 2u);
  std::sort(boxes.begin(), boxes.end(),
            [](const Quad& a, const Quad& b) { return a[0].y < b[0].y; });
  // Unclip distance for the first: area * 1.6 / perimeter = 1000 * 1.6 / 220 = 7.3 px per side.
  EXPECT_NEAR(min_x(boxes[0]), 20 - 7.3, 2.0);
  EXPECT_NEAR(max_x(boxes[0]), 120 + 7.3, 2.0);
  EXPECT_NEAR(min_y(boxes[0]), 20 - 7.3, 2.0);
  EXPECT_NEAR(max_y(boxes[0]), 30 + 7.3, 2.0);
  EXPECT_GT(min_y(boxes[1]), 45);
}

TEST(DbPostprocess, ScalesBoxesToThePageAndClipsThem) {
  Map map(100, 50);
  map.fill(0, 10, 50, 20, 0.95f);
  DetectorOptions options;
  auto boxes = db_boxes(map.prob.data(), map.width, map.height, 400, 200, options);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_GE(min_x(boxes[0]), 0.0f);  // grown past the left edge, then clipped
  // Unclip distance: 500 * 1.6 / 120 = 6.7 map pixels, 4x on the page.
  EXPECT_NEAR(max_x(boxes[0]), 4 * (50 + 6.7), 10.0);
  EXPECT_LE(max_y(boxes[0]), 200.0f);
}

TEST(DbPostprocess, DropsWeakAndTinyBlobs) {
  Map map(100, 100);
  map.fill(10, 10, 90, 20, 0.4f);   // above thresh 0.3, but mean score 0.4 < box_thresh 0.5
  map.fill(50, 50, 52, 52, 0.99f);  // 2x2: shorter side < 3
  DetectorOptions options;
  EXPECT_TRUE(db_boxes(map.prob.data(), 100, 100, 100, 100, options).empty());
  options.box_thresh = 0.35f;
  EXPECT_EQ(db_boxes(map.prob.data(), 100, 100, 100, 100, options).size(), 1u);
}

TEST(DbPostprocess, EmptyMapGivesNoBoxes) {
  Map map(64, 64);
  EXPECT_TRUE(db_boxes(map.prob.data(), 64, 64, 64, 64, DetectorOptions{}).empty());
}

TEST(Unclip, GrowsByAreaTimesRatioOverPerimeter) {
  const Quad rect{{{0, 0}, {100, 0}, {100, 10}, {0, 10}}};
  const auto grown = unclip(rect, 1.6f);
  ASSERT_GE(grown.size(), 4u);
  float x0 = 1e9f, x1 = -1e9f, y0 = 1e9f, y1 = -1e9f;
  for (const auto& p : grown) {
    x0 = std::min(x0, p.x);
    x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y);
    y1 = std::max(y1, p.y);
  }
  const float d = 1000.0f * 1.6f / 220.0f;
  EXPECT_NEAR(x0, -d, 1.0);
  EXPECT_NEAR(x1, 100 + d, 1.0);
  EXPECT_NEAR(y0, -d, 1.0);
  EXPECT_NEAR(y1, 10 + d, 1.0);
}

TEST(MinAreaQuad, OrdersCornersClockwiseFromTopLeft) {
  // A rectangle tilted by a few degrees.
  const float a = 3.0f * static_cast<float>(M_PI) / 180.0f;
  std::vector<Point> pts;
  for (auto [x, y] : {std::pair{0.f, 0.f}, {100.f, 0.f}, {100.f, 20.f}, {0.f, 20.f}}) {
    pts.push_back({50 + x * std::cos(a) - y * std::sin(a), 50 + x * std::sin(a) + y * std::cos(a)});
  }
  float short_side = 0;
  const Quad q = min_area_quad(pts, &short_side);
  EXPECT_NEAR(short_side, 20, 0.5);
  EXPECT_LT(q[0].x, q[1].x);  // TL left of TR
  EXPECT_LT(q[0].y, q[3].y);  // TL above BL
  EXPECT_LT(q[1].y, q[2].y);  // TR above BR
  EXPECT_LT(q[3].x, q[2].x);  // BL left of BR
  EXPECT_NEAR(q[0].x, 50, 1.0);
  EXPECT_NEAR(q[0].y, 50, 1.0);
}

TEST(BoxScore, IsTheMeanInsideTheQuad) {
  Map map(50, 50);
  map.fill(10, 10, 20, 20, 1.0f);
  const Quad inside{{{10, 10}, {19, 10}, {19, 19}, {10, 19}}};
  EXPECT_NEAR(box_score(map.prob.data(), 50, 50, inside), 1.0, 1e-5);
  const Quad half{{{10, 10}, {29, 10}, {29, 19}, {10, 19}}};
  EXPECT_NEAR(box_score(map.prob.data(), 50, 50, half), 0.5, 0.05);
}

}  // namespace
}  // namespace ocrserve::ocr
