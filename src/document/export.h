// Exports of laid-out pages (document::Page with blocks): Markdown, plain text, HTML and
// docling-core's DoclingDocument JSON (export_json.cpp). Page headers and footers are furniture:
// they appear in the JSON (content_layer "furniture") but not in md, text or html, as in docling.
// Pure functions.
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

// How pictures come out, as docling's image_export_mode: a placeholder ("<!-- image -->" in md),
// embedded (the picture cut from the page as a PNG data URI, and an OCR'd page's image too),
// or referenced (PNG files under artifacts_dir, linked from md, html and json).
enum class ImageMode { kPlaceholder, kEmbedded, kReferenced };

struct ExportOptions {
  std::string page_break_placeholder;  // put between pages in Markdown when not empty
  ImageMode image_mode = ImageMode::kPlaceholder;
  std::string artifacts_dir;  // referenced pictures: the folder, relative to the md file
};

// A file that goes beside the exports: a referenced picture.
struct Artifact {
  std::string path;  // relative to the exports: "<artifacts_dir>/image_000001.png"
  std::string bytes;
};

// Referenced mode: each picture with a page raster as a PNG, numbered in reading order.
std::vector<Artifact> picture_artifacts(const std::vector<Page>& pages,
                                        const ExportOptions& options);

// The relative path of the n-th picture (0-based) in referenced mode.
std::string picture_path(const ExportOptions& options, size_t n);

std::string to_markdown(const std::vector<Page>& pages, const ExportOptions& options = {});
std::string to_text(const std::vector<Page>& pages);
std::string to_html(const DocumentSource& source, const std::vector<Page>& pages,
                    const ExportOptions& options = {});
std::string to_docling_json(const DocumentSource& source, const std::vector<Page>& pages,
                            const ExportOptions& options = {});

// The document's name as docling gives it: the file name without folder and extension.
std::string document_stem(const std::string& filename);

// The part of the page raster under box (page units); empty without a raster.
Image picture_image(const Page& page, const Box& box);

// The MIME type docling would give a file of this image format ("png", "tiff", "pdf", ...).
std::string mimetype_of(const std::string& format);

}  // namespace ocrserve::document
