// The models ocrserve runs (scripts/rewrite-models' output, when the build made it) against the
// published ones: every output value within 1e-4 on a rendered page, its first line and a
// 192x48 strip of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>

#include "ocr/ocr_engine.h"
#include "ocr/onnx_model.h"
#include "ocr/tensor.h"
#include "testkit/page_renderer.h"

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

}  // namespace
}  // namespace ocrserve::ocr
