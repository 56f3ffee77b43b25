#include "ocr/line_order.h"

#include <gtest/gtest.h>

namespace ocrserve::ocr {
namespace {

Quad at(float x, float y) { return {{{x, y}, {x + 50, y}, {x + 50, y + 20}, {x, y + 20}}}; }

TEST(LineOrder, SameRowWithinTenPixelsGoesLeftToRight) {
  std::vector<Quad> quads{at(10, 100), at(10, 10), at(300, 50), at(10, 52)};
  sort_lines(quads);
  // (300,50) and (10,52) are one row (2 px apart): x order wins over y order.
  const std::vector<std::pair<float, float>> expected{{10, 10}, {10, 52}, {300, 50}, {10, 100}};
  ASSERT_EQ(quads.size(), expected.size());
  for (size_t i = 0; i < quads.size(); ++i) {
    EXPECT_EQ(quads[i][0].x, expected[i].first) << i;
    EXPECT_EQ(quads[i][0].y, expected[i].second) << i;
  }
}

TEST(LineOrder, RowsFartherApartKeepTheirVerticalOrder) {
  std::vector<Quad> quads{at(10, 30), at(300, 15)};  // 15 px apart: two rows
  sort_lines(quads);
  EXPECT_EQ(quads[0][0].y, 15);
  EXPECT_EQ(quads[1][0].y, 30);
}

TEST(LineOrder, ThreeBoxesOnOneRowAreSortedByX) {
  std::vector<Quad> quads{at(500, 12), at(250, 14), at(10, 16)};
  sort_lines(quads);
  EXPECT_EQ(quads[0][0].x, 10);
  EXPECT_EQ(quads[1][0].x, 250);
  EXPECT_EQ(quads[2][0].x, 500);
}

}  // namespace
}  // namespace ocrserve::ocr
