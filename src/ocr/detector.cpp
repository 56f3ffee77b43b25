#include "ocr/detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "ocr/db_postprocess.h"
#include "ocr/line_order.h"
#include "ocr/tensor.h"

namespace ocrserve::ocr {

cv::Size detector_input_size(int width, int height, const DetectorOptions& options) {
  double ratio = 1.0;
  const int short_side = std::min(width, height);
  const int long_side = std::max(width, height);
  if (options.limit_min) {
    if (short_side < options.limit_side_len) ratio = double(options.limit_side_len) / short_side;
  } else if (long_side > options.limit_side_len) {
    ratio = double(options.limit_side_len) / long_side;
  }
  if (long_side * ratio > options.max_side_len) ratio = double(options.max_side_len) / long_side;
  auto round32 = [](double v) { return std::max(32, static_cast<int>(std::round(v / 32)) * 32); };
  return {round32(static_cast<int>(width * ratio)), round32(static_cast<int>(height * ratio))};
}

Detector::Detector(OnnxModel model, DetectorOptions options)
    : model_(std::move(model)), options_(options) {}

Result<std::vector<Quad>> Detector::detect(const cv::Mat& bgr) const {
  const cv::Size size = detector_input_size(bgr.cols, bgr.rows, options_);
  cv::Mat resized;
  if (size == bgr.size()) {
    resized = bgr;
  } else {
    cv::resize(bgr, resized, size);
  }
  // White up to the shape bucket: right and bottom, where the map is cut off again.
  const int bucket = std::max(32, options_.size_bucket);
  const cv::Size padded((size.width + bucket - 1) / bucket * bucket,
                        (size.height + bucket - 1) / bucket * bucket);
  if (padded != size) {
    cv::copyMakeBorder(resized, resized, 0, padded.height - size.height, 0,
                       padded.width - size.width, cv::BORDER_CONSTANT, cv::Scalar::all(255));
  }
  std::vector<float> input(3 * static_cast<size_t>(padded.area()));
  write_chw(resized, input.data(), padded.width);
  auto output = model_.run(input.data(), {1, 3, padded.height, padded.width});
  if (!output) return output.error();
  const auto shape = output->GetTensorTypeAndShapeInfo().GetShape();
  if (shape.size() != 4 || shape[2] <= 0 || shape[3] <= 0) {
    return make_error("det model returned an unexpected output shape");
  }
  const int map_height = static_cast<int>(shape[2]);
  const int map_width = static_cast<int>(shape[3]);
  const float* map = output->GetTensorData<float>();
  // The part of the map that covers the page.
  const int page_width = map_width * size.width / padded.width;
  const int page_height = map_height * size.height / padded.height;
  std::vector<float> page_map;
  if (page_width != map_width || page_height != map_height) {
    page_map.resize(static_cast<size_t>(page_width) * static_cast<size_t>(page_height));
    for (int y = 0; y < page_height; ++y) {
      std::copy_n(map + static_cast<size_t>(y) * static_cast<size_t>(map_width), page_width,
                  page_map.begin() + static_cast<std::ptrdiff_t>(y) * page_width);
    }
    map = page_map.data();
  }
  std::vector<Quad> quads = db_boxes(map, page_width, page_height, bgr.cols, bgr.rows, options_);
  sort_lines(quads);
  return quads;
}

}  // namespace ocrserve::ocr
