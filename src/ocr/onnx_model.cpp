#include "ocr/onnx_model.h"

namespace ocrserve::ocr {

namespace {
std::atomic<int> g_sessions_created{0};
}

Ort::Env& ort_env() {
  static Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "ocrserve");
  return env;
}

int onnx_sessions_created() { return g_sessions_created.load(); }

OnnxModel::OnnxModel(Ort::Session session, std::string name)
    : session_(std::move(session)),
      name_(std::move(name)),
      memory_info_(Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault)) {
  Ort::AllocatorWithDefaultOptions allocator;
  input_name_ = session_.GetInputNameAllocated(0, allocator).get();
  output_name_ = session_.GetOutputNameAllocated(0, allocator).get();
}

Result<OnnxModel> OnnxModel::create(const std::vector<char>& model, const SessionConfig& config,
                                    const std::string& name) {
  try {
    Ort::Env& env = ort_env();  // before any provider is appended: providers log through it
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(config.intra_op_threads);
    options.SetInterOpNumThreads(1);
    options.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    if (config.device == Device::kCuda) {
      OrtCUDAProviderOptions cuda{};
      cuda.device_id = config.device_id;
      cuda.cudnn_conv_algo_search = OrtCudnnConvAlgoSearchDefault;
      cuda.arena_extend_strategy = 1;  // kSameAsRequested
      cuda.do_copy_in_default_stream = 1;
      options.AppendExecutionProvider_CUDA(cuda);
    }
    Ort::Session session(env, model.data(), model.size(), options);
    ++g_sessions_created;
    return OnnxModel(std::move(session), name);
  } catch (const Ort::Exception& e) {
    return make_error(name + " model: " + e.what());
  }
}

Result<Ort::Value> OnnxModel::run(float* input, const std::vector<int64_t>& shape) const {
  size_t count = 1;
  for (int64_t d : shape) count *= static_cast<size_t>(d);
  try {
    Ort::Value tensor =
        Ort::Value::CreateTensor<float>(memory_info_, input, count, shape.data(), shape.size());
    const char* in_names[] = {input_name_.c_str()};
    const char* out_names[] = {output_name_.c_str()};
    auto outputs = const_cast<Ort::Session&>(session_).Run(Ort::RunOptions{nullptr}, in_names,
                                                           &tensor, 1, out_names, 1);
    return std::move(outputs.front());
  } catch (const Ort::Exception& e) {
    return make_error(name_ + " model failed: " + e.what());
  }
}

}  // namespace ocrserve::ocr
