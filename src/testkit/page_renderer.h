// Contract: renders known-answer document pages for OCR tests/benchmarks.
//  * render_text_page() lays the given words out left-to-right with cairo's
//    toy font API (real system fonts, e.g. DejaVu Sans/Serif/Sans Mono),
//    black antialiased text on white, greedy word wrap at the column width,
//    columns filled top-to-bottom then left-to-right, stopping when the page
//    is full or the words run out. RenderedPage::lines lists, in reading
//    order, exactly the words that were drawn (joined by single spaces) and
//    each line's tight ink box in pixels (rounded outward).
//  * Output is a pure function of (PageSpec, words): same inputs give
//    bit-identical pixels. PageSpec::seed only drives layout variation
//    (paragraph breaks after sentence ends).
//  * sample_words() returns deterministic pseudo-English prose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ocrserve::testkit {

struct PageSpec {
  int width_px = 1275;  // US letter at 150 dpi
  int height_px = 1650;
  double dpi = 150;
  std::string font_family = "DejaVu Sans";
  double font_pt = 11;  // pixels = font_pt * dpi / 72
  int columns = 1;
  double margin_in = 0.75;
  uint32_t seed = 1;
  double line_spacing = 1.35;  // baseline-to-baseline distance in em
  double column_gap_in = 0.3;
  double paragraph_break_prob = 0.15;  // chance to end a paragraph after '.'
};

struct RenderedLine {
  std::string text;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // pixel box, [x0,x1) x [y0,y1)
};

struct RenderedPage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;  // row-major RGB8, stride width*3
  std::vector<RenderedLine> lines;
  std::string text() const;  // lines joined with '\n' (no trailing newline)
};

RenderedPage render_text_page(const PageSpec& spec, const std::vector<std::string>& words);

std::vector<std::string> sample_words(uint32_t seed, size_t n);

}  // namespace ocrserve::testkit
