#include "conversion/converter.h"

#include "document/content_kind.h"

#include <algorithm>
#include <chrono>

#include "document/encoding.h"
#include "document/image_rules.h"
#include "document/layout.h"
#include "document/pdf_document.h"

namespace ocrserve::conversion {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct PageRange {
  int first = 0;  // 0-based, inclusive
  int last = 0;
};

Result<PageRange> resolve_range(const ConversionRequest& r, int pages) {
  if (r.page_from > pages) {
    return make_error("page_range: the document has " + std::to_string(pages) + " page(s); page " +
                      std::to_string(r.page_from) + " does not exist");
  }
  const int last = r.page_to == 0 ? pages : std::min(r.page_to, pages);
  return PageRange{r.page_from - 1, last - 1};
}

}  // namespace

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
    engine_failed_ = !created;
    if (!created) return created.error();
    engine_ = std::move(created).value();
  }
  return engine_.get();
}

Result<Output> Converter::run(std::string_view bytes, const std::string& filename,
                              const ConversionRequest& request) {
  if (auto ok = validate(request); !ok) return ok.error();
  std::vector<Format> formats;
  for (const auto& name : request.to_formats) {
    auto format = parse_format(name);
    if (!format) return format.error();
    formats.push_back(*format);
  }
  auto doc = convert(bytes, filename, request);
  if (!doc) return doc.error();
  Output out;
  out.filename = filename;
  out.pages = static_cast<int>(doc->pages.size());
  out.ocr_pages = doc->ocr_pages;
  for (size_t i = 0; i < formats.size(); ++i) {
    out.formats.emplace_back(request.to_formats[i], render(*doc, formats[i]));
    if (formats[i] == Format::kJson) out.document_json = out.formats.back().second;
  }
  if (out.document_json.empty()) out.document_json = render(*doc, Format::kJson);
  out.artifacts = document::picture_artifacts(doc->pages, doc->export_options);
  out.timings = doc->timings;
  return out;
}

Result<Document> Converter::convert(std::string_view bytes, const std::string& filename,
                                    const ConversionRequest& request) {
  if (auto ok = validate(request); !ok) return ok.error();
  Document doc;
  doc.source.filename = filename;
  doc.export_options.page_break_placeholder = request.md_page_break_placeholder;
  using document::ImageMode;
  doc.export_options.image_mode = request.image_export_mode == "embedded" ? ImageMode::kEmbedded
                                  : request.image_export_mode == "referenced"
                                      ? ImageMode::kReferenced
                                      : ImageMode::kPlaceholder;
  doc.export_options.artifacts_dir = document::document_stem(filename) + "_artifacts";
  const bool pdf = document::looks_like_pdf(bytes);
  auto done = pdf ? convert_pdf(bytes, request, doc) : convert_image(bytes, request, doc);
  if (!done) return done.error();
  doc.source.binary_hash = document::docling_binary_hash(bytes);
  const auto start = Clock::now();
  document::layout_document(doc.pages);
  doc.timings.layout_ms += ms_since(start);
  return doc;
}

Result<void> Converter::convert_pdf(std::string_view bytes, const ConversionRequest& request,
                                    Document& doc) {
  doc.source.mimetype = document::mimetype_of("pdf");
  auto start = Clock::now();
  auto pdf = document::PdfDocument::open(bytes, request.max_pages);
  if (!pdf) return pdf.error();
  auto range = resolve_range(request, pdf->page_count());
  if (!range) return range.error();
  const std::int64_t max_pixels =
      std::min<std::int64_t>(budget_.max_pixels_per_page, request.max_pixels_per_page);
  // Every page's size against the pixel budget first: a bomb fails before any work is done.
  for (int i = range->first; i <= range->last; ++i) {
    auto size = pdf->page_size(i);
    if (!size) return size.error();
    const double px = (size->width * request.dpi / 72.0) * (size->height * request.dpi / 72.0);
    if (px > static_cast<double>(max_pixels)) {
      return make_error("page " + std::to_string(i + 1) + " is " +
                        std::to_string(static_cast<long long>(size->width)) + "x" +
                        std::to_string(static_cast<long long>(size->height)) + " points, " +
                        std::to_string(static_cast<long long>(px)) + " pixels at " +
                        std::to_string(static_cast<int>(request.dpi)) + " dpi: over the limit of " +
                        std::to_string(max_pixels) + " pixels per page");
    }
  }
  doc.timings.decode_ms += ms_since(start);
  std::vector<PendingOcr> pending;
  for (int i = range->first; i <= range->last; ++i) {
    start = Clock::now();
    auto size = pdf->page_size(i);
    if (!size) return size.error();
    document::Page page;
    page.page_no = i + 1;
    page.width = size->width;
    page.height = size->height;
    if (!request.force_ocr) {
      auto content = pdf->content(i);
      if (!content) return content.error();
      if (document::usable_text_layer(content->lines)) {
        page.lines = std::move(content->lines);
        page.graphics = std::move(content->graphics);
      }
    }
    const bool needs_ocr = page.lines.empty() && (request.do_ocr || request.force_ocr);
    Image image;
    // A page is rendered for OCR, and for its pictures when the exports show them.
    const bool pictures = doc.export_options.image_mode != document::ImageMode::kPlaceholder &&
                          (!page.graphics.images.empty() || needs_ocr);
    if (needs_ocr || pictures) {
      auto rendered = pdf->render(i, request.dpi, max_pixels);
      if (!rendered) return rendered.error();
      image = std::move(rendered).value();
    }
    doc.timings.decode_ms += ms_since(start);
    if (needs_ocr) {
      pending.push_back({doc.pages.size(), std::move(image), 72.0 / request.dpi, pictures});
    } else if (pictures) {
      page.image = std::move(image);
    }
    doc.pages.push_back(std::move(page));
    if (auto ok = ocr_when_full(pending, doc); !ok) return ok;
  }
  return ocr_pending(pending, doc);
}

