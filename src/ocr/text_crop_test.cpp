#include "ocr/text_crop.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace ocrserve::ocr {
namespace {

TEST(TextCrop, SizeIsTheLongerOfOppositeEdges) {
  cv::Mat page(200, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  const Quad quad{{{10, 10}, {110, 12}, {112, 42}, {8, 40}}};
  const cv::Mat crop = crop_text_line(page, quad);
  EXPECT_EQ(crop.cols, 104);  // bottom edge |(112,42)-(8,40)| = 104.02
  EXPECT_EQ(crop.rows, 30);   // right edge 30.07, left edge 30.07
}

TEST(TextCrop, WarpsTheQuadContentUpright) {
  cv::Mat page(200, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  // A dark left half inside the quad: after the warp the crop's left half is dark.
  cv::rectangle(page, cv::Rect(50, 50, 50, 20), cv::Scalar(0, 0, 0), cv::FILLED);
  const Quad quad{{{50, 50}, {150, 50}, {150, 70}, {50, 70}}};
  const cv::Mat crop = crop_text_line(page, quad);
  ASSERT_EQ(crop.size(), cv::Size(100, 20));
  EXPECT_LT(crop.at<cv::Vec3b>(10, 20)[0], 30);
  EXPECT_GT(crop.at<cv::Vec3b>(10, 80)[0], 220);
}

TEST(TextCrop, TallCropsAreTurnedCounterClockwise) {
  cv::Mat page(300, 300, CV_8UC3, cv::Scalar(255, 255, 255));
  // A vertical line 20 wide, 100 tall (ratio 5 >= 1.5), dark at its top.
  cv::rectangle(page, cv::Rect(100, 100, 20, 20), cv::Scalar(0, 0, 0), cv::FILLED);
  const Quad quad{{{100, 100}, {120, 100}, {120, 200}, {100, 200}}};
  const cv::Mat crop = crop_text_line(page, quad);
  ASSERT_EQ(crop.size(), cv::Size(100, 20));
  // Counter-clockwise: the top of the vertical line ends up on the left.
  EXPECT_LT(crop.at<cv::Vec3b>(10, 5)[0], 30);
  EXPECT_GT(crop.at<cv::Vec3b>(10, 90)[0], 220);
}

TEST(TextCrop, SlightlyTallCropsStayAsTheyAre) {
  cv::Mat page(100, 100, CV_8UC3, cv::Scalar(255, 255, 255));
  const Quad quad{{{10, 10}, {30, 10}, {30, 39}, {10, 39}}};  // 20x29: ratio 1.45 < 1.5
  EXPECT_EQ(crop_text_line(page, quad).size(), cv::Size(20, 29));
}

}  // namespace
}  // namespace ocrserve::ocr
