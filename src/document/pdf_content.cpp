#include "document/pdf_content.h"

// Poppler's core headers are not written for -Wall -Wextra -Wshadow.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <GfxFont.h>
#include <GfxState.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Stream.h>
#include <TextOutputDev.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <string>

namespace ocrserve::document {

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string utf8_of(const GooString* s) {
  // TextWord::getText() is UTF-8 already.
  return s ? std::string(s->c_str(), static_cast<size_t>(s->getLength())) : std::string();
}

// Below this thickness (points) a filled rectangle is a rule, not a background.
constexpr double kRuleThickness = 2.5;
// Strokes and bars shorter than this are decoration (bullets, ticks), not rules.
constexpr double kMinRuleLength = 4;

// Sees the text as TextOutputDev does, and records strokes, fills and images on the way.
class ContentDevice : public TextOutputDev {
 public:
  ContentDevice() : TextOutputDev(nullptr, false, 0, false, false) {}

  bool needNonText() override { return true; }

  void stroke(GfxState* state) override {
    TextOutputDev::stroke(state);
    add_path(state);
    const GfxPath* path = state->getPath();
    const double width = std::max(0.1, state->transformWidth(state->getLineWidth()));
    for (int s = 0; s < path->getNumSubpaths(); ++s) {
      const GfxSubpath* sub = path->getSubpath(s);
      const int n = sub->getNumPoints();
      for (int i = 1; i < n + (sub->isClosed() ? 1 : 0); ++i) {
        if (sub->getCurve(i % n)) continue;
        double x0, y0, x1, y1;
        state->transform(sub->getX(i - 1), sub->getY(i - 1), &x0, &y0);
        state->transform(sub->getX(i % n), sub->getY(i % n), &x1, &y1);
        add_segment(x0, y0, x1, y1, width);
      }
    }
  }

  void fill(GfxState* state) override {
    TextOutputDev::fill(state);
    add_path(state);
    add_fill(state);
  }
  void eoFill(GfxState* state) override {
    TextOutputDev::eoFill(state);
    add_path(state);
    add_fill(state);
  }

