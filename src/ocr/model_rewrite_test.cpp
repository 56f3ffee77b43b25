// The models ocrserve runs (scripts/rewrite-models' output, when the build made it) against the
// published ones: every output value within 1e-4 on a rendered page, its first line and a
// 192x48 strip of it; and the int8 recognizer's text against the float one's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <opencv2/imgproc.hpp>
#include <string>

#include "ocr/ocr_engine.h"
#include "ocr/onnx_model.h"
#include "ocr/tensor.h"
#include "testkit/page_renderer.h"
#include "testkit/scan_effects.h"
#include "testkit/word_metrics.h"

namespace ocrserve::ocr {
namespace {

struct Input {
  std::vector<float> values;
  std::vector<int64_t> shape;
};

Input tensor_of(const cv::Mat& bgr) {
  Input in{std::vector<float>(3 * bgr.total()), {1, 3, bgr.rows, bgr.cols}};
  write_chw(bgr, in.values.data(), bgr.cols);
  return in;
}

std::vector<float> run(const std::string& model, Input in) {
  auto session = OnnxModel::create(model, SessionConfig{}, "model");
  EXPECT_TRUE(session.ok()) << session.error().message;
  if (!session.ok()) return {};
  auto out = session->run(in.values.data(), in.shape);
  EXPECT_TRUE(out.ok()) << out.error().message;
  if (!out.ok()) return {};
  const float* data = out->GetTensorData<float>();
  return {data, data + out->GetTensorTypeAndShapeInfo().GetElementCount()};
}

struct Inputs {
  cv::Mat page, line;  // BGR
};

const Inputs& inputs() {
  static const Inputs in = [] {
    testkit::PageSpec spec;
    spec.height_px = 400;
    auto page = testkit::render_text_page(spec, testkit::sample_words(7, 60));
    const cv::Mat rgb(page.height, page.width, CV_8UC3, page.rgb.data());
    Inputs made;
    cv::cvtColor(rgb, made.page, cv::COLOR_RGB2BGR);
    const auto& line = page.lines.front();
    const cv::Rect box(cv::Point(int(line.x0) - 4, int(line.y0) - 4),
                       cv::Point(int(line.x1) + 4, int(line.y1) + 4));
    made.line = made.page(box & cv::Rect(0, 0, page.width, page.height)).clone();
    return made;
  }();
  return in;
}

// The largest difference between the published and the used model's outputs on one input.
double max_difference(const std::string ModelBundle::*model, const Input& in) {
  static const auto published = ModelBundle::load(ModelPaths::in_dir(OCRSERVE_SOURCE_MODELS_DIR));
  static const auto used = ModelBundle::load(ModelPaths::in_dir(OCRSERVE_MODELS_DIR));
  EXPECT_TRUE(published.ok() && used.ok());
  if (!published.ok() || !used.ok()) return INFINITY;
  const auto a = run((**published).*model, in);
  const auto b = run((**used).*model, in);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_FALSE(a.empty());
  if (a.size() != b.size() || a.empty()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::abs(a[i] - b[i])));
  return worst;
}

TEST(ModelRewrite, DetectorMapsAgree) {
  cv::Mat resized;
  cv::resize(inputs().page, resized, cv::Size(640, 224));
  EXPECT_LE(max_difference(&ModelBundle::det, tensor_of(resized)), 1e-4);
}

TEST(ModelRewrite, RecognizerProbabilitiesAgree) {
  cv::Mat resized;
  const int width = std::max(8, inputs().line.cols * 48 / inputs().line.rows / 8 * 8);
  cv::resize(inputs().line, resized, cv::Size(width, 48));
  EXPECT_LE(max_difference(&ModelBundle::rec, tensor_of(resized)), 1e-4);
}

TEST(ModelRewrite, ClassifierScoresAgree) {
  cv::Mat resized;
  cv::resize(inputs().line, resized, cv::Size(192, 48));
  EXPECT_LE(max_difference(&ModelBundle::cls, tensor_of(resized)), 1e-4);
}

// The int8 recognizer the CPU runs (scripts/quantize-rec) reads what the float one reads: on a
// clean and a scan-like rendered page, its text against the float engine's and against the
// truth.
TEST(ModelRewrite, Int8RecognizerReadsTheSameText) {
  const auto used = ModelBundle::load(ModelPaths::in_dir(OCRSERVE_MODELS_DIR));
  ASSERT_TRUE(used.ok()) << used.error().message;
  if (std::string(OCRSERVE_MODELS_DIR) == OCRSERVE_SOURCE_MODELS_DIR) {
    GTEST_SKIP() << "the build runs the published models (no python3-onnx): no int8 recognizer";
  }
  ASSERT_FALSE((**used).rec_int8.empty()) << "the build wrote no int8 recognizer";
  EngineOptions options;
  options.device = Device::kCpu;
  options.threads = 2;
  options.rec.int8 = false;
  auto float_engine = OcrEngine::create(*used, options);
  options.rec.int8 = true;
  auto int8_engine = OcrEngine::create(*used, options);
  ASSERT_TRUE(float_engine.ok() && int8_engine.ok());
  testkit::PageSpec spec;
  spec.height_px = 700;
  const auto clean = testkit::render_text_page(spec, testkit::sample_words(11, 140));
  const auto scan = testkit::make_scan_like(clean, 0.8, 10, 70, 5);
  for (const auto* page : {&clean, &scan}) {
    const Image image{page->width, page->height, page->rgb};
    auto text_of = [&](const OcrEngine& engine) {
      auto ocr = engine.recognize(image);
      EXPECT_TRUE(ocr.ok());
      std::string text;
      if (ocr.ok()) {
        for (const auto& line : ocr->lines) text += line.text + "\n";
      }
      return text;
    };
    const std::string f = text_of(**float_engine), q = text_of(**int8_engine);
    const double same = testkit::word_f1(f, q).f1;
    const double truth = testkit::word_f1(clean.text(), q).f1;
    std::cout << "[ int8 ] " << (page == &clean ? "clean" : "scan-like") << ": F1 against float "
              << same << ", against the truth " << truth
              << " (float: " << testkit::word_f1(clean.text(), f).f1 << ")\n";
    EXPECT_GE(same, 0.97);
    EXPECT_GE(truth, 0.97);
  }
}

}  // namespace
}  // namespace ocrserve::ocr
