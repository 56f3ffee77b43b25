#include "cli/engine_flags.h"

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
  auto* g = app.add_option_group("OCR tuning");
  g->add_option("--det-limit-side", o.det.limit_side_len, "detector: short side at least this")
      ->capture_default_str();
  g->add_option("--det-max-side", o.det.max_side_len, "detector: long side at most this")
      ->capture_default_str();
  g->add_option("--det-thresh", o.det.thresh, "detector pixel threshold")->capture_default_str();
  g->add_option("--det-box-thresh", o.det.box_thresh, "detector box score threshold")
      ->capture_default_str();
  g->add_option("--unclip-ratio", o.det.unclip_ratio, "detector box growth")->capture_default_str();
  g->add_option("--cls", f.cls_mode, "direction classifier: off, always, auto")
      ->check(CLI::IsMember({"off", "always", "auto"}))
      ->capture_default_str();
  g->add_option("--rec-batch", o.rec.batch, "lines per recognition run (0 = 1 on CPU, 6 on CUDA)")
      ->capture_default_str();
  g->add_option("--rec-min-width", o.rec.min_width, "pad recognition batches to this width")
      ->capture_default_str();
  g->add_option("--rec-width-scale", o.rec.width_scale, "horizontal scale of lines for recognition")
      ->capture_default_str();
  g->add_flag("!--no-rec-pad", o.rec.pad_to_min_width, "do not pad short lines to --rec-min-width");
  g->add_option("--text-score", o.rec.text_score, "drop lines below this confidence")
      ->capture_default_str();
  g->add_option("--space-threshold", o.rec.space_threshold,
                "insert a word space where the space probability between two characters exceeds "
                "this (0 = off)")
      ->capture_default_str();
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
