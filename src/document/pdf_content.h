// A PDF page's content as layout needs it, read with poppler's core library in one pass over the
// page's content stream: the words with their fonts (size, bold, italic, monospace) grouped into
// lines, the ruling lines and filled rectangles it draws, and where it paints images. All boxes
// in points, origin at the top-left of the page as displayed (rotation applied).
// A PdfContent reads the caller's bytes in place: they must outlive it. Not thread-safe.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "document/page.h"

class PDFDoc;

namespace ocrserve::document {

struct PageContent {
  std::vector<TextLine> lines;
  PageGraphics graphics;
};

class PdfContent {
 public:
  static Result<PdfContent> open(std::string_view bytes);
  PdfContent(PdfContent&&) noexcept;
  PdfContent& operator=(PdfContent&&) noexcept;
  ~PdfContent();

  // index is 0-based.
  Result<PageContent> page(int index) const;

 private:
  struct Library;
  PdfContent(std::shared_ptr<Library> library, std::unique_ptr<PDFDoc> doc);
  std::shared_ptr<Library> library_;
  std::unique_ptr<PDFDoc> doc_;
};

// Font traits read from a font's name where its descriptor says nothing ("ABCDEF+CMBX12" is
// bold, "NimbusMonoPS-Regular" monospace, "LMRoman10-Italic" italic).
struct FontTraits {
  bool bold = false, italic = false, monospace = false;
};
FontTraits font_traits_from_name(std::string_view name);

}  // namespace ocrserve::document
