// Every parameter of the PP-OCRv4 pipeline, with RapidOCR v1.4.4's defaults unless a comment says
// why ocrserve differs. Validated by validate() before an engine is built.
#pragma once

#include <string>

#include "common/result.h"

namespace ocrserve::ocr {

enum class Device { kCpu, kCuda, kAuto };

Result<Device> parse_device(const std::string& name);
const char* device_name(Device device);

struct DetectorOptions {
  // RapidOCR resizes so that the short side is at least limit_side_len ("min") and the long side
  // at most max_side_len, each side rounded to a multiple of 32.
  bool limit_min = true;  // limit_type: true = "min", false = "max"
  int limit_side_len = 736;
  // RapidOCR: 2000. ocrserve: 1024, measured on 150-dpi pages rendered here (8-14 pt): word F1
  // 0.9950 vs 0.9923 at 2000, det 0.30 s vs 0.95 s per page at 1 thread. On 28 real manual
  // pages (bench/ocr-real-pages) 1600 reads small print and code fonts better (mean word F1
  // 0.9802 vs 0.9707 with today's word spaces), but at 1600 the detector splits a word in a
  // ruled table cell in two overlapping boxes ("Chee ese"): not the default until that is
  // handled; --det-max-side 1600 chooses it.
  int max_side_len = 1024;
  float thresh = 0.3f;      // pixel probability threshold
  float box_thresh = 0.5f;  // mean probability inside a box to keep it
  int max_candidates = 1000;
  float unclip_ratio = 1.6f;
  bool use_dilation = true;  // 2x2 dilation of the binary map
  // Input shape bucket, pixels (0 = by device: 32 on the CPU, 128 on CUDA). The resized page is
  // padded with white up to a multiple of this, so that pages of slightly different sizes give
  // the detector one input shape: each new shape costs CUDA a cuDNN plan and arena growth.
  int size_bucket = 0;
};

enum class ClassifierMode {
  kOff,     // never rotate lines
  kAlways,  // classify every line (RapidOCR's use_angle_cls=True)
  kAuto,    // classify one batch; classify the rest only when that batch had a turned line
};

struct ClassifierOptions {
  ClassifierMode mode = ClassifierMode::kAuto;
  int batch = 6;
  float thresh = 0.9f;  // rotate when the "180" score is above this
  int image_width = 192;
  int image_height = 48;
};

inline constexpr const char* kDefaultWordList = "/usr/share/dict/american-english";

struct RecognizerOptions {
  // Lines per model run; 0 = by device: 1 on the CPU (measured at 1 thread: 3.8 s/page with
  // batches of 1 vs 8.2 s with RapidOCR's 6, which pads and thrashes the cache), 6 on CUDA.
  int batch = 0;
  int image_height = 48;
  // RapidOCR pads every batch to at least 320 columns. ocrserve does not by default: on 28 real
  // manual pages (bench/ocr-real-pages) padding cost 6% more time for the same word F1 (0.9762
  // padded, 0.9764 not).
  int min_width = 320;
  bool pad_to_min_width = false;
  // Horizontal scale of each line after resizing to image_height: recognition time grows with
  // the width, and printed Latin text keeps several CTC frames per character at 1.0.
  float width_scale = 1.0f;
  // Batch widths are rounded up to a multiple of this (0 = by device: 8, the model's stride, on
  // the CPU; 160 on CUDA, where each new input shape costs a cuDNN plan). On CUDA every batch
  // is also filled up to `batch` lines with blank ones, for the same reason.
  int width_bucket = 0;
  bool fill_batches = false;  // always on CUDA
  float text_score = 0.5f;    // drop lines whose confidence is below this
  // Insert a word space between two ASCII characters where the space class' probability in
  // the CTC frames between them exceeded this (0 = never): the Chinese+English model often
  // drops spaces between English words, but its space probability still rises there.
  float space_threshold = 0.008f;
  // Words that rejoin a word a recovered space split ("st ream"), one per line (split_words.h):
  // Debian's wamerican by default (without it, only the page's own words), "off" for none.
  std::string word_list = kDefaultWordList;
  // On the CPU, run the recognizer whose pointwise convolutions are int8
  // (ch_PP-OCRv4_rec_infer.int8.onnx from scripts/quantize-rec) when the models folder has it:
  // on 28 real manual pages, the same word F1 in less time (docs/benchmarks/ocr-real-pages.md).
  // CUDA always runs the float model, and so does the CPU with other input shapes than its own
  // (--rec-batch above 1, --rec-width-bucket above 8, --rec-pad).
  bool int8 = true;
};

// How ONNX Runtime uses a GPU (ignored on the CPU).
struct CudaOptions {
  // The hard cap on what the sessions' memory arena may take, MiB (0 = no cap). The CUDA
  // context and cuDNN/cuBLAS handles come on top (about 500 MiB).
  int arena_limit_mib = 0;
  // cuDNN's convolution algorithm search: "heuristic" (cuDNN's pick, no trial runs),
  // "exhaustive" (tries every algorithm on each new input shape: slow first runs, more memory)
  // or "default" (the fixed default algorithm).
  std::string conv_algo_search = "heuristic";
  // det, cls and rec share one arena registered on the environment, instead of one each.
  bool shared_arena = true;
};

struct EngineOptions {
  Device device = Device::kAuto;
  int device_id = 0;
  CudaOptions cuda;
  int threads = 1;  // CPU threads for ONNX Runtime (intra-op) and for concurrent recognition
  // Pages a document's OCR takes at once (0 = by device: 1 on the CPU, 8 on CUDA): their lines
  // are recognised together, so that CUDA batches fill across pages.
  int pages_per_run = 0;
  // Run the detector and the recognizer once on blank inputs of the common shapes when the
  // engine is created, so that the first page does not pay for cuDNN plans and arena growth
  // (0 = by device: on CUDA only, 1 = always, -1 = never).
  int warmup = 0;
  DetectorOptions det;
  ClassifierOptions cls;
  RecognizerOptions rec;
};

// Checks ranges; the error names the offending parameter.
Result<void> validate(const EngineOptions& options);

}  // namespace ocrserve::ocr