  void drawImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                 GfxImageColorMap* color_map, bool interpolate, const int* mask_colors,
                 bool inline_image) override {
    add_image(state);
    TextOutputDev::drawImage(state, ref, str, width, height, color_map, interpolate, mask_colors,
                             inline_image);
  }
  void drawMaskedImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                       GfxImageColorMap* color_map, bool interpolate, Stream* mask_str,
                       int mask_width, int mask_height, bool mask_invert,
                       bool mask_interpolate) override {
    add_image(state);
    TextOutputDev::drawMaskedImage(state, ref, str, width, height, color_map, interpolate, mask_str,
                                   mask_width, mask_height, mask_invert, mask_interpolate);
  }
  void drawSoftMaskedImage(GfxState* state, Object* ref, Stream* str, int width, int height,
                           GfxImageColorMap* color_map, bool interpolate, Stream* mask_str,
                           int mask_width, int mask_height, GfxImageColorMap* mask_color_map,
                           bool mask_interpolate) override {
    add_image(state);
    TextOutputDev::drawSoftMaskedImage(state, ref, str, width, height, color_map, interpolate,
                                       mask_str, mask_width, mask_height, mask_color_map,
                                       mask_interpolate);
  }

  PageGraphics take_graphics() { return std::move(graphics_); }

 private:
  static constexpr size_t kMaxShapes = 20000;  // per kind and page: a hostile page stays cheap

  void add_segment(double x0, double y0, double x1, double y1, double width) {
    if (graphics_.rules.size() >= kMaxShapes) return;
    const double dx = std::abs(x1 - x0), dy = std::abs(y1 - y0);
    const double half = width / 2;
    if (dy <= 0.5 && dx >= kMinRuleLength) {  // horizontal
      const double y = (y0 + y1) / 2;
      graphics_.rules.push_back({std::min(x0, x1), y - half, std::max(x0, x1), y + half});
    } else if (dx <= 0.5 && dy >= kMinRuleLength) {  // vertical
      const double x = (x0 + x1) / 2;
      graphics_.rules.push_back({x - half, std::min(y0, y1), x + half, std::max(y0, y1)});
    }
  }

  void add_path(GfxState* state) {
    if (graphics_.paths.size() >= kMaxShapes) return;
    const GfxPath* path = state->getPath();
    Box box{1e18, 1e18, -1e18, -1e18};
    for (int s = 0; s < path->getNumSubpaths(); ++s) {
      const GfxSubpath* sub = path->getSubpath(s);
      for (int i = 0; i < sub->getNumPoints(); ++i) {
        double x, y;
        state->transform(sub->getX(i), sub->getY(i), &x, &y);
        box = {std::min(box.l, x), std::min(box.t, y), std::max(box.r, x), std::max(box.b, y)};
      }
    }
    if (box.r >= box.l && box.b >= box.t) graphics_.paths.push_back(box);
  }

  void add_fill(GfxState* state) {
    if (state->getFillOpacity() < 0.05) return;
    GfxRGB rgb;
    state->getFillRGB(&rgb);
    const bool white = colToDbl(rgb.r) > 0.97 && colToDbl(rgb.g) > 0.97 && colToDbl(rgb.b) > 0.97;
    const GfxPath* path = state->getPath();
    for (int s = 0; s < path->getNumSubpaths(); ++s) {
      const GfxSubpath* sub = path->getSubpath(s);
      const int n = sub->getNumPoints();
      if (n < 4 || n > 5) continue;  // a rectangle: 4 corners, maybe closed by a 5th
      Box box{1e18, 1e18, -1e18, -1e18};
      std::vector<std::pair<double, double>> pts;
      for (int i = 0; i < n; ++i) {
        if (sub->getCurve(i)) return;
        double x, y;
        state->transform(sub->getX(i), sub->getY(i), &x, &y);
        pts.emplace_back(x, y);
        box = {std::min(box.l, x), std::min(box.t, y), std::max(box.r, x), std::max(box.b, y)};
      }
      // Every corner on the box's edges: an axis-aligned rectangle.
      for (const auto& [x, y] : pts) {
        const bool on_x = std::abs(x - box.l) < 0.5 || std::abs(x - box.r) < 0.5;
        const bool on_y = std::abs(y - box.t) < 0.5 || std::abs(y - box.b) < 0.5;
        if (!on_x || !on_y) return;
      }
      const double thin = std::min(box.width(), box.height());
      const double length = std::max(box.width(), box.height());
      if (thin <= kRuleThickness) {
        if (length >= kMinRuleLength && graphics_.rules.size() < kMaxShapes)
          graphics_.rules.push_back(box);
      } else if (!white && graphics_.fills.size() < kMaxShapes) {
        graphics_.fills.push_back(box);
      }
    }
  }

  void add_image(GfxState* state) {
    if (graphics_.images.size() >= kMaxShapes) return;
    Box box{1e18, 1e18, -1e18, -1e18};
    for (const auto& [u, v] : {std::pair{0.0, 0.0}, {1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}) {
      double x, y;
      state->transform(u, v, &x, &y);
      box = {std::min(box.l, x), std::min(box.t, y), std::max(box.r, x), std::max(box.b, y)};
    }
    if (!box.empty()) graphics_.images.push_back(box);
  }

  PageGraphics graphics_;
};

struct FontWord {
  Word word;
  double size = 0;
  FontTraits traits;
  bool space_after = true;
};

FontTraits traits_of(const TextFontInfo* font) {
  FontTraits t;
  if (!font) return t;
  if (const GooString* name = font->getFontName()) t = font_traits_from_name(name->toStr());
  t.bold = t.bold || font->isBold();
  t.italic = t.italic || font->isItalic();
  t.monospace = t.monospace || font->isFixedWidth();
  return t;
}

// Groups words (in poppler's reading order) into lines: a word continues the line when it sits
// on the same row, to the right of the last word and not too far from it. A line's font is the
// one most of its characters have.
std::vector<TextLine> group_lines(std::vector<FontWord>& words) {
  std::vector<TextLine> lines;
  const FontWord* last = nullptr;
  struct Tally {
    double size_chars = 0;
    std::map<double, double> sizes;
    double chars = 0, bold = 0, italic = 0, mono = 0;
  };
  std::vector<Tally> tallies;
  for (auto& w : words) {
    bool same = false;
    if (last) {
      const double h = std::max(1e-3, std::min(last->word.box.height(), w.word.box.height()));
      const double overlap =
          std::min(last->word.box.b, w.word.box.b) - std::max(last->word.box.t, w.word.box.t);
      const double gap = w.word.box.l - last->word.box.r;
      same = overlap > 0.5 * h && gap > -0.5 * h && gap < 1.2 * h;
    }
    if (same) {
      TextLine& line = lines.back();
      const double gap = w.word.box.l - last->word.box.r;
      if (last->space_after || gap > 0.15 * std::min(last->size, w.size)) line.text += ' ';
      line.text += w.word.text;
      line.box = line.box.united(w.word.box);
    } else {
      TextLine line;
      line.text = w.word.text;
      line.box = w.word.box;
      lines.push_back(std::move(line));
      tallies.emplace_back();
    }
    Tally& tally = tallies.back();
    const double n = static_cast<double>(w.word.text.size());
    tally.chars += n;
    tally.sizes[std::round(w.size * 2) / 2] += n;
    if (w.traits.bold) tally.bold += n;
    if (w.traits.italic) tally.italic += n;
    if (w.traits.monospace) tally.mono += n;
    lines.back().words.push_back(std::move(w.word));
    last = &w;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const Tally& t = tallies[i];
    double best = 0;
    for (const auto& [size, n] : t.sizes) {
      if (n > best) {
        best = n;
        lines[i].font_size = size;
      }
    }
    lines[i].bold = t.bold > 0.6 * t.chars;
    lines[i].italic = t.italic > 0.6 * t.chars;
    lines[i].monospace = t.mono > 0.8 * t.chars;
  }
  return lines;
}

}  // namespace

