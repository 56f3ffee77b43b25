// Exports of laid-out pages (document::Page with blocks): Markdown, plain text, HTML and
// docling-core's DoclingDocument JSON. Page headers and footers are furniture: they appear in the
// JSON (content_layer "furniture") but not in md, text or html, as in docling. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "document/page.h"

namespace ocrserve::document {

struct DocumentSource {
  std::string filename;  // as uploaded, e.g. "report.pdf"
  std::string mimetype;  // "application/pdf", "image/png", ...
  std::uint64_t binary_hash = 0;
};

struct ExportOptions {
  std::string page_break_placeholder;  // put between pages in Markdown when not empty
  bool embed_page_images = false;      // each page's image as a PNG data URI (md, html)
};

std::string to_markdown(const std::vector<Page>& pages, const ExportOptions& options = {});
std::string to_text(const std::vector<Page>& pages);
std::string to_html(const DocumentSource& source, const std::vector<Page>& pages,
                    const ExportOptions& options = {});
std::string to_docling_json(const DocumentSource& source, const std::vector<Page>& pages);

// The part of the page raster under box (page units); empty without a raster.
Image picture_image(const Page& page, const Box& box);

// The MIME type docling would give a file of this image format ("png", "tiff", "pdf", ...).
std::string mimetype_of(const std::string& format);

}  // namespace ocrserve::document
