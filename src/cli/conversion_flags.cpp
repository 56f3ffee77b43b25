#include "cli/conversion_flags.h"

namespace ocrserve::cli {

void add_conversion_flags(CLI::App& app, ConversionFlags& f) {
  auto& r = f.request;
  app.add_option("--to", r.to_formats, "output formats: md, text, json, html")
      ->delimiter(',')
      ->capture_default_str();
  app.add_flag("--force-ocr", r.force_ocr, "OCR every PDF page, ignoring its text layer");
  app.add_option("--pages", f.pages, "page range, e.g. 2-5, 3 or 4- (1-based)");
  app.add_option("--dpi", r.dpi, "resolution PDF pages are rendered at for OCR")
      ->check(CLI::Range(36.0, 600.0))
      ->capture_default_str();
  app.add_option("--image-export-mode", r.image_export_mode,
                 "pictures as placeholder (<!-- image -->), embedded (PNG data URIs in "
                 "md/html/json) or referenced (PNG files in <name>_artifacts/)")
      ->check(CLI::IsMember({"placeholder", "embedded", "referenced"}))
      ->capture_default_str();
  app.add_option("--page-break", r.md_page_break_placeholder,
                 "Markdown put between pages (e.g. '<!-- page break -->')");
  app.add_option("--max-pages", r.max_pages, "refuse documents with more pages")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

Result<void> finish_conversion_flags(ConversionFlags& f) {
  for (auto& format : f.request.to_formats) {
    auto known = conversion::parse_format(format);
    if (!known) return known.error();
    format = conversion::format_name(*known);
  }
  if (!f.pages.empty()) {
    const auto dash = f.pages.find('-');
    try {
      size_t used = 0;
      f.request.page_from = std::stoi(f.pages.substr(0, dash), &used);
      const bool open_ended = dash != std::string::npos && dash + 1 == f.pages.size();
      f.request.page_to = dash == std::string::npos ? f.request.page_from
                          : open_ended              ? 0  // to the last page
                                                    : std::stoi(f.pages.substr(dash + 1));
    } catch (const std::exception&) {
      return make_error("--pages: expected A-B or A, not '" + f.pages + "'");
    }
  }
  return conversion::validate(f.request);
}

}  // namespace ocrserve::cli