FontTraits font_traits_from_name(std::string_view full_name) {
  // Drop a subset prefix "ABCDEF+".
  std::string_view name = full_name;
  if (const auto plus = name.find('+'); plus != std::string_view::npos && plus == 6) {
    name.remove_prefix(7);
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  FontTraits t;
  t.bold = contains(lower, "bold") || contains(lower, "black") || contains(lower, "heavy") ||
           contains(lower, "semibold") || contains(lower, "demi") || lower.rfind("cmbx", 0) == 0 ||
           lower.rfind("sfbx", 0) == 0 || lower.rfind("cmb10", 0) == 0 || contains(lower, "-bx");
  t.italic = contains(lower, "italic") || contains(lower, "oblique") ||
             lower.rfind("cmti", 0) == 0 || lower.rfind("cmsl", 0) == 0 ||
             lower.rfind("sfti", 0) == 0 || lower.rfind("sfsl", 0) == 0;
  t.monospace = contains(lower, "mono") || contains(lower, "courier") ||
                contains(lower, "typewriter") || lower.rfind("cmtt", 0) == 0 ||
                lower.rfind("sftt", 0) == 0 || lower.rfind("cmsltt", 0) == 0 ||
                contains(lower, "consola") || contains(lower, "inconsolata") ||
                contains(lower, "menlo") || contains(lower, "lucidaconsole") ||
                contains(lower, "sourcecodepro") || contains(lower, "firacode");
  return t;
}

// Poppler's diagnostics: the caller of PdfDocument collects them; here they are dropped.
static void drop_diagnostic(ErrorCategory, Goffset, const char*) {}

struct PdfContent::Library {
  Library() : initer(drop_diagnostic) {}
  GlobalParamsIniter initer;
};

PdfContent::PdfContent(std::shared_ptr<Library> library, std::unique_ptr<PDFDoc> doc)
    : library_(std::move(library)), doc_(std::move(doc)) {}
PdfContent::PdfContent(PdfContent&&) noexcept = default;
PdfContent& PdfContent::operator=(PdfContent&&) noexcept = default;
PdfContent::~PdfContent() {
  doc_.reset();  // before the library it needs
}

Result<PdfContent> PdfContent::open(std::string_view bytes) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return make_error("the PDF is over 2 GiB");
  auto library = std::make_shared<Library>();
  auto* stream =
      new MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull));
  auto doc = std::make_unique<PDFDoc>(stream);
  if (!doc->isOk()) return make_error("the PDF is damaged and cannot be read");
  return PdfContent(std::move(library), std::move(doc));
}

Result<PageContent> PdfContent::page(int index) const {
  if (index < 0 || index >= doc_->getNumPages()) {
    return make_error("page " + std::to_string(index + 1) + " cannot be read");
  }
  ContentDevice device;
  if (!device.isOk()) return make_error("the PDF's text cannot be read");
  doc_->displayPage(&device, index + 1, 72, 72, 0, false, false, false);
  std::unique_ptr<TextWordList> list(device.makeWordList());
  std::vector<FontWord> words;
  const int n = list ? list->getLength() : 0;
  words.reserve(static_cast<size_t>(std::max(0, n)));
  for (int i = 0; i < n; ++i) {
    const TextWord* w = list->get(i);
    std::unique_ptr<GooString> text(w->getText());
    std::string s = utf8_of(text.get());
    // Nothing visible: spaces, or control characters a broken font maps its glyphs to.
    if (std::all_of(s.begin(), s.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= ' '; }))
      continue;
    double l, t, r, b;
    w->getBBox(&l, &t, &r, &b);
    FontWord fw;
    fw.word = {std::move(s), Box{l, t, r, b}};
    fw.size = w->getFontSize();
    fw.traits = traits_of(w->getFontInfo(0));
    fw.space_after = w->getSpaceAfter();
    words.push_back(std::move(fw));
  }
  PageContent content;
  content.lines = group_lines(words);
  content.graphics = device.take_graphics();
  return content;
}

}  // namespace ocrserve::document
