// Text detection: PP-OCRv4 det model + DB post-processing. Internal to ocr/. detect() is
// thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "ocr/onnx_model.h"
#include "ocr/types.h"

namespace ocrserve::ocr {

// The model input size for a page: RapidOCR's limit_type min/max resize, sides multiples of 32.
cv::Size detector_input_size(int width, int height, const DetectorOptions& options);

class Detector {
 public:
  Detector(OnnxModel model, DetectorOptions options);
  // Text line quads in page pixels, in the detector's line order (sort_lines).
  Result<std::vector<Quad>> detect(const cv::Mat& bgr) const;

 private:
  OnnxModel model_;
  DetectorOptions options_;
};

}  // namespace ocrserve::ocr
