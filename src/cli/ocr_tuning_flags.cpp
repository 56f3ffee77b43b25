#include "cli/ocr_tuning_flags.h"

#include <map>

namespace ocrserve::cli {

CLI::Option_group* add_ocr_tuning_flags(CLI::App& app, ocr::EngineOptions& o,
                                        std::string& cls_mode) {
  auto* g = app.add_option_group("OCR tuning");
  g->add_option("--det-limit-side", o.det.limit_side_len, "detector: short side at least this")
      ->capture_default_str();
  g->add_option("--det-max-side", o.det.max_side_len, "detector: long side at most this")
      ->capture_default_str();
  g->add_option("--det-thresh", o.det.thresh, "detector pixel threshold")->capture_default_str();
  g->add_option("--det-box-thresh", o.det.box_thresh, "detector box score threshold")
      ->capture_default_str();
  g->add_option("--unclip-ratio", o.det.unclip_ratio, "detector box growth")->capture_default_str();
  g->add_option("--cls", cls_mode, "direction classifier: off, always, auto")
      ->check(CLI::IsMember({"off", "always", "auto"}))
      ->capture_default_str();
  g->add_option("--rec-batch", o.rec.batch, "lines per recognition run (0 = 1 on CPU, 6 on CUDA)")
      ->capture_default_str();
  g->add_option("--rec-min-width", o.rec.min_width, "pad recognition batches to this width")
      ->capture_default_str();
  g->add_option("--rec-width-scale", o.rec.width_scale, "horizontal scale of lines for recognition")
      ->capture_default_str();
  g->add_flag("--rec-pad", o.rec.pad_to_min_width,
              "pad short lines to --rec-min-width, as RapidOCR does (slower, no more accurate)");
  g->add_flag("!--no-rec-pad", o.rec.pad_to_min_width, "do not pad short lines (the default)");
  g->add_flag("!--rec-float", o.rec.int8,
              "on the CPU, recognise with the float model instead of the one with int8 "
              "convolutions");
  g->add_option("--det-size-bucket", o.det.size_bucket,
                "pad the detector input to a multiple of this (0 = 32 on CPU, 128 on CUDA)")
      ->capture_default_str();
  g->add_option("--rec-width-bucket", o.rec.width_bucket,
                "round recognition widths up to a multiple of this (0 = 8 on CPU, 160 on CUDA)")
      ->capture_default_str();
  g->add_option("--pages-per-run", o.pages_per_run,
                "pages OCR'd together, their lines in shared batches (0 = 1 on CPU, 8 on CUDA)")
      ->capture_default_str();
  g->add_option("--warmup", o.warmup,
                "run the models once on the common shapes at start: auto (on CUDA), on, off")
      ->transform(
          CLI::CheckedTransformer(std::map<std::string, int>{{"auto", 0}, {"on", 1}, {"off", -1}}))
      ->default_str("auto");
  g->add_option("--text-score", o.rec.text_score, "drop lines below this confidence")
      ->capture_default_str();
  g->add_option("--space-threshold", o.rec.space_threshold,
                "insert a word space where the space probability between two characters exceeds "
                "this (0 = off)")
      ->capture_default_str();
  g->add_option("--word-list", o.rec.word_list,
                "words that rejoin a word a recovered space split (\"st ream\"), one per line; "
                "off = keep every recovered space")
      ->capture_default_str();
  return g;
}

std::vector<std::string> worker_args_of(const CLI::Option_group& tuning) {
  std::vector<std::string> args;
  for (const CLI::Option* opt : tuning.get_options()) {
    if (opt->count() == 0) continue;
    // The long name as typed ("--no-rec-pad"), without a flag's default ("{false}").
    args.push_back(opt->get_lnames().empty() ? "-" + opt->get_snames().front()
                                             : "--" + opt->get_lnames().front());
    if (opt->get_expected_max() != 0) {  // a flag carries no value
      for (const auto& value : opt->results()) args.push_back(value);
    }
  }
  return args;
}

}  // namespace ocrserve::cli
