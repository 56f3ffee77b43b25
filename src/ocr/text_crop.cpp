#include "ocr/text_crop.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ocrserve::ocr {

cv::Mat crop_text_line(const cv::Mat& page, const Quad& quad, bool* turned_out) {
  auto distance = [](const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); };
  const int width = std::max(
      1, static_cast<int>(std::max(distance(quad[0], quad[1]), distance(quad[2], quad[3]))));
  const int height = std::max(
      1, static_cast<int>(std::max(distance(quad[0], quad[3]), distance(quad[1], quad[2]))));
  const cv::Point2f src[4] = {{quad[0].x, quad[0].y},
                              {quad[1].x, quad[1].y},
                              {quad[2].x, quad[2].y},
                              {quad[3].x, quad[3].y}};
  const cv::Point2f dst[4] = {{0, 0},
                              {static_cast<float>(width), 0},
                              {static_cast<float>(width), static_cast<float>(height)},
                              {0, static_cast<float>(height)}};
  const cv::Mat transform = cv::getPerspectiveTransform(src, dst);
  cv::Mat crop;
  cv::warpPerspective(page, crop, transform, cv::Size(width, height), cv::INTER_CUBIC,
                      cv::BORDER_REPLICATE);
  const bool vertical = static_cast<double>(crop.rows) / crop.cols >= 1.5;
  if (turned_out) *turned_out = vertical;
  if (vertical) {
    cv::Mat turned;
    cv::rotate(crop, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
    return turned;
  }
  return crop;
}

}  // namespace ocrserve::ocr
