// Text line direction: the PP-OCR mobile v2 classifier (0 or 180 degrees). Internal to ocr/.
// upside_down_lines() is thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "ocr/onnx_model.h"

namespace ocrserve::ocr {

class Classifier {
 public:
  Classifier(OnnxModel model, ClassifierOptions options);

  // Classifies crops[indices...]; returns the indices read as "180" with a score above
  // min_score (the configured thresh when negative).
  // The model sees each line squeezed into 192x48, so long lines are often misread: callers
  // that can verify (by recognising both ways) should.
  Result<std::vector<size_t>> upside_down_lines(const std::vector<cv::Mat>& crops,
                                                const std::vector<size_t>& indices,
                                                float min_score = -1) const;

 private:
  OnnxModel model_;
  ClassifierOptions options_;
};

}  // namespace ocrserve::ocr
