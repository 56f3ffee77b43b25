#include "ocr/onnx_model.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>

namespace ocrserve::ocr {

namespace {

std::atomic<int> g_sessions_created{0};

OrtCudnnConvAlgoSearch conv_algo_search(const std::string& name) {
  if (name == "exhaustive") return OrtCudnnConvAlgoSearchExhaustive;
  if (name == "default") return OrtCudnnConvAlgoSearchDefault;
  return OrtCudnnConvAlgoSearchHeuristic;
}

OrtCUDAProviderOptions cuda_provider_options(const SessionConfig& config) {
  OrtCUDAProviderOptions cuda{};
  cuda.device_id = config.device_id;
  cuda.cudnn_conv_algo_search = conv_algo_search(config.cuda.conv_algo_search);
  cuda.arena_extend_strategy = 1;  // kSameAsRequested: the arena grows by what is asked, no more
  cuda.do_copy_in_default_stream = 1;
  if (config.cuda.arena_limit_mib > 0) {
    cuda.gpu_mem_limit = size_t(config.cuda.arena_limit_mib) << 20;
  }
  return cuda;
}

// One CUDA arena for every session of this process (det, cls and rec), registered on the
// environment once per device. False when ONNX Runtime refuses it: the sessions then keep their
// own arenas.
bool share_cuda_arena(const SessionConfig& config) {
  static std::mutex mutex;
  static std::map<int, bool> registered;
  std::lock_guard lock(mutex);
  if (auto it = registered.find(config.device_id); it != registered.end()) return it->second;
  bool ok = false;
  try {
    Ort::MemoryInfo info("Cuda", OrtDeviceAllocator, config.device_id, OrtMemTypeDefault);
    std::unordered_map<std::string, std::string> options{
        {"device_id", std::to_string(config.device_id)},
        {"arena_extend_strategy", "kSameAsRequested"}};
    if (config.cuda.arena_limit_mib > 0) {
      options["gpu_mem_limit"] = std::to_string(size_t(config.cuda.arena_limit_mib) << 20);
    }
    ort_env().CreateAndRegisterAllocatorV2("CUDAExecutionProvider", info, options, nullptr);
    ok = true;
  } catch (const Ort::Exception& e) {
    std::fprintf(stderr, "ocrserve: one CUDA arena per session (a shared one was refused: %s)\n",
                 e.what());
  }
  registered[config.device_id] = ok;
  return ok;
}

}  // namespace

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

Result<OnnxModel> OnnxModel::create(const std::string& model, const SessionConfig& config,
                                    const std::string& name) {
  try {
    Ort::Env& env = ort_env();  // before any provider is appended: providers log through it
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(config.intra_op_threads);
    options.SetInterOpNumThreads(1);
    options.SetExecutionMode(ExecutionMode::ORT_SEQUENTIAL);
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    // Per-node timings as JSON (<prefix>-<model>_<date>.json), written when the session ends.
    if (const char* prefix = std::getenv("OCRSERVE_ORT_PROFILE"); prefix && *prefix) {
      options.EnableProfiling((std::string(prefix) + "-" + name).c_str());
    }
    if (config.device == Device::kCuda) {
      options.AppendExecutionProvider_CUDA(cuda_provider_options(config));
      if (config.cuda.shared_arena && share_cuda_arena(config)) {
        options.AddConfigEntry("session.use_env_allocators", "1");
      }
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
