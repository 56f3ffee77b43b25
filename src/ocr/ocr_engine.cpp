#include "ocr/ocr_engine.h"

#include <dlfcn.h>
#include <algorithm>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "common/whole_file.h"
#include "ocr/classifier.h"
#include "ocr/detector.h"
#include "ocr/recognizer.h"
#include "ocr/split_words.h"
#include "ocr/text_crop.h"

#ifndef OCRSERVE_DEFAULT_MODELS_DIR
#define OCRSERVE_DEFAULT_MODELS_DIR "models"
#endif

namespace ocrserve::ocr {

ModelPaths ModelPaths::in_dir(const std::string& dir) {
  return {dir + "/ch_PP-OCRv4_det_infer.onnx", dir + "/ch_ppocr_mobile_v2.0_cls_infer.onnx",
          dir + "/ch_PP-OCRv4_rec_infer.onnx", dir + "/ppocr_keys_v1.txt",
          dir + "/ch_PP-OCRv4_rec_infer.int8.onnx"};
}

std::string default_models_dir() {
  const char* env = std::getenv("OCRSERVE_MODELS_DIR");
  return env && *env ? env : OCRSERVE_DEFAULT_MODELS_DIR;
}

namespace {

Result<std::string> read_model_file(const std::string& path) {
  auto bytes = read_whole_file(path);
  if (!bytes) return make_error("cannot read model file " + path + ": " + bytes.error().message);
  if (bytes->empty()) return make_error("model file is empty: " + path);
  return bytes;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

Result<std::shared_ptr<const ModelBundle>> ModelBundle::load(const ModelPaths& paths) {
  auto bundle = std::make_shared<ModelBundle>();
  for (auto [path, dest] :
       {std::pair{&paths.det, &bundle->det}, std::pair{&paths.cls, &bundle->cls},
        std::pair{&paths.rec, &bundle->rec}}) {
    auto bytes = read_model_file(*path);
    if (!bytes) return bytes.error();
    *dest = std::move(bytes).value();
  }
  auto keys = read_model_file(paths.keys);
  if (!keys) return keys.error();
  bundle->keys.assign(keys->begin(), keys->end());
  if (!paths.rec_int8.empty() && std::filesystem::exists(paths.rec_int8)) {
    auto int8 = read_model_file(paths.rec_int8);
    if (!int8) return int8.error();
    bundle->rec_int8 = std::move(int8).value();
  }
  return std::shared_ptr<const ModelBundle>(std::move(bundle));
}

struct OcrEngine::Impl {
  EngineOptions options;
  Device device;
  std::string fallback_reason;
  Detector detector;
  Classifier classifier;
  Recognizer recognizer;
  std::optional<WordList> words;  // none when rejoining split words is off
};

OcrEngine::OcrEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OcrEngine::~OcrEngine() = default;
Device OcrEngine::device() const { return impl_->device; }
const std::string& OcrEngine::fallback_reason() const { return impl_->fallback_reason; }
const EngineOptions& OcrEngine::options() const { return impl_->options; }

namespace {

struct Sessions {
  OnnxModel det, cls, rec;
};

Result<Sessions> create_sessions(const ModelBundle& models, const EngineOptions& options,
                                 Device device) {
  SessionConfig config{device, options.device_id, options.threads, options.cuda};
  auto det = OnnxModel::create(models.det, config, "det");
  if (!det) return det.error();
  auto cls = OnnxModel::create(models.cls, config, "cls");
  if (!cls) return cls.error();
  // Recognition runs batches on several threads at once, each Run single-threaded.
  SessionConfig rec_config = config;
  if (device == Device::kCpu) rec_config.intra_op_threads = 1;
  // Int8 with the CPU's own input shapes only (one line per run, widths rounded to 8 columns):
  // its activation ranges were measured on those, and wide padding or blank lines in a batch
  // fall outside them.
  const RecognizerOptions& r = options.rec;
  const bool int8 = device == Device::kCpu && r.int8 && !models.rec_int8.empty() && r.batch <= 1 &&
                    r.width_bucket <= 8 && !r.fill_batches && !r.pad_to_min_width;
  auto rec =
      OnnxModel::create(int8 ? models.rec_int8 : models.rec, rec_config, int8 ? "rec-int8" : "rec");
  if (!rec) return rec.error();
  return Sessions{std::move(det).value(), std::move(cls).value(), std::move(rec).value()};
}

// Why CUDA cannot work here, found without asking ONNX Runtime (which logs loudly when its CUDA
// provider fails to load); empty when it may work.
std::string cuda_precheck() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&OrtGetApiBase), &info) != 0 && info.dli_fname) {
    const auto dir = std::filesystem::path(info.dli_fname).parent_path();
    if (!std::filesystem::exists(dir / "libonnxruntime_providers_cuda.so")) {
      return "the ONNX Runtime CUDA provider is not installed (run OCRSERVE_WITH_CUDA=1 "
             "scripts/bootstrap)";
    }
  }
  void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!driver) return "no NVIDIA driver on this machine (libcuda.so.1 not found)";
  dlclose(driver);
  return "";
}

