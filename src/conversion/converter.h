// Converter: one document's bytes -> pages (PDF text layer or OCR) -> layout -> export formats.
// The OCR engine is created on first use: a PDF whose pages all have a text layer never creates
// an ONNX Runtime session.
// Not thread-safe: one Converter per thread (the engine inside parallelises a page itself).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "conversion/request.h"
#include "document/export.h"
#include "document/image_decoder.h"
#include "document/page.h"
#include "ocr/ocr_engine.h"

namespace ocrserve::conversion {

struct Timings {
  double decode_ms = 0;  // reading the file: image decoding, PDF parsing, text layer, rendering
  double det_ms = 0;
  double cls_ms = 0;
  double rec_ms = 0;
  double layout_ms = 0;
  double export_ms = 0;
  double total_ms() const { return decode_ms + det_ms + cls_ms + rec_ms + layout_ms + export_ms; }
  Timings& operator+=(const Timings& o);
};

struct Document {
  document::DocumentSource source;
  std::vector<document::Page> pages;  // laid out: blocks in reading order
  document::ExportOptions export_options;
  Timings timings;
  int ocr_pages = 0;
};

// Everything a conversion produced: the rendered formats and where the time went.
struct Output {
  std::string filename;
  std::vector<std::pair<std::string, std::string>> formats;  // format name ("md") -> content
  std::string document_json;  // the DoclingDocument JSON, whether or not "json" was asked for
  std::vector<document::Artifact> artifacts;  // files the exports link to (referenced pictures)
  Timings timings;
  int pages = 0;
  int ocr_pages = 0;  // pages that went through OCR (the rest used a PDF text layer)
};

class Converter {
 public:
  Converter(std::shared_ptr<const ocr::ModelBundle> models, ocr::EngineOptions options,
            document::PixelBudget budget = {});

  // Errors name the document's problem: unreadable, encrypted, too many pages, a page over the
  // pixel budget, a page range outside the document, an OCR failure.
  Result<Document> convert(std::string_view bytes, const std::string& filename,
                           const ConversionRequest& request = {});
  // convert + render of every requested format.
  Result<Output> run(std::string_view bytes, const std::string& filename,
                     const ConversionRequest& request);
  // Adds the export time to document.timings.
  std::string render(Document& document, Format format) const;

  // The engine, creating it if needed (its creation is not counted in any document's timings).
  Result<const ocr::OcrEngine*> engine();
  // Whether the engine exists yet.
  bool engine_created() const { return engine_ != nullptr; }
  // Whether creating the engine was tried and failed (every later OCR page fails the same way).
  bool engine_failed() const { return engine_failed_; }

 private:
  Result<void> convert_pdf(std::string_view bytes, const ConversionRequest& request, Document& doc);
  Result<void> convert_image(std::string_view bytes, const ConversionRequest& request,
                             Document& doc);
  // A page image waiting for OCR: pages are read pages_per_run at a time (the engine's option).
  struct PendingOcr {
    size_t page;  // index in Document::pages
    Image image;
    double scale;     // image pixels -> page units
    bool keep_image;  // the exports show the page's pictures, cut from this image
  };
  // OCR of the pending pages once there are pages_per_run of them.
  Result<void> ocr_when_full(std::vector<PendingOcr>& pending, Document& doc);
  // OCR of every pending page, in one engine run; empties `pending`.
  Result<void> ocr_pending(std::vector<PendingOcr>& pending, Document& doc);
  // A page's OCR lines scaled by `scale` into page units.
  static void add_ocr_lines(ocr::PageOcr& ocr, double scale, document::Page& page,
                            Timings& timings);

  std::shared_ptr<const ocr::ModelBundle> models_;
  ocr::EngineOptions options_;
  document::PixelBudget budget_;
  std::unique_ptr<ocr::OcrEngine> engine_;
  bool engine_failed_ = false;
};

}  // namespace ocrserve::conversion
