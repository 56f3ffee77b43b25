#include "ocr/classifier.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "ocr/tensor.h"

namespace ocrserve::ocr {

Classifier::Classifier(OnnxModel model, ClassifierOptions options)
    : model_(std::move(model)), options_(options) {}

Result<std::vector<size_t>> Classifier::upside_down_lines(const std::vector<cv::Mat>& crops,
                                                          const std::vector<size_t>& indices,
                                                          float min_score) const {
  const float thresh = min_score < 0 ? options_.thresh : min_score;
  const int h = options_.image_height;
  const int w = options_.image_width;
  const size_t plane = 3 * static_cast<size_t>(h) * static_cast<size_t>(w);
  std::vector<size_t> turned;
  for (size_t start = 0; start < indices.size(); start += static_cast<size_t>(options_.batch)) {
    const size_t n = std::min(indices.size() - start, static_cast<size_t>(options_.batch));
    std::vector<float> input(n * plane);
    for (size_t i = 0; i < n; ++i) {
      const cv::Mat& crop = crops[indices[start + i]];
      const double ratio = static_cast<double>(crop.cols) / crop.rows;
      const int width = std::clamp(static_cast<int>(std::ceil(h * ratio)), 1, w);
      cv::Mat resized;
      cv::resize(crop, resized, cv::Size(width, h));
      write_chw(resized, input.data() + i * plane, w);
    }
    auto output = model_.run(input.data(), {static_cast<int64_t>(n), 3, h, w});
    if (!output) return output.error();
    const float* scores = output->GetTensorData<float>();
    for (size_t i = 0; i < n; ++i) {
      const float p0 = scores[2 * i];
      const float p180 = scores[2 * i + 1];
      if (p180 > p0 && p180 > thresh) turned.push_back(indices[start + i]);
    }
  }
  return turned;
}

}  // namespace ocrserve::ocr
