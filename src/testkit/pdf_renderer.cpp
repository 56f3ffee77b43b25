// Known-answer PDFs with cairo (see pdf_renderer.h).
#include "testkit/pdf_renderer.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <cctype>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "testkit/cairo_util.h"

namespace ocrserve::testkit {
namespace {

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void font(cairo_t* cr, const PdfPageSpec& spec, double size, bool bold) {
  cairo_select_font_face(cr, spec.font_family.c_str(), CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

bool splittable(const std::string& w) {
  if (w.size() < 6) return false;
  for (char c : w) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return std::islower(static_cast<unsigned char>(w.back())) != 0;
}

void join(std::string& to, const std::string& word) {
  if (!to.empty()) to += ' ';
  to += word;
}

// Draws one page in points on cr; fills truth.
void draw_page(cairo_t* cr, const PdfPageSpec& spec, PdfPageTruth& truth) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  const double m = spec.margin_pt;
  const double W = spec.width_pt, H = spec.height_pt;
  if (!spec.header.empty()) {
    font(cr, spec, spec.furniture_pt, false);
    cairo_move_to(cr, m, m * 0.45);
    cairo_show_text(cr, spec.header.c_str());
    truth.header = spec.header;
  }
  if (!spec.footer.empty()) {
    font(cr, spec, spec.furniture_pt, false);
    cairo_move_to(cr, (W - advance(cr, spec.footer)) / 2, H - m * 0.45);
    cairo_show_text(cr, spec.footer.c_str());
    truth.footer = spec.footer;
  }
  double y = m;  // top of the next line
  cairo_font_extents_t fe;
  if (!spec.title.empty()) {
    font(cr, spec, spec.title_pt, true);
    cairo_font_extents(cr, &fe);
    // Greedy wrap at the full text width.
    std::string line;
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < spec.title.size()) {
      size_t end = spec.title.find(' ', start);
      if (end == std::string::npos) end = spec.title.size();
      const std::string word = spec.title.substr(start, end - start);
      if (!line.empty() && advance(cr, line + " " + word) > W - 2 * m) {
        lines.push_back(line);
        line.clear();
      }
      join(line, word);
      start = end + 1;
    }
    if (!line.empty()) lines.push_back(line);
    for (const auto& l : lines) {
      cairo_move_to(cr, m, std::round(y + fe.ascent));
      cairo_show_text(cr, l.c_str());
      y += 1.2 * spec.title_pt;
    }
    truth.title = spec.title;
    y += 1.2 * spec.font_pt * spec.line_spacing;
  }
  font(cr, spec, spec.font_pt, false);
  cairo_font_extents(cr, &fe);
  const double pitch = spec.line_spacing * spec.font_pt;
  const double bottom = H - m;
  const double col_w = (W - 2 * m - (spec.columns - 1) * spec.column_gap_pt) / spec.columns;
  const double space_w = advance(cr, " ");
  size_t p = 0, w = 0;  // next paragraph, next word in it
  std::string carry;    // the rest of a hyphenated word
  std::string block;    // the current block's text
  for (int c = 0; c < spec.columns && p < spec.paragraphs.size(); ++c) {
    const double x = m + c * (col_w + spec.column_gap_pt);
    double top = y;
    while (p < spec.paragraphs.size()) {
      const auto& words = spec.paragraphs[p];
      const double baseline = std::round(top + fe.ascent);
      if (baseline + fe.descent > bottom) break;
      const bool last_in_column = std::round(top + pitch + fe.ascent) + fe.descent > bottom;
      std::string line;
      double width = 0;
      bool paragraph_end = false;
      if (!carry.empty()) {
        line = carry;
        width = advance(cr, carry);
        carry.clear();
      }
      while (w < words.size()) {
        const std::string& word = words[w];
        const double ww = advance(cr, word);
        if (!line.empty() && width + space_w + ww > col_w) {
          if (spec.hyphenate && !last_in_column && splittable(word)) {
            for (size_t k = word.size() - 3; k >= 3; --k) {
              const std::string head = word.substr(0, k) + "-";
              if (width + space_w + advance(cr, head) <= col_w) {
                line += " " + head;
                carry = word.substr(k);
                ++truth.hyphenated;
                join(block, word);
                ++w;
                break;
              }
            }
          }
          break;
        }
        if (!line.empty()) {
          line += ' ';
          width += space_w;
        }
        line += word;
        width += ww;
        join(block, word);
        ++w;
      }
      if (w >= words.size() && carry.empty()) paragraph_end = true;
      cairo_move_to(cr, x, baseline);
      cairo_show_text(cr, line.c_str());
      truth.lines.push_back(line);
      top += pitch;
      if (paragraph_end) {
        truth.blocks.push_back(block);
        truth.continued.push_back(false);
        block.clear();
        ++p;
        w = 0;
        top += 0.6 * pitch;
      }
    }
    if (!block.empty()) {
      truth.blocks.push_back(block);
      truth.continued.push_back(true);
      block.clear();
    }
  }
}

}  // namespace

std::string PdfPageTruth::body_text() const {
  std::string out = title;
  for (const auto& b : blocks) join(out, b);
  return out;
}

std::vector<std::vector<std::string>> split_paragraphs(const std::vector<std::string>& words,
                                                       size_t words_per_paragraph) {
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < words.size(); i += words_per_paragraph) {
    out.emplace_back(words.begin() + static_cast<std::ptrdiff_t>(i),
                     words.begin() + static_cast<std::ptrdiff_t>(
                                         std::min(words.size(), i + words_per_paragraph)));
  }
  return out;
}

std::string render_pdf(const std::vector<PdfPageSpec>& pages, std::vector<PdfPageTruth>* truth) {
  std::string out;
  if (pages.empty()) throw std::invalid_argument("render_pdf: no pages");
  SurfacePtr pdf(
      cairo_pdf_surface_create_for_stream(append, &out, pages[0].width_pt, pages[0].height_pt));
  if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("render_pdf: cannot create a PDF surface");
  }
  if (truth) truth->clear();
  for (const auto& spec : pages) {
    if (spec.columns < 1 || spec.font_pt <= 0 || spec.width_pt <= 0 || spec.height_pt <= 0) {
      throw std::invalid_argument("render_pdf: invalid PdfPageSpec");
    }
    cairo_pdf_surface_set_size(pdf.get(), spec.width_pt, spec.height_pt);
    PdfPageTruth page_truth;
    if (!spec.scanned) {
      ContextPtr cr(cairo_create(pdf.get()));
      draw_page(cr.get(), spec, page_truth);
      cairo_show_page(cr.get());
    } else {
      const double s = spec.scan_dpi / 72.0;
      SurfacePtr raster(cairo_image_surface_create(
          CAIRO_FORMAT_RGB24, static_cast<int>(std::ceil(spec.width_pt * s)),
          static_cast<int>(std::ceil(spec.height_pt * s))));
      {
        ContextPtr rc(cairo_create(raster.get()));
        cairo_scale(rc.get(), s, s);
        draw_page(rc.get(), spec, page_truth);
      }
      cairo_surface_flush(raster.get());
      ContextPtr cr(cairo_create(pdf.get()));
      cairo_scale(cr.get(), 1 / s, 1 / s);
      cairo_set_source_surface(cr.get(), raster.get(), 0, 0);
      cairo_paint(cr.get());
      cairo_show_page(cr.get());
    }
    if (truth) truth->push_back(std::move(page_truth));
  }
  cairo_surface_finish(pdf.get());
  if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("render_pdf: cairo error");
  }
  return out;
}

}  // namespace ocrserve::testkit
