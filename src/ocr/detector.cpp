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
  std::vector<float> input(3 * static_cast<size_t>(size.area()));
  write_chw(resized, input.data(), size.width);
  auto output = model_.run(input.data(), {1, 3, size.height, size.width});
  if (!output) return output.error();
  const auto shape = output->GetTensorTypeAndShapeInfo().GetShape();
  if (shape.size() != 4 || shape[2] <= 0 || shape[3] <= 0) {
    return make_error("det model returned an unexpected output shape");
  }
  const int map_height = static_cast<int>(shape[2]);
  const int map_width = static_cast<int>(shape[3]);
  std::vector<Quad> quads =
      db_boxes(output->GetTensorData<float>(), map_width, map_height, bgr.cols, bgr.rows, options_);
  sort_lines(quads);
  return quads;
}

}  // namespace ocrserve::ocr
