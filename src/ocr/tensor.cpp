#include "ocr/tensor.h"

#include <algorithm>

namespace ocrserve::ocr {

void write_chw(const cv::Mat& bgr, float* dst, int padded_width) {
  const int rows = bgr.rows;
  const int cols = std::min(bgr.cols, padded_width);
  const size_t plane = static_cast<size_t>(rows) * static_cast<size_t>(padded_width);
  std::fill(dst, dst + 3 * plane, 0.0f);
  constexpr float kScale = 2.0f / 255.0f;
  for (int y = 0; y < rows; ++y) {
    const auto* src = bgr.ptr<cv::Vec3b>(y);
    float* c0 = dst + static_cast<size_t>(y) * static_cast<size_t>(padded_width);
    float* c1 = c0 + plane;
    float* c2 = c1 + plane;
    for (int x = 0; x < cols; ++x) {
      c0[x] = static_cast<float>(src[x][0]) * kScale - 1.0f;
      c1[x] = static_cast<float>(src[x][1]) * kScale - 1.0f;
      c2[x] = static_cast<float>(src[x][2]) * kScale - 1.0f;
    }
  }
}

}  // namespace ocrserve::ocr
