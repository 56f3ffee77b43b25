// ocrserve-rec-calibration: the activation ranges for scripts/quantize-rec.
//
//   ocrserve-rec-calibration TAPS.onnx OUT.json IMAGE...
//
// Finds the text lines of each page image with the float models (OCRSERVE_MODELS_DIR), crops
// and scales them as the recognizer does (48 px high, width rounded up to 8 columns), runs
// TAPS.onnx (the recognizer with the tensors to calibrate as extra outputs, from
// `scripts/quantize-rec taps`) on each line and keeps every tap's minimum and maximum. Writes
// {"ranges": {tensor: [min, max]}, "lines": n, "images": [...]}.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "common/whole_file.h"
#include "ocr/ocr_engine.h"
#include "ocr/onnx_model.h"
#include "ocr/tensor.h"
#include "ocr/text_crop.h"
#include "testkit/image_io.h"

using namespace ocrserve;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: ocrserve-rec-calibration TAPS.onnx OUT.json IMAGE...\n";
    return 2;
  }
  auto models = ocr::ModelBundle::load(ocr::ModelPaths::in_dir(ocr::default_models_dir()));
  if (!models) {
    std::cerr << models.error().message << "\n";
    return 1;
  }
  ocr::EngineOptions options;
  options.device = ocr::Device::kCpu;
  options.threads = 2;
  auto engine = ocr::OcrEngine::create(*models, options);
  if (!engine) {
    std::cerr << engine.error().message << "\n";
    return 1;
  }
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(2);
  Ort::Session taps(ocr::ort_env(), argv[1], so);
  std::vector<std::string> names;
  Ort::AllocatorWithDefaultOptions alloc;
  for (size_t i = 1; i < taps.GetOutputCount(); ++i) {
    names.push_back(taps.GetOutputNameAllocated(i, alloc).get());
  }
  const std::string input_name = taps.GetInputNameAllocated(0, alloc).get();
  std::vector<const char*> out_names;
  for (const auto& n : names) out_names.push_back(n.c_str());
  const char* in_names[] = {input_name.c_str()};
  std::map<std::string, std::pair<float, float>> ranges;
  for (const auto& n : names) {
    ranges[n] = {std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest()};
  }
  auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  size_t lines = 0;
  nlohmann::json images = nlohmann::json::array();
  for (int a = 3; a < argc; ++a) {
    auto page = testkit::read_image(argv[a]);
    if (!page) {
      std::cerr << "cannot read " << argv[a] << "\n";
      return 1;
    }
    Image image{page->width, page->height, page->rgb};
    auto ocr = (*engine)->recognize(image);
    if (!ocr) {
      std::cerr << argv[a] << ": " << ocr.error().message << "\n";
      return 1;
    }
    const cv::Mat rgb(image.height, image.width, CV_8UC3, image.rgb.data());
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    for (const auto& line : ocr->lines) {
      cv::Mat crop = ocr::crop_text_line(bgr, line.quad);
      if (crop.empty()) continue;
      const int h = 48;
      const int w = std::max(1, int(std::ceil(h * double(crop.cols) / std::max(1, crop.rows))));
      const int padded = (w + 7) / 8 * 8;
      cv::Mat resized;
      cv::resize(crop, resized, cv::Size(w, h));
      std::vector<float> input(3 * size_t(h) * padded);
      ocr::write_chw(resized, input.data(), padded);
      const int64_t shape[] = {1, 3, h, padded};
      Ort::Value in = Ort::Value::CreateTensor<float>(memory, input.data(), input.size(), shape, 4);
      auto outs =
          taps.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names.data(), out_names.size());
      for (size_t i = 0; i < outs.size(); ++i) {
        const float* d = outs[i].GetTensorData<float>();
        const size_t n = outs[i].GetTensorTypeAndShapeInfo().GetElementCount();
        auto [lo, hi] = std::minmax_element(d, d + n);
        auto& r = ranges[names[i]];
        r.first = std::min(r.first, *lo);
        r.second = std::max(r.second, *hi);
      }
      ++lines;
    }
    images.push_back(std::string(argv[a]).substr(std::string(argv[a]).rfind('/') + 1));
    std::cerr << argv[a] << ": " << ocr->lines.size() << " lines\n";
  }
  nlohmann::json out{{"ranges", nlohmann::json::object()}, {"lines", lines}, {"images", images}};
  for (const auto& [n, r] : ranges) out["ranges"][n] = {r.first, r.second};
  std::ofstream(argv[2]) << out.dump(1) << "\n";
  std::cerr << "ranges of " << names.size() << " tensors from " << lines << " lines\n";
  return 0;
}
