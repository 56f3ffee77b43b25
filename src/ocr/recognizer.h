// Text recognition: PP-OCRv4 rec model + CTC decoding. Internal to ocr/. recognize() is
// thread-safe and may itself run batches on several threads.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "ocr/ctc_decoder.h"
#include "ocr/onnx_model.h"

namespace ocrserve::ocr {

class Recognizer {
 public:
  Recognizer(OnnxModel model, CtcDecoder decoder, RecognizerOptions options);

  // One result per crop, in the crops' order. Crops are grouped into batches of similar width;
  // with threads > 1, batches run concurrently.
  Result<std::vector<DecodedText>> recognize(const std::vector<cv::Mat>& crops, int threads) const;

 private:
  Result<void> run_batch(const std::vector<cv::Mat>& crops, const std::vector<size_t>& order,
                         size_t begin, size_t end, std::vector<DecodedText>& out) const;

  OnnxModel model_;
  CtcDecoder decoder_;
  RecognizerOptions options_;
};

}  // namespace ocrserve::ocr
