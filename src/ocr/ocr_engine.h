// The OCR engine: PP-OCRv4 det -> cls -> rec on ONNX Runtime.
//
// ModelBundle holds the model files' bytes and the dictionary: reading them is the slow part of
// start-up that needs no device, so a process can keep a bundle in memory (standby) and build an
// engine on the device only when work arrives.
//
// OcrEngine owns three ONNX Runtime sessions (one per model) on one device. It is immutable after
// create(); recognize() is thread-safe. Destroying it frees the sessions (and their arenas), but
// a CUDA context, once created, stays with the process until it exits.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "ocr/options.h"
#include "ocr/types.h"

namespace cv {
class Mat;
}

namespace ocrserve::ocr {

struct DecodedText;

struct ModelPaths {
  std::string det;
  std::string cls;
  std::string rec;
  std::string keys;
  std::string rec_int8;  // optional: the recognizer for the CPU with int8 convolutions

  // The PP-OCRv4 file names RapidOCR uses, inside dir (and ocrserve's int8 recognizer).
  static ModelPaths in_dir(const std::string& dir);
};

// How many ONNX Runtime sessions this process has created (3 per engine).
int onnx_sessions_created();

// Where the models are: $OCRSERVE_MODELS_DIR, else the folder fixed at build time.
std::string default_models_dir();

struct ModelBundle {
  std::string det;  // the .onnx files' bytes
  std::string cls;
  std::string rec;
  std::string keys;
  std::string rec_int8;  // empty when there is none

  static Result<std::shared_ptr<const ModelBundle>> load(const ModelPaths& paths);
};

class OcrEngine {
 public:
  // Creates the sessions. Device::kAuto tries CUDA and falls back to the CPU; kCuda without a
  // usable GPU is an error naming what is missing.
  static Result<std::unique_ptr<OcrEngine>> create(std::shared_ptr<const ModelBundle> models,
                                                   const EngineOptions& options);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  Result<PageOcr> recognize(const Image& page) const;
  // Several pages at once: each page's lines are found, then the lines of all the pages are
  // recognised together (batches fill across pages on CUDA, threads share the work on the CPU).
  // One result per page, in order; the same text as recognize() on each page alone.
  Result<std::vector<PageOcr>> recognize_pages(const std::vector<const Image*>& pages) const;
  // Runs the models once on the common input shapes (EngineOptions::warmup).
  Result<void> warm_up() const;

  // The device the sessions run on (kCpu or kCuda), and why when auto fell back to the CPU.
  Device device() const;
  const std::string& fallback_reason() const;
  const EngineOptions& options() const;

 private:
  struct Impl;
  explicit OcrEngine(std::unique_ptr<Impl> impl);
  Result<std::vector<size_t>> turn_verified_lines(std::vector<cv::Mat>& crops,
                                                  std::vector<DecodedText>& texts,
                                                  int threads) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocrserve::ocr
