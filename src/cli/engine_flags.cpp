#include "cli/engine_flags.h"

#include "cli/ocr_tuning_flags.h"

#include "ocr/ocr_engine.h"

namespace ocrserve::cli {

void add_engine_flags(CLI::App& app, EngineFlags& f) {
  auto& o = f.options;
  app.add_option("--device", f.device, "cpu, cuda or auto (CUDA when it loads, else CPU)")
      ->check(CLI::IsMember({"cpu", "cuda", "gpu", "auto"}))
      ->envname("OCRSERVE_DEVICE")
      ->capture_default_str();
  app.add_option("--device-id", o.device_id, "CUDA device index")->capture_default_str();
  app.add_option("--threads", o.threads, "CPU threads for OCR")
      ->check(CLI::Range(1, 256))
      ->envname("OCRSERVE_THREADS")
      ->capture_default_str();
  app.add_option("--models", f.models_dir, "folder with the PP-OCRv4 models")
      ->envname("OCRSERVE_MODELS_DIR");
  auto* gpu = app.add_option_group("GPU memory and speed");
  gpu->add_option("--gpu-arena-limit-mb", o.cuda.arena_limit_mib,
                  "hard cap on ONNX Runtime's CUDA memory arena, MiB (0 = none; the CUDA context "
                  "comes on top)")
      ->check(CLI::Range(0, 1 << 22))
      ->capture_default_str();
  gpu->add_option("--cudnn-conv-algo-search", o.cuda.conv_algo_search,
                  "cuDNN convolution algorithm search: heuristic, exhaustive or default")
      ->check(CLI::IsMember({"heuristic", "exhaustive", "default"}))
      ->capture_default_str();
  gpu->add_flag("!--no-shared-gpu-arena", o.cuda.shared_arena,
                "give det, cls and rec one CUDA arena each instead of one shared arena");
  add_ocr_tuning_flags(app, f.options, f.cls_mode);
}

Result<void> finish_engine_flags(EngineFlags& f) {
  auto device = ocr::parse_device(f.device);
  if (!device) return device.error();
  f.options.device = *device;
  f.options.cls.mode = f.cls_mode == "off"      ? ocr::ClassifierMode::kOff
                       : f.cls_mode == "always" ? ocr::ClassifierMode::kAlways
                                                : ocr::ClassifierMode::kAuto;
  if (f.models_dir.empty()) f.models_dir = ocr::default_models_dir();
  return ocr::validate(f.options);
}

}  // namespace ocrserve::cli
