#include "ocr/options.h"

#include <filesystem>

namespace ocrserve::ocr {

Result<Device> parse_device(const std::string& name) {
  if (name == "cpu") return Device::kCpu;
  if (name == "cuda" || name == "gpu") return Device::kCuda;
  if (name == "auto") return Device::kAuto;
  return make_error("unknown device '" + name + "' (expected cpu, cuda or auto)");
}

const char* device_name(Device device) {
  switch (device) {
    case Device::kCpu:
      return "cpu";
    case Device::kCuda:
      return "cuda";
    case Device::kAuto:
      return "auto";
  }
  return "?";
}

namespace {
Result<void> require(bool condition, const char* what) {
  if (condition) return {};
  return make_error(std::string("invalid OCR option: ") + what);
}
}  // namespace

Result<void> validate(const EngineOptions& o) {
  for (auto r : {
           require(o.threads >= 1 && o.threads <= 256, "threads must be 1..256"),
           require(o.device_id >= 0, "device id must be >= 0"),
           require(o.det.limit_side_len >= 32, "det limit_side_len must be >= 32"),
           require(o.det.max_side_len >= 32, "det max_side_len must be >= 32"),
           require(o.det.thresh > 0 && o.det.thresh < 1, "det thresh must be in (0,1)"),
           require(o.det.box_thresh > 0 && o.det.box_thresh < 1, "det box_thresh must be in (0,1)"),
           require(o.det.max_candidates > 0, "det max_candidates must be > 0"),
           require(o.det.unclip_ratio > 0, "det unclip_ratio must be > 0"),
           require(o.cls.batch >= 1, "cls batch must be >= 1"),
           require(o.cls.thresh > 0 && o.cls.thresh <= 1, "cls thresh must be in (0,1]"),
           require(o.rec.batch >= 0, "rec batch must be >= 0 (0 = by device)"),
           require(o.rec.width_bucket >= 0 && o.rec.width_bucket % 8 == 0,
                   "rec width_bucket must be a multiple of 8 (0 = by device)"),
           require(o.det.size_bucket >= 0 && o.det.size_bucket % 32 == 0,
                   "det size_bucket must be a multiple of 32 (0 = by device)"),
           require(o.pages_per_run >= 0 && o.pages_per_run <= 64,
                   "pages_per_run must be 0..64 (0 = by device)"),
           require(o.warmup >= -1 && o.warmup <= 1, "warmup must be -1, 0 or 1"),
           require(o.rec.image_height == 48, "rec image_height must be 48 for PP-OCRv4"),
           require(o.rec.width_scale >= 0.25f && o.rec.width_scale <= 4,
                   "rec width_scale must be 0.25..4"),
           require(o.rec.min_width >= 8, "rec min_width must be >= 8"),
           require(o.rec.text_score >= 0 && o.rec.text_score <= 1, "rec text_score must be 0..1"),
           require(o.rec.space_threshold >= 0 && o.rec.space_threshold < 1,
                   "rec space_threshold must be in [0,1)"),
           require(o.rec.word_list == "off" || o.rec.word_list == kDefaultWordList ||
                       std::filesystem::is_regular_file(o.rec.word_list),
                   "rec word_list must be a readable file or \"off\""),
       }) {
    if (!r) return r;
  }
  return {};
}

}  // namespace ocrserve::ocr
