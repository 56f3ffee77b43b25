// Converter: one document's bytes -> pages of OCR'd text -> export formats. The OCR engine is
// created on first use (a document that needs no OCR never creates an ONNX Runtime session).
// Not thread-safe: one Converter per thread (the engine inside parallelises a page itself).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "conversion/request.h"
#include "document/image_decoder.h"
#include "document/ocr_export.h"
#include "ocr/ocr_engine.h"

namespace ocrserve::conversion {

enum class Format { kMarkdown, kText, kJson };

Result<Format> parse_format(const std::string& name);
const char* format_extension(Format format);

struct Timings {
  double decode_ms = 0;
  double det_ms = 0;
  double cls_ms = 0;
  double rec_ms = 0;
  double layout_ms = 0;
  double export_ms = 0;
  double total_ms() const { return decode_ms + det_ms + cls_ms + rec_ms + layout_ms + export_ms; }
  Timings& operator+=(const Timings& o);
};

struct Document {
  std::string filename;
  std::vector<document::OcrPage> pages;
  Timings timings;
};

// Everything a conversion produced: the rendered formats and where the time went.
struct Output {
  std::string filename;
  std::vector<std::pair<std::string, std::string>> formats;  // format name ("md") -> content
  Timings timings;
  int pages = 0;
  int ocr_pages = 0;  // pages that went through OCR (the rest used a PDF text layer)
};

class Converter {
 public:
  Converter(std::shared_ptr<const ocr::ModelBundle> models, ocr::EngineOptions options,
            document::PixelBudget budget = {});

  Result<Document> convert(std::string_view bytes, const std::string& filename,
                           const ConversionRequest& request = {});
  // convert + render of every requested format.
  Result<Output> run(std::string_view bytes, const std::string& filename,
                     const ConversionRequest& request);
  // Adds the export time to document.timings.
  std::string render(Document& document, Format format) const;

  // The engine, creating it if needed (its creation is not counted in any document's timings).
  Result<const ocr::OcrEngine*> engine();

 private:
  std::shared_ptr<const ocr::ModelBundle> models_;
  ocr::EngineOptions options_;
  document::PixelBudget budget_;
  std::unique_ptr<ocr::OcrEngine> engine_;
};

}  // namespace ocrserve::conversion
