// PDF pages through poppler: page count and sizes, the page content (pdf_content.h), rasterising.
// Nothing here trusts the file: the page count is checked against a budget when the document is
// opened and a page's pixel count before it is rendered. Poppler's own diagnostics are silenced.
// A PdfDocument reads the caller's bytes in place: they must outlive it. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/image.h"
#include "common/result.h"
#include "document/page.h"
#include "document/pdf_content.h"

namespace poppler {
class document;
}

namespace ocrserve::document {

// True when the bytes start like a PDF ("%PDF-" within the first 1024 bytes).
bool looks_like_pdf(std::string_view bytes);

struct PageSize {
  double width = 0;  // points
  double height = 0;
};

class PdfDocument {
 public:
  // Errors: truncated or damaged file, encrypted without a usable password, no pages, more pages
  // than max_pages.
  static Result<PdfDocument> open(std::string_view bytes, int max_pages);
  PdfDocument(PdfDocument&&) noexcept;
  PdfDocument& operator=(PdfDocument&&) noexcept;
  ~PdfDocument();

  int page_count() const;
  // index is 0-based. Errors: a page poppler cannot load, an empty or absurd page box.
  Result<PageSize> page_size(int index) const;
  // The text layer as lines with fonts, and the drawn rules, fills and images, in points,
  // top-left origin; no lines when the page has no text layer.
  Result<PageContent> content(int index) const;
  // Renders at dpi, refusing pages over max_pixels before any pixel is drawn.
  Result<Image> render(int index, double dpi, std::int64_t max_pixels) const;

 private:
  PdfDocument(std::unique_ptr<poppler::document> doc, PdfContent content);
  std::unique_ptr<poppler::document> doc_;
  PdfContent content_;
};

// A text layer is usable when it has words and little of it is unmapped glyphs.
bool usable_text_layer(const std::vector<TextLine>& lines);

}  // namespace ocrserve::document
