#include "conversion/converter.h"

#include <algorithm>
#include <chrono>

namespace ocrserve::conversion {

namespace {
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}
}  // namespace

Result<Format> parse_format(const std::string& name) {
  if (name == "md" || name == "markdown") return Format::kMarkdown;
  if (name == "text" || name == "txt") return Format::kText;
  if (name == "json") return Format::kJson;
  return make_error("unknown output format '" + name + "' (expected md, text or json)");
}

const char* format_extension(Format format) {
  switch (format) {
    case Format::kMarkdown:
      return "md";
    case Format::kText:
      return "txt";
    case Format::kJson:
      return "json";
  }
  return "out";
}

Timings& Timings::operator+=(const Timings& o) {
  decode_ms += o.decode_ms;
  det_ms += o.det_ms;
  cls_ms += o.cls_ms;
  rec_ms += o.rec_ms;
  layout_ms += o.layout_ms;
  export_ms += o.export_ms;
  return *this;
}

Converter::Converter(std::shared_ptr<const ocr::ModelBundle> models, ocr::EngineOptions options,
                     document::PixelBudget budget)
    : models_(std::move(models)), options_(std::move(options)), budget_(budget) {}

Result<const ocr::OcrEngine*> Converter::engine() {
  if (!engine_) {
    auto created = ocr::OcrEngine::create(models_, options_);
    if (!created) return created.error();
    engine_ = std::move(created).value();
  }
  return engine_.get();
}

Result<Output> Converter::run(std::string_view bytes, const std::string& filename,
                              const ConversionRequest& request) {
  if (auto ok = validate(request); !ok) return ok.error();
  auto doc = convert(bytes, filename, request);
  if (!doc) return doc.error();
  Output out;
  out.filename = filename;
  out.pages = static_cast<int>(doc->pages.size());
  out.ocr_pages = out.pages;
  for (const auto& name : request.to_formats) {
    auto format = parse_format(name);
    if (!format) return format.error();
    out.formats.emplace_back(name, render(*doc, *format));
  }
  out.timings = doc->timings;
  return out;
}

Result<Document> Converter::convert(std::string_view bytes, const std::string& filename,
                                    const ConversionRequest& request) {
  document::PixelBudget budget = budget_;
  budget.max_pixels_per_page = std::min<std::int64_t>(budget.max_pixels_per_page,
                                                      request.max_pixels_per_page);
  Document doc;
  doc.filename = filename;
  auto start = std::chrono::steady_clock::now();
  auto info = document::probe_image(bytes);
  if (!info) return info.error();
  doc.timings.decode_ms += ms_since(start);
  for (int page = 0; page < info->pages; ++page) {
    start = std::chrono::steady_clock::now();
    auto image = document::decode_image(bytes, page, budget);
    if (!image) return image.error();
    doc.timings.decode_ms += ms_since(start);
    auto ocr_engine = engine();
    if (!ocr_engine) return ocr_engine.error();
    auto ocr = (*ocr_engine)->recognize(*image);
    if (!ocr) return ocr.error();
    doc.timings.det_ms += ocr->timings.det_ms;
    doc.timings.cls_ms += ocr->timings.cls_ms;
    doc.timings.rec_ms += ocr->timings.rec_ms;
    doc.pages.push_back({page + 1, image->width, image->height, std::move(ocr->lines)});
  }
  return doc;
}

std::string Converter::render(Document& doc, Format format) const {
  const auto start = std::chrono::steady_clock::now();
  std::string out;
  switch (format) {
    case Format::kMarkdown:
      out = document::to_markdown(doc.pages);
      break;
    case Format::kText:
      out = document::to_text(doc.pages);
      break;
    case Format::kJson:
      out = document::to_json(doc.filename, doc.pages);
      break;
  }
  doc.timings.export_ms += ms_since(start);
  return out;
}

}  // namespace ocrserve::conversion