std::string cuda_error_hint(const std::string& message) {
  std::string hint = "CUDA is not usable: " + message;
  if (message.find("libcuda.so") != std::string::npos) {
    hint += " (no NVIDIA driver on this machine)";
  } else if (message.find("providers_cuda") != std::string::npos) {
    hint +=
        " (the ONNX Runtime CUDA provider is not installed: run OCRSERVE_WITH_CUDA=1 "
        "scripts/bootstrap)";
  } else if (message.find("libcublas") != std::string::npos ||
             message.find("libcudart") != std::string::npos ||
             message.find("libcudnn") != std::string::npos) {
    hint += " (CUDA 13 / cuDNN 9 libraries are missing from the library path)";
  }
  return hint;
}

}  // namespace

Result<std::unique_ptr<OcrEngine>> OcrEngine::create(std::shared_ptr<const ModelBundle> models,
                                                     const EngineOptions& options) {
  if (auto valid = validate(options); !valid) return valid.error();
  if (!models) return make_error("no models loaded");
  Device device = options.device == Device::kAuto ? Device::kCuda : options.device;
  std::string fallback_reason;
  if (device == Device::kCuda) {
    if (std::string why = cuda_precheck(); !why.empty()) {
      if (options.device == Device::kCuda) return make_error("CUDA is not usable: " + why);
      fallback_reason = "CUDA is not usable: " + why;
      device = Device::kCpu;
    }
  }
  auto sessions = create_sessions(*models, options, device);
  if (!sessions && options.device == Device::kAuto && device == Device::kCuda) {
    fallback_reason = cuda_error_hint(sessions.error().message);
    device = Device::kCpu;
    sessions = create_sessions(*models, options, device);
  }
  if (!sessions) {
    return make_error(device == Device::kCuda ? cuda_error_hint(sessions.error().message)
                                              : sessions.error().message);
  }
  std::optional<WordList> words;
  if (options.rec.word_list != "off") {
    auto list = WordList::load(options.rec.word_list);
    if (list) {
      words = std::move(list).value();
    } else if (options.rec.word_list == kDefaultWordList) {
      words = WordList();  // the page's own words only
    } else {
      return list.error();
    }
  }
  const bool cuda = device == Device::kCuda;
  EngineOptions resolved = options;
  if (resolved.rec.batch == 0) resolved.rec.batch = cuda ? 6 : 1;
  if (resolved.rec.width_bucket == 0) resolved.rec.width_bucket = cuda ? 160 : 8;
  resolved.rec.fill_batches = resolved.rec.fill_batches || cuda;
  if (resolved.det.size_bucket == 0) resolved.det.size_bucket = cuda ? 128 : 32;
  if (resolved.pages_per_run == 0) resolved.pages_per_run = cuda ? 8 : 1;
  auto impl = std::unique_ptr<Impl>(new Impl{
      resolved, device, fallback_reason, Detector(std::move(sessions->det), resolved.det),
      Classifier(std::move(sessions->cls), resolved.cls),
      Recognizer(std::move(sessions->rec), CtcDecoder::from_keys(models->keys), resolved.rec),
      std::move(words)});
  auto engine = std::unique_ptr<OcrEngine>(new OcrEngine(std::move(impl)));
  if (resolved.warmup == 1 || (resolved.warmup == 0 && cuda)) {
    if (auto warm = engine->warm_up(); !warm) return warm.error();
  }
  return engine;
}

// A blank US-letter and A4 page at 150 dpi (their detector shapes), and blank lines at the
// first recognition width buckets: the shapes most pages meet.
Result<void> OcrEngine::warm_up() const {
  for (cv::Size page : {cv::Size(1275, 1650), cv::Size(1240, 1754)}) {
    const cv::Mat white(page, CV_8UC3, cv::Scalar::all(255));
    if (auto r = impl_->detector.detect(white); !r) return r.error();
  }
  std::vector<cv::Mat> lines;
  const int bucket = impl_->options.rec.width_bucket;
  for (int width = bucket; width <= 1280; width += std::max(bucket, 160)) {
    lines.emplace_back(48, width, CV_8UC3, cv::Scalar::all(255));
  }
  auto texts = impl_->recognizer.recognize(lines, 1);
  if (!texts) return texts.error();
  return {};
}

namespace {
std::vector<size_t> all_indices(size_t n) {
  std::vector<size_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}
}  // namespace

