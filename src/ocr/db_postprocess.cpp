#include "ocr/db_postprocess.h"

#include <polyclipping/clipper.hpp>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace ocrserve::ocr {

Quad min_area_quad(const std::vector<Point>& points, float* short_side) {
  std::vector<cv::Point2f> cv_points;
  cv_points.reserve(points.size());
  for (const auto& p : points) cv_points.emplace_back(p.x, p.y);
  const cv::RotatedRect rect = cv::minAreaRect(cv_points);
  std::array<cv::Point2f, 4> corners;
  rect.points(corners.data());
  std::sort(corners.begin(), corners.end(),
            [](const cv::Point2f& a, const cv::Point2f& b) { return a.x < b.x; });
  // Of the two leftmost points, the upper is top-left; of the two rightmost, top-right.
  const int tl = corners[1].y > corners[0].y ? 0 : 1;
  const int bl = 1 - tl;
  const int tr = corners[3].y > corners[2].y ? 2 : 3;
  const int br = 5 - tr;
  if (short_side) *short_side = std::min(rect.size.width, rect.size.height);
  auto to_point = [](const cv::Point2f& p) { return Point{p.x, p.y}; };
  return {to_point(corners[tl]), to_point(corners[tr]), to_point(corners[br]),
          to_point(corners[bl])};
}

float box_score(const float* prob, int map_width, int map_height, const Quad& quad) {
  float min_x = quad[0].x, max_x = quad[0].x, min_y = quad[0].y, max_y = quad[0].y;
  for (const auto& p : quad) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  const int x0 = std::clamp(static_cast<int>(std::floor(min_x)), 0, map_width - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(max_x)), 0, map_width - 1);
  const int y0 = std::clamp(static_cast<int>(std::floor(min_y)), 0, map_height - 1);
  const int y1 = std::clamp(static_cast<int>(std::ceil(max_y)), 0, map_height - 1);
  cv::Mat mask = cv::Mat::zeros(y1 - y0 + 1, x1 - x0 + 1, CV_8UC1);
  std::vector<cv::Point> poly;
  for (const auto& p : quad) {
    poly.emplace_back(static_cast<int>(p.x - static_cast<float>(x0)),
                      static_cast<int>(p.y - static_cast<float>(y0)));
  }
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(1));
  const cv::Mat map(map_height, map_width, CV_32FC1, const_cast<float*>(prob));
  return static_cast<float>(cv::mean(map(cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1)), mask)[0]);
}

std::vector<Point> unclip(const Quad& quad, float ratio) {
  double area = 0;
  double perimeter = 0;
  for (size_t i = 0; i < 4; ++i) {
    const Point& a = quad[i];
    const Point& b = quad[(i + 1) % 4];
    area += static_cast<double>(a.x) * b.y - static_cast<double>(b.x) * a.y;
    perimeter += std::hypot(static_cast<double>(b.x - a.x), static_cast<double>(b.y - a.y));
  }
  area = std::abs(area) / 2;
  if (perimeter <= 0) return {quad.begin(), quad.end()};
  const double distance = area * ratio / perimeter;

  ClipperLib::Path path;
  for (const auto& p : quad) {
    path.emplace_back(static_cast<ClipperLib::cInt>(std::lround(p.x)),
                      static_cast<ClipperLib::cInt>(std::lround(p.y)));
  }
  ClipperLib::ClipperOffset offset;
  offset.AddPath(path, ClipperLib::jtRound, ClipperLib::etClosedPolygon);
  ClipperLib::Paths grown;
  offset.Execute(grown, distance);
  std::vector<Point> out;
  if (grown.empty()) return out;
  // Several paths only for degenerate input: keep the largest.
  const auto& best =
      *std::max_element(grown.begin(), grown.end(), [](const auto& a, const auto& b) {
        return std::abs(ClipperLib::Area(a)) < std::abs(ClipperLib::Area(b));
      });
  for (const auto& p : best) out.push_back({static_cast<float>(p.X), static_cast<float>(p.Y)});
  return out;
}

std::vector<Quad> db_boxes(const float* prob, int map_width, int map_height, int dest_width,
                           int dest_height, const DetectorOptions& options) {
  const cv::Mat map(map_height, map_width, CV_32FC1, const_cast<float*>(prob));
  cv::Mat bitmap;
  cv::threshold(map, bitmap, options.thresh, 255, cv::THRESH_BINARY);
  bitmap.convertTo(bitmap, CV_8UC1);
  if (options.use_dilation) {
    cv::dilate(bitmap, bitmap, cv::Mat::ones(2, 2, CV_8UC1));
  }
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);

  const size_t count = std::min(contours.size(), static_cast<size_t>(options.max_candidates));
  const float sx = static_cast<float>(dest_width) / static_cast<float>(map_width);
  const float sy = static_cast<float>(dest_height) / static_cast<float>(map_height);
  std::vector<Quad> boxes;
  for (size_t i = 0; i < count; ++i) {
    std::vector<Point> points;
    points.reserve(contours[i].size());
    for (const auto& p : contours[i]) {
      points.push_back({static_cast<float>(p.x), static_cast<float>(p.y)});
    }
    float short_side = 0;
    const Quad quad = min_area_quad(points, &short_side);
    if (short_side < 3) continue;
    if (box_score(prob, map_width, map_height, quad) < options.box_thresh) continue;
    const std::vector<Point> grown = unclip(quad, options.unclip_ratio);
    if (grown.size() < 3) continue;
    Quad box = min_area_quad(grown, &short_side);
    if (short_side < 5) continue;
    for (auto& p : box) {
      p.x = std::clamp(std::round(p.x * sx), 0.0f, static_cast<float>(dest_width));
      p.y = std::clamp(std::round(p.y * sy), 0.0f, static_cast<float>(dest_height));
    }
    const float w = std::hypot(box[1].x - box[0].x, box[1].y - box[0].y);
    const float h = std::hypot(box[3].x - box[0].x, box[3].y - box[0].y);
    if (w <= 3 || h <= 3) continue;
    boxes.push_back(box);
  }
  return boxes;
}

}  // namespace ocrserve::ocr
