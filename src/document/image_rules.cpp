#include "document/image_rules.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace ocrserve::document {

std::vector<Box> rules_in_image(const Image& image, double units_per_pixel) {
  std::vector<Box> out;
  if (image.empty()) return out;
  const cv::Mat rgb(image.height, image.width, CV_8UC3,
                    const_cast<std::uint8_t*>(image.rgb.data()));
  cv::Mat gray, ink;
  cv::cvtColor(rgb, gray, cv::COLOR_RGB2GRAY);
  cv::threshold(gray, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  // A rule is at least ~1/4 inch long at the image's resolution (about 1/35 of a page side)
  // and at most ~1/30 inch thick.
  const int min_length = std::max(20, std::min(image.width, image.height) / 35);
  const int max_thickness = std::max(3, min_length / 6);
  for (const bool horizontal : {true, false}) {
    const cv::Mat kernel = cv::getStructuringElement(
        cv::MORPH_RECT, horizontal ? cv::Size(min_length, 1) : cv::Size(1, min_length));
    cv::Mat lines;
    cv::morphologyEx(ink, lines, cv::MORPH_OPEN, kernel);
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(lines, labels, stats, centroids, 8, CV_32S);
    for (int i = 1; i < n && out.size() < 4000; ++i) {
      const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
      const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      const int length = horizontal ? w : h, thickness = horizontal ? h : w;
      if (length < min_length || thickness > max_thickness) continue;
      out.push_back({x * units_per_pixel, y * units_per_pixel, (x + w) * units_per_pixel,
                     (y + h) * units_per_pixel});
    }
  }
  return out;
}

}  // namespace ocrserve::document
