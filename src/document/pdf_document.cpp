#include "document/pdf_document.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <mutex>
#include <string>

namespace ocrserve::document {

namespace {

// Poppler's diagnostics go to the calling thread's collector while one is active, else nowhere.
thread_local std::vector<std::string>* t_diagnostics = nullptr;

void quiet_poppler() {
  static std::once_flag once;
  std::call_once(once, [] {
    poppler::set_debug_error_function(
        [](const std::string& message, void*) {
          if (t_diagnostics && t_diagnostics->size() < 20) t_diagnostics->push_back(message);
        },
        nullptr);
  });
}

class DiagnosticsScope {
 public:
  DiagnosticsScope() { t_diagnostics = &messages_; }
  ~DiagnosticsScope() { t_diagnostics = nullptr; }
  DiagnosticsScope(const DiagnosticsScope&) = delete;
  DiagnosticsScope& operator=(const DiagnosticsScope&) = delete;
  // The first diagnostic that mentions `word`, as " (poppler: ...)", else "".
  std::string about(const std::string& word) const {
    for (const auto& m : messages_) {
      if (m.find(word) != std::string::npos) return " (" + m + ")";
    }
    return "";
  }

 private:
  std::vector<std::string> messages_;
};

constexpr double kMaxPagePoints = 1e6;  // ~350 m: anything bigger is a broken or hostile box

}  // namespace

bool looks_like_pdf(std::string_view bytes) {
  return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
}

PdfDocument::PdfDocument(std::unique_ptr<poppler::document> doc, PdfContent content)
    : doc_(std::move(doc)), content_(std::move(content)) {}
PdfDocument::PdfDocument(PdfDocument&&) noexcept = default;
PdfDocument& PdfDocument::operator=(PdfDocument&&) noexcept = default;
PdfDocument::~PdfDocument() = default;

Result<PdfDocument> PdfDocument::open(std::string_view bytes, int max_pages) {
  quiet_poppler();
  if (bytes.empty()) return make_error("the file is empty");
  if (!looks_like_pdf(bytes)) return make_error("not a PDF (no %PDF- header)");
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return make_error("the PDF is over 2 GiB");
  // Poppler rebuilds a lost cross-reference table and then reads whatever survived; a file
  // cut short must fail instead, so the end-of-file marker is required where Acrobat wants it.
  if (bytes.substr(bytes.size() - std::min<size_t>(bytes.size(), 1024)).find("%%EOF") ==
      std::string_view::npos) {
    return make_error("the PDF is truncated or damaged (no %%EOF end marker)");
  }
  DiagnosticsScope diagnostics;
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) return make_error("the PDF is damaged and cannot be read");
  if (doc->is_locked()) {
    return make_error("the PDF is encrypted and needs a password to open");
  }
  const int pages = doc->pages();
  if (pages <= 0) {
    const std::string claim = diagnostics.about("Page count");
    if (!claim.empty()) {
      return make_error("the PDF's page tree claims more pages than the file holds" + claim);
    }
    return make_error("the PDF has no pages");
  }
  if (pages > max_pages) {
    return make_error("the PDF has " + std::to_string(pages) + " pages, over the limit of " +
                      std::to_string(max_pages));
  }
  auto content = PdfContent::open(bytes);
  if (!content) return content.error();
  return PdfDocument(std::move(doc), std::move(content).value());
}

int PdfDocument::page_count() const { return doc_->pages(); }

Result<PageSize> PdfDocument::page_size(int index) const {
  std::unique_ptr<poppler::page> page(doc_->create_page(index));
  if (!page) return make_error("page " + std::to_string(index + 1) + " cannot be read");
  const poppler::rectf rect = page->page_rect(poppler::crop_box);
  PageSize size{std::abs(rect.width()), std::abs(rect.height())};
  const auto o = page->orientation();
  if (o == poppler::page::landscape || o == poppler::page::seascape) {
    std::swap(size.width, size.height);
  }
  if (!(size.width >= 1 && size.height >= 1)) {
    return make_error("page " + std::to_string(index + 1) + " has an empty page box");
  }
  if (size.width > kMaxPagePoints || size.height > kMaxPagePoints) {
    return make_error("page " + std::to_string(index + 1) + " claims an absurd size");
  }
  return size;
}

Result<PageContent> PdfDocument::content(int index) const {
  if (index < 0 || index >= page_count()) {
    return make_error("page " + std::to_string(index + 1) + " cannot be read");
  }
  return content_.page(index);
}

Result<Image> PdfDocument::render(int index, double dpi, std::int64_t max_pixels) const {
  auto size = page_size(index);
  if (!size) return size.error();
  const double w = std::ceil(size->width * dpi / 72.0);
  const double h = std::ceil(size->height * dpi / 72.0);
  if (w * h > static_cast<double>(max_pixels)) {
    return make_error("page " + std::to_string(index + 1) + " would be " +
                      std::to_string(static_cast<long long>(w)) + "x" +
                      std::to_string(static_cast<long long>(h)) + " pixels at " +
                      std::to_string(static_cast<int>(dpi)) + " dpi, over the limit of " +
                      std::to_string(max_pixels) + " pixels per page");
  }
  std::unique_ptr<poppler::page> page(doc_->create_page(index));
  if (!page) return make_error("page " + std::to_string(index + 1) + " cannot be read");
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_argb32);
  poppler::image raster = renderer.render_page(page.get(), dpi, dpi);
  if (!raster.is_valid() || raster.width() <= 0 || raster.height() <= 0) {
    return make_error("page " + std::to_string(index + 1) + " could not be rendered");
  }
  Image image;
  image.width = raster.width();
  image.height = raster.height();
  image.rgb.resize(static_cast<size_t>(image.width) * image.height * 3);
  const char* data = raster.const_data();
  const auto stride = static_cast<size_t>(raster.bytes_per_row());
  std::uint8_t* out = image.rgb.data();
  for (int y = 0; y < image.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint8_t*>(data + y * stride);
    for (int x = 0; x < image.width; ++x) {
      // argb32 is native-endian 0xAARRGGBB: B G R A in memory on little-endian machines.
      const std::uint8_t* p = row + 4 * x;
      *out++ = p[2];
      *out++ = p[1];
      *out++ = p[0];
    }
  }
  return image;
}

bool usable_text_layer(const std::vector<TextLine>& lines) {
  size_t total = 0, bad = 0;
  for (const auto& line : lines) {
    const auto& s = line.text;
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == ' ') continue;
      if ((c & 0xC0) == 0x80) continue;  // continuation byte
      ++total;
      if (c < 0x20) ++bad;
      // U+FFFD (EF BF BD) and the private use area U+E000..U+F8FF (EE xx xx, EF 80..A3 xx).
      if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
          static_cast<unsigned char>(s[i + 2]) == 0xBD)
        ++bad;
      if (c == 0xEE ||
          (c == 0xEF && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA4))
        ++bad;
    }
  }
  return total > 0 && bad * 10 < total;
}

}  // namespace ocrserve::document