// The classifier squeezes each line into 192x48 and misreads long lines, so in auto mode its
// "180" verdicts are checked: such a line is recognised both ways and the more confident
// reading wins. One batch of lines is classified first, those whose shape is closest to the
// classifier's 4:1 input (least squeezed, so most reliable); the rest only when one of those was
// truly upside down (an upright page then costs one classifier batch), and then leniently.
Result<std::vector<size_t>> OcrEngine::turn_verified_lines(std::vector<cv::Mat>& crops,
                                                           std::vector<DecodedText>& texts,
                                                           int threads) const {
  const ClassifierOptions& o = impl_->options.cls;
  std::vector<size_t> probe = all_indices(crops.size());
  const double ideal = static_cast<double>(o.image_width) / o.image_height;
  auto squeeze = [&](size_t i) {
    return std::abs(static_cast<double>(crops[i].cols) / std::max(1, crops[i].rows) - ideal);
  };
  std::stable_sort(probe.begin(), probe.end(),
                   [&](size_t a, size_t b) { return squeeze(a) < squeeze(b); });
  std::vector<size_t> rest(probe.begin() + std::min(probe.size(), static_cast<size_t>(o.batch)),
                           probe.end());
  probe.resize(probe.size() - rest.size());

  std::vector<size_t> turned;
  auto check = [&](const std::vector<size_t>& indices, bool lenient) -> Result<void> {
    // Once a page is known to hold turned lines, any "180" verdict and any poorly read line
    // is worth a second reading.
    auto flagged = impl_->classifier.upside_down_lines(crops, indices, lenient ? 0.5f : -1.0f);
    if (!flagged) return flagged.error();
    if (lenient) {
      for (size_t i : indices) {
        if (texts[i].confidence < 0.9f &&
            std::find(flagged->begin(), flagged->end(), i) == flagged->end()) {
          flagged->push_back(i);
        }
      }
    }
    if (flagged->empty()) return {};
    std::vector<cv::Mat> rotated;
    for (size_t i : *flagged) {
      rotated.emplace_back();
      cv::rotate(crops[i], rotated.back(), cv::ROTATE_180);
    }
    auto reread = impl_->recognizer.recognize(rotated, threads);
    if (!reread) return reread.error();
    for (size_t k = 0; k < flagged->size(); ++k) {
      const size_t i = (*flagged)[k];
      if ((*reread)[k].confidence > texts[i].confidence) {
        texts[i] = std::move((*reread)[k]);
        crops[i] = rotated[k];
        turned.push_back(i);
      }
    }
    return {};
  };
  if (auto r = check(probe, false); !r) return r.error();
  if (!turned.empty()) {
    std::vector<size_t> others = rest;  // and the probed lines not turned yet
    for (size_t i : probe) {
      if (std::find(turned.begin(), turned.end(), i) == turned.end()) others.push_back(i);
    }
    if (auto r = check(others, true); !r) return r.error();
  }
  return turned;
}

namespace {

// One page on its way through the pipeline.
struct PageWork {
  std::vector<Quad> quads;
  std::vector<cv::Mat> crops;        // one per quad, upright as far as known
  std::vector<size_t> short_turned;  // turned as vertical text, but short enough to be a word
  std::vector<DecodedText> texts;    // one per crop
  std::vector<size_t> turned;        // lines read upside down
  PageOcr result;
};

// Runs the recognizer once over the given crops of every page, so that batches and threads
// fill across pages; hands each page its results. Returns the time it took.
template <typename CropsOf, typename Apply>
Result<double> recognize_across(const std::vector<PageWork*>& pages, const Recognizer& recognizer,
                                int threads, CropsOf crops_of, Apply apply) {
  std::vector<cv::Mat> all;
  std::vector<std::pair<PageWork*, size_t>> owner;  // page, index within its crops_of list
  for (PageWork* page : pages) {
    std::vector<cv::Mat> crops = crops_of(*page);
    for (size_t k = 0; k < crops.size(); ++k) {
      all.push_back(std::move(crops[k]));
      owner.emplace_back(page, k);
    }
  }
  if (all.empty()) return 0.0;
  const auto start = std::chrono::steady_clock::now();
  auto texts = recognizer.recognize(all, threads);
  if (!texts) return texts.error();
  for (size_t i = 0; i < all.size(); ++i) {
    apply(*owner[i].first, owner[i].second, std::move((*texts)[i]), std::move(all[i]));
  }
  return ms_since(start);
}

}  // namespace

Result<PageOcr> OcrEngine::recognize(const Image& page) const {
  auto pages = recognize_pages({&page});
  if (!pages) return pages.error();
  return std::move(pages->front());
}

