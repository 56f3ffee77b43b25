// Cairo-based known-answer page renderer (see page_renderer.h).
#include "testkit/page_renderer.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "testkit/rng.h"

#include "testkit/cairo_util.h"

namespace ocrserve::testkit {
namespace {

void setup_font(cairo_t* cr, const PageSpec& spec) {
  cairo_select_font_face(cr, spec.font_family.c_str(), CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, spec.font_pt * spec.dpi / 72.0);
  FontOptionsPtr opts(cairo_font_options_create());
  cairo_font_options_set_antialias(opts.get(), CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(opts.get(), CAIRO_HINT_STYLE_SLIGHT);
  cairo_font_options_set_hint_metrics(opts.get(), CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options(cr, opts.get());
}

// Copies cairo's native-endian xRGB32 pixels into packed RGB8.
std::vector<uint8_t> to_rgb(cairo_surface_t* surface, int w, int h) {
  cairo_surface_flush(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const auto stride = static_cast<size_t>(cairo_image_surface_get_stride(surface));
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * static_cast<size_t>(h) * 3);
  for (size_t y = 0; y < static_cast<size_t>(h); ++y) {
    for (size_t x = 0; x < static_cast<size_t>(w); ++x) {
      uint32_t p;
      std::memcpy(&p, data + y * stride + x * 4, 4);
      uint8_t* o = &rgb[(y * static_cast<size_t>(w) + x) * 3];
      o[0] = static_cast<uint8_t>(p >> 16);
      o[1] = static_cast<uint8_t>(p >> 8);
      o[2] = static_cast<uint8_t>(p);
    }
  }
  return rgb;
}

}  // namespace

std::string RenderedPage::text() const {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i].text;
  }
  return out;
}

RenderedPage render_text_page(const PageSpec& spec, const std::vector<std::string>& words) {
  if (spec.width_px <= 0 || spec.height_px <= 0 || spec.columns <= 0 || spec.dpi <= 0 ||
      spec.font_pt <= 0) {
    throw std::invalid_argument("render_text_page: invalid PageSpec");
  }
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, spec.width_px, spec.height_px));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("render_text_page: cannot create cairo surface");
  }
  ContextPtr cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  setup_font(cr.get(), spec);

  cairo_font_extents_t fe;
  cairo_font_extents(cr.get(), &fe);
  const double font_px = spec.font_pt * spec.dpi / 72.0;
  const double line_h = spec.line_spacing * font_px;
  const double margin = spec.margin_in * spec.dpi;
  const double gap = spec.column_gap_in * spec.dpi;
  const double col_w =
      (spec.width_px - 2 * margin - (spec.columns - 1) * gap) / static_cast<double>(spec.columns);
  const double bottom = spec.height_px - margin;
  const double space_w = advance(cr.get(), " ");

  Rng rng(0xC0FFEEull ^ spec.seed);
  RenderedPage page;
  page.width = spec.width_px;
  page.height = spec.height_px;

  size_t next = 0;
  auto skip_empty = [&] {
    while (next < words.size() && words[next].empty()) ++next;
  };
  skip_empty();
  for (int c = 0; c < spec.columns && next < words.size(); ++c) {
    const double x = std::round(margin + c * (col_w + gap));
    double top = margin;
    while (next < words.size()) {
      const double baseline = std::round(top + fe.ascent);
      if (baseline + fe.descent > bottom) break;
      // Greedy fill: always take at least one word, even if it overflows.
      std::string line;
      double width = 0;
      bool paragraph_end = false;
      while (next < words.size()) {
        const double w = advance(cr.get(), words[next]);
        if (!line.empty() && width + space_w + w > col_w) break;
        if (!line.empty()) {
          line += ' ';
          width += space_w;
        }
        line += words[next];
        width += w;
        ++next;
        skip_empty();
        if (line.back() == '.' && rng.chance(spec.paragraph_break_prob)) {
          paragraph_end = true;
          break;
        }
      }
      cairo_move_to(cr.get(), x, baseline);
      cairo_show_text(cr.get(), line.c_str());

      cairo_text_extents_t te;
      cairo_text_extents(cr.get(), line.c_str(), &te);
      RenderedLine rl;
      rl.text = std::move(line);
      rl.x0 = std::clamp(std::floor(x + te.x_bearing), 0.0, double(spec.width_px));
      rl.y0 = std::clamp(std::floor(baseline + te.y_bearing), 0.0, double(spec.height_px));
      rl.x1 = std::clamp(std::ceil(x + te.x_bearing + te.width), 0.0, double(spec.width_px));
      rl.y1 =
          std::clamp(std::ceil(baseline + te.y_bearing + te.height), 0.0, double(spec.height_px));
      page.lines.push_back(std::move(rl));
      top += paragraph_end ? 1.5 * line_h : line_h;
    }
  }
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("render_text_page: cairo error: ") +
                             cairo_status_to_string(cairo_status(cr.get())));
  }
  page.rgb = to_rgb(surface.get(), spec.width_px, spec.height_px);
  return page;
}

}  // namespace ocrserve::testkit
