#include "ocr/recognizer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <numeric>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <thread>

#include "ocr/tensor.h"

namespace ocrserve::ocr {

Recognizer::Recognizer(OnnxModel model, CtcDecoder decoder, RecognizerOptions options)
    : model_(std::move(model)), decoder_(std::move(decoder)), options_(options) {}

namespace {
double aspect(const cv::Mat& m) { return static_cast<double>(m.cols) / std::max(1, m.rows); }
}  // namespace

Result<void> Recognizer::run_batch(const std::vector<cv::Mat>& crops,
                                   const std::vector<size_t>& order, size_t begin, size_t end,
                                   std::vector<DecodedText>& out) const {
  const int h = options_.image_height;
  double max_ratio = options_.pad_to_min_width ? double(options_.min_width) / h : 0.0;
  const double squeeze = options_.width_scale;
  for (size_t i = begin; i < end; ++i) {
    max_ratio = std::max(max_ratio, aspect(crops[order[i]]) * squeeze);
  }
  // Widths are rounded up to the bucket (at least the model's stride, 8 columns per CTC step).
  const int bucket = std::max(8, options_.width_bucket);
  const int width =
      std::max(bucket, (static_cast<int>(std::ceil(h * max_ratio)) + bucket - 1) / bucket * bucket);
  const size_t plane = 3 * static_cast<size_t>(h) * static_cast<size_t>(width);
  const size_t n = end - begin;
  // Blank lines fill the batch when asked (one input shape per width on CUDA); their results
  // are not read.
  const size_t rows = options_.fill_batches ? std::max(n, size_t(options_.batch)) : n;
  std::vector<float> input(rows * plane, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    const cv::Mat& crop = crops[order[begin + i]];
    const int resized_width =
        std::clamp(static_cast<int>(std::ceil(h * aspect(crop) * squeeze)), 1, width);
    cv::Mat resized;
    cv::resize(crop, resized, cv::Size(resized_width, h));
    write_chw(resized, input.data() + i * plane, width);
  }
  auto output = model_.run(input.data(), {static_cast<int64_t>(rows), 3, h, width});
  if (!output) return output.error();
  const auto shape = output->GetTensorTypeAndShapeInfo().GetShape();
  if (shape.size() != 3 || shape[0] != static_cast<int64_t>(rows) ||
      shape[2] != static_cast<int64_t>(decoder_.size())) {
    return make_error("rec model output does not match the dictionary (" +
                      std::to_string(decoder_.size()) + " classes)");
  }
  const int steps = static_cast<int>(shape[1]);
  const int classes = static_cast<int>(shape[2]);
  const float* data = output->GetTensorData<float>();
  for (size_t i = 0; i < n; ++i) {
    out[order[begin + i]] =
        decoder_.decode(data + i * static_cast<size_t>(steps) * static_cast<size_t>(classes), steps,
                        classes, options_.space_threshold);
  }
  return {};
}

Result<std::vector<DecodedText>> Recognizer::recognize(const std::vector<cv::Mat>& crops,
                                                       int threads) const {
  std::vector<DecodedText> out(crops.size());
  std::vector<size_t> order(crops.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return aspect(crops[a]) < aspect(crops[b]); });
  const size_t batch = static_cast<size_t>(options_.batch);
  const size_t batches = (order.size() + batch - 1) / batch;

  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  auto work = [&] {
    for (size_t b = next++; b < batches; b = next++) {
      // Widest batches first, so that the threads finish together.
      const size_t index = batches - 1 - b;
      const size_t begin = index * batch;
      auto r = run_batch(crops, order, begin, std::min(order.size(), begin + batch), out);
      if (!r) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = r.error();
      }
    }
  };
  const int workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(threads), batches));
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (int i = 0; i < workers; ++i) pool.emplace_back(work);
  }
  if (first_error) return *first_error;
  return out;
}

}  // namespace ocrserve::ocr