Result<std::vector<PageOcr>> OcrEngine::recognize_pages(
    const std::vector<const Image*>& images) const {
  const EngineOptions& o = impl_->options;
  std::vector<PageWork> work(images.size());
  std::vector<PageWork*> pages;
  for (size_t p = 0; p < images.size(); ++p) {
    const Image& page = *images[p];
    if (page.empty() || page.rgb.size() < static_cast<size_t>(page.width) * page.height * 3) {
      return make_error("empty or malformed page image");
    }
    PageWork& w = work[p];
    pages.push_back(&w);
    const cv::Mat rgb(page.height, page.width, CV_8UC3, const_cast<uint8_t*>(page.rgb.data()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);

    auto start = std::chrono::steady_clock::now();
    auto quads = impl_->detector.detect(bgr);
    if (!quads) return quads.error();
    w.result.timings.det_ms = ms_since(start);
    w.result.lines_detected = static_cast<int>(quads->size());
    w.quads = std::move(quads).value();
    w.crops.reserve(w.quads.size());
    for (const Quad& q : w.quads) {
      bool turned_crop = false;
      w.crops.push_back(crop_text_line(bgr, q, &turned_crop));
      const cv::Mat& c = w.crops.back();
      if (turned_crop && c.cols < 3 * c.rows) w.short_turned.push_back(w.crops.size() - 1);
    }

    start = std::chrono::steady_clock::now();
    if (o.cls.mode == ClassifierMode::kAlways) {
      auto flagged = impl_->classifier.upside_down_lines(w.crops, all_indices(w.crops.size()));
      if (!flagged) return flagged.error();
      w.turned = std::move(flagged).value();
      for (size_t i : w.turned) cv::rotate(w.crops[i], w.crops[i], cv::ROTATE_180);
      w.result.classifier_ran = true;
    }
    w.result.timings.cls_ms = ms_since(start);
  }

  // Every line of every page in one recognizer run; its time is shared by the pages' lines.
  const int rec_threads = impl_->device == Device::kCpu ? o.threads : 1;
  size_t total_lines = 0;
  for (PageWork* w : pages) {
    total_lines += w->crops.size();
    w->texts.resize(w->crops.size());
  }
  auto rec_ms = recognize_across(
      pages, impl_->recognizer, rec_threads, [](PageWork& w) { return w.crops; },
      [](PageWork& w, size_t i, DecodedText text, cv::Mat) { w.texts[i] = std::move(text); });
  if (!rec_ms) return rec_ms.error();
  for (PageWork* w : pages) {
    w->result.timings.rec_ms =
        total_lines ? *rec_ms * double(w->crops.size()) / double(total_lines) : 0.0;
  }

  // A box only a little taller than wide is as likely one narrow word ("2", "1.") as a short
  // vertical line: it is read both ways and the surer reading wins.
  auto reread_ms = recognize_across(
      pages, impl_->recognizer, rec_threads,
      [](PageWork& w) {
        std::vector<cv::Mat> upright;
        for (size_t i : w.short_turned) {
          upright.emplace_back();
          cv::rotate(w.crops[i], upright.back(), cv::ROTATE_90_CLOCKWISE);
        }
        return upright;
      },
      [](PageWork& w, size_t k, DecodedText text, cv::Mat upright) {
        const size_t i = w.short_turned[k];
        if (text.confidence > w.texts[i].confidence) {
          w.texts[i] = std::move(text);
          w.crops[i] = std::move(upright);
        }
      });
  if (!reread_ms) return reread_ms.error();

  std::vector<PageOcr> out;
  for (PageWork* w : pages) {
    if (!w->short_turned.empty() && total_lines) {
      w->result.timings.rec_ms += *reread_ms * double(w->crops.size()) / double(total_lines);
    }
    if (o.cls.mode == ClassifierMode::kAuto && !w->crops.empty()) {
      const auto start = std::chrono::steady_clock::now();
      auto verified = turn_verified_lines(w->crops, w->texts, rec_threads);
      if (!verified) return verified.error();
      w->turned = std::move(verified).value();
      w->result.classifier_ran = true;
      w->result.timings.cls_ms += ms_since(start);
    }
    w->result.lines_rotated = static_cast<int>(w->turned.size());
    if (impl_->words) {
      std::vector<RecoveredText> recovered;
      for (DecodedText& t : w->texts) {
        if (!t.text.empty() && t.confidence >= o.rec.text_score) {
          recovered.push_back({&t.text, &t.recovered_spaces});
        }
      }
      w->result.words_rejoined = rejoin_split_words(recovered, *impl_->words);
    }
    for (size_t i = 0; i < w->texts.size(); ++i) {
      DecodedText& t = w->texts[i];
      if (t.text.empty() || t.confidence < o.rec.text_score) continue;
      w->result.lines.push_back({w->quads[i], std::move(t.text), t.confidence});
    }
    out.push_back(std::move(w->result));
  }
  return out;
}

}  // namespace ocrserve::ocr