Result<void> Converter::convert_image(std::string_view bytes, const ConversionRequest& request,
                                      Document& doc) {
  document::PixelBudget budget = budget_;
  budget.max_pixels_per_page =
      std::min<std::int64_t>(budget.max_pixels_per_page, request.max_pixels_per_page);
  auto start = Clock::now();
  auto info = document::probe_image(bytes);
  if (!info) {
    if (info.error().message.rfind("not a supported image", 0) == 0) {
      return make_error(document::unsupported_file_message(bytes, doc.source.filename));
    }
    return info.error();
  }
  doc.source.mimetype = document::mimetype_of(info->format);
  if (info->pages > request.max_pages) {
    return make_error("the image has " + std::to_string(info->pages) +
                      " pages, over the limit of " + std::to_string(request.max_pages));
  }
  auto range = resolve_range(request, info->pages);
  if (!range) return range.error();
  doc.timings.decode_ms += ms_since(start);
  std::vector<PendingOcr> pending;
  for (int i = range->first; i <= range->last; ++i) {
    start = Clock::now();
    auto image = document::decode_image(bytes, i, budget);
    if (!image) {
      if (info->pages == 1) return image.error();
      return make_error("page " + std::to_string(i + 1) + ": " + image.error().message);
    }
    doc.timings.decode_ms += ms_since(start);
    document::Page page;
    page.page_no = i + 1;
    page.width = image->width;
    page.height = image->height;
    const bool keep_image = doc.export_options.image_mode != document::ImageMode::kPlaceholder;
    if (request.do_ocr || request.force_ocr) {
      pending.push_back({doc.pages.size(), std::move(image).value(), 1.0, keep_image});
    } else if (keep_image) {
      page.image = std::move(image).value();
    }
    doc.pages.push_back(std::move(page));
    if (auto ok = ocr_when_full(pending, doc); !ok) return ok;
  }
  return ocr_pending(pending, doc);
}

Result<void> Converter::ocr_when_full(std::vector<PendingOcr>& pending, Document& doc) {
  if (pending.empty()) return {};
  auto ocr_engine = engine();
  if (!ocr_engine) return ocr_engine.error();
  if (pending.size() < static_cast<size_t>((*ocr_engine)->options().pages_per_run)) return {};
  return ocr_pending(pending, doc);
}

Result<void> Converter::ocr_pending(std::vector<PendingOcr>& pending, Document& doc) {
  if (pending.empty()) return {};
  auto ocr_engine = engine();
  if (!ocr_engine) return ocr_engine.error();
  std::vector<const Image*> images;
  for (const PendingOcr& p : pending) images.push_back(&p.image);
  auto results = (*ocr_engine)->recognize_pages(images);
  if (!results) return results.error();
  for (size_t k = 0; k < pending.size(); ++k) {
    PendingOcr& p = pending[k];
    document::Page& page = doc.pages[p.page];
    add_ocr_lines((*results)[k], p.scale, page, doc.timings);
    page.graphics.rules = document::rules_in_image(p.image, p.scale);
    if (p.keep_image) page.image = std::move(p.image);
    ++doc.ocr_pages;
  }
  pending.clear();
  return {};
}

void Converter::add_ocr_lines(ocr::PageOcr& ocr, double scale, document::Page& page,
                              Timings& timings) {
  timings.det_ms += ocr.timings.det_ms;
  timings.cls_ms += ocr.timings.cls_ms;
  timings.rec_ms += ocr.timings.rec_ms;
  page.ocr = true;
  for (auto& line : ocr.lines) {
    document::TextLine out;
    out.text = std::move(line.text);
    out.confidence = line.confidence;
    float l = line.quad[0].x, r = l, t = line.quad[0].y, b = t;
    for (const auto& p : line.quad) {
      l = std::min(l, p.x);
      r = std::max(r, p.x);
      t = std::min(t, p.y);
      b = std::max(b, p.y);
    }
    const auto clamp = [](double v, double hi) { return std::clamp(v, 0.0, hi); };
    out.box = {clamp(l * scale, page.width), clamp(t * scale, page.height),
               clamp(r * scale, page.width), clamp(b * scale, page.height)};
    if (out.box.empty() || out.text.empty()) continue;
    page.lines.push_back(std::move(out));
  }
}

std::string Converter::render(Document& doc, Format format) const {
  const auto start = Clock::now();
  std::string out;
  switch (format) {
    case Format::kMarkdown:
      out = document::to_markdown(doc.pages, doc.export_options);
      break;
    case Format::kText:
      out = document::to_text(doc.pages);
      break;
    case Format::kJson:
      out = document::to_docling_json(doc.source, doc.pages, doc.export_options);
      break;
    case Format::kHtml:
      out = document::to_html(doc.source, doc.pages, doc.export_options);
      break;
  }
  doc.timings.export_ms += ms_since(start);
  return out;
}

}  // namespace ocrserve::conversion
