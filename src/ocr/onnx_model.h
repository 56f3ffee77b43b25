// One ONNX model on one execution provider: the process-wide Ort::Env, session creation with the
// CPU or CUDA provider, and a single-input single-output Run. Internal to ocr/.
// Thread safety: run() may be called from several threads at once (ONNX Runtime's Run is).
#pragma once

#include <onnxruntime_cxx_api.h>

#include <atomic>
#include <string>
#include <vector>

#include "common/result.h"
#include "ocr/options.h"

namespace ocrserve::ocr {

struct SessionConfig {
  Device device = Device::kCpu;  // kCpu or kCuda (kAuto is resolved by the engine)
  int device_id = 0;
  int intra_op_threads = 1;
  CudaOptions cuda;
};

// The one Ort::Env of this process, created on first use.
Ort::Env& ort_env();

// How many ONNX Runtime sessions this process has created (for tests and telemetry).
int onnx_sessions_created();

class OnnxModel {
 public:
  // model: the .onnx file's bytes (kept by the caller only until this returns).
  static Result<OnnxModel> create(const std::string& model, const SessionConfig& config,
                                  const std::string& name);

  // Runs the model on a float32 NCHW tensor over memory the caller owns; returns the output
  // tensor and its shape.
  Result<Ort::Value> run(float* input, const std::vector<int64_t>& shape) const;

  OnnxModel(OnnxModel&&) = default;
  OnnxModel& operator=(OnnxModel&&) = default;

 private:
  OnnxModel(Ort::Session session, std::string name);

  Ort::Session session_;
  std::string name_;
  std::string input_name_;
  std::string output_name_;
  Ort::MemoryInfo memory_info_;
};

}  // namespace ocrserve::ocr
