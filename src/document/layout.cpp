#include "document/layout.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "document/furniture.h"
#include "document/headings.h"
#include "document/layout_math.h"
#include "document/tables.h"
#include "document/text_tables.h"

namespace ocrserve::document {

namespace {

struct Interval {
  double lo, hi;
};

// Gaps between the merged intervals, as (start, end) pairs of white space.
std::vector<Interval> gaps(std::vector<Interval> spans) {
  std::sort(spans.begin(), spans.end(), [](auto& a, auto& b) { return a.lo < b.lo; });
  std::vector<Interval> out;
  double reach = spans.empty() ? 0 : spans.front().hi;
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].lo > reach) out.push_back({reach, spans[i].lo});
    reach = std::max(reach, spans[i].hi);
  }
  return out;
}

// Recursive XY-cut over boxes; leaves are lists of box indices.
class XyCut {
 public:
  // code[i]: box i is a line of code; white space between code lines (blank lines in a program)
  // is not cut unless it is very wide.
  XyCut(const std::vector<Box>& boxes, const std::vector<bool>& code, double gutter, double row_gap)
      : boxes_(boxes), code_(code), gutter_(gutter), row_gap_(row_gap) {}

  void cut(std::vector<size_t> ids, std::vector<std::vector<size_t>>& leaves) const {
    if (ids.size() <= 1) {
      if (!ids.empty()) leaves.push_back(std::move(ids));
      return;
    }
    std::vector<Interval> xs;
    for (size_t i : ids) xs.push_back({boxes_[i].l, boxes_[i].r});
    std::vector<double> cuts;
    for (const auto& g : gaps(xs)) {
      if (g.hi - g.lo >= gutter_) cuts.push_back((g.lo + g.hi) / 2);
    }
    if (!cuts.empty()) {
      std::vector<std::vector<size_t>> parts(cuts.size() + 1);
      for (size_t i : ids) {
        const auto k = std::upper_bound(cuts.begin(), cuts.end(), boxes_[i].cx()) - cuts.begin();
        parts[static_cast<size_t>(k)].push_back(i);
      }
      // A column too narrow for text is a column of markers (footnote numbers, bullets): it
      // stays with the text to its right.
      std::vector<std::vector<size_t>> columns;
      std::vector<size_t> carry;
      for (auto& p : parts) {
        double l = 1e18, r = -1e18;
        for (size_t i : p) {
          l = std::min(l, boxes_[i].l);
          r = std::max(r, boxes_[i].r);
        }
        p.insert(p.end(), carry.begin(), carry.end());
        carry.clear();
        if (r - l < 3 * gutter_ && &p != &parts.back()) {
          carry = std::move(p);
        } else {
          columns.push_back(std::move(p));
        }
      }
      if (columns.size() > 1) {
        for (auto& p : columns) cut(std::move(p), leaves);
        return;
      }
    }
    std::vector<Interval> ys;
    for (size_t i : ids) ys.push_back({boxes_[i].t, boxes_[i].b});
    Interval best{0, 0};
    for (const auto& g : gaps(ys)) {
      if (g.hi - g.lo > best.hi - best.lo && !inside_code(ids, g)) best = g;
    }
    if (best.hi - best.lo >= row_gap_) {
      const double y = (best.lo + best.hi) / 2;
      std::vector<size_t> top, bottom;
      for (size_t i : ids) (boxes_[i].cy() < y ? top : bottom).push_back(i);
      cut(std::move(top), leaves);
      cut(std::move(bottom), leaves);
      return;
    }
    leaves.push_back(std::move(ids));
  }

 private:
  // Is the gap between two code lines, and no wider than a few blank lines?
  bool inside_code(const std::vector<size_t>& ids, const Interval& g) const {
    if (g.hi - g.lo > 4 * gutter_) return false;
    bool above = false, below = false;
    for (size_t i : ids) {
      const bool touches_above = std::abs(boxes_[i].b - g.lo) < 1e-6;
      const bool touches_below = std::abs(boxes_[i].t - g.hi) < 1e-6;
      if (!touches_above && !touches_below) continue;
      if (i >= code_.size() || !code_[i]) return false;
      above = above || touches_above;
      below = below || touches_below;
    }
    return above && below;
  }

  const std::vector<Box>& boxes_;
  const std::vector<bool>& code_;
  double gutter_, row_gap_;
};

bool starts_with_any(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (s.rfind(w, 0) == 0) return true;
  }
  return false;
}

bool is_caption_text(const std::string& s) {
  if (!starts_with_any(s, {"Figure ", "Fig. ", "Table ", "Tab. ", "Listing ", "Chart ", "Image ",
                           "Exhibit ", "FIGURE ", "TABLE "}))
    return false;
  const auto space = s.find(' ');
  return space + 1 < s.size() && ((s[space + 1] >= '0' && s[space + 1] <= '9') ||
                                  (s[space + 1] >= 'A' && s[space + 1] <= 'Z'));
}

// A chart's labels sit around its drawing: lines in type smaller than the body's (axis ticks,
// axis names) or set vertically, close to the box, join it; a caption does not.
Box with_labels(const Page& page, Box box, const BodyMeasures& body) {
  for (int round = 0; round < 4; ++round) {
    bool grew = false;
    for (const auto& line : page.lines) {
      const Box& b = line.box;
      if (box.holds_centre_of(b)) continue;
      const double reach = 2.5 * std::max(std::min(b.height(), b.width()), 1.0);
      const bool near =
          b.l < box.r + reach && box.l - reach < b.r && b.t < box.b + reach && box.t - reach < b.b;
      const bool small = type_size(page, line) < 0.95 * body.size || b.height() > 2 * b.width();
      const bool beside = b.l >= box.l - reach && b.r <= box.r + reach;  // not a wider line
      if (near && small && !is_caption_text(line.text) && (beside || b.height() > 2 * b.width())) {
        box = box.united(b);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return box;
}

// Vector drawings: path boxes that touch (within a few points) form groups; a group of many paths
// that is big enough, lies outside every table and holds little text (a chart's labels, not a
// framed paragraph) is a picture.
std::vector<Box> vector_pictures(const Page& page, const std::vector<FoundTable>& tables,
                                 const BodyMeasures& body) {
  std::vector<Box> out;
  const auto& paths = page.graphics.paths;
  if (paths.size() < 8 || paths.size() > 5000) return out;
  const double near = 3;
  std::vector<Box> groups;
  std::vector<int> counts;
  for (const Box& p : paths) {
    bool in_table = false;
    for (const auto& t : tables) in_table = in_table || t.block.box.holds_centre_of(p);
    if (in_table) continue;
    if (p.width() * p.height() > 0.5 * page.width * page.height) continue;  // a page frame
    Box g = p;
    int n = 1;
    // Merge with every group it touches, until none does.
    for (bool merged = true; merged;) {
      merged = false;
      for (size_t k = 0; k < groups.size(); ++k) {
        const Box& o = groups[k];
        if (g.l - near <= o.r && o.l - near <= g.r && g.t - near <= o.b && o.t - near <= g.b) {
          g = g.united(o);
          n += counts[k];
          groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(k));
          counts.erase(counts.begin() + static_cast<std::ptrdiff_t>(k));
          merged = true;
          break;
        }
      }
    }
    groups.push_back(g);
    counts.push_back(n);
  }
  for (size_t k = 0; k < groups.size(); ++k) {
    const Box& g = groups[k];
    if (counts[k] < 8 || g.width() < 60 || g.height() < 40) continue;
    double text = 0;
    for (const auto& line : page.lines) {
      if (g.holds_centre_of(line.box)) text += line.box.width() * line.box.height();
    }
    if (text > 0.25 * g.width() * g.height()) continue;
    out.push_back(with_labels(page, g, body));
  }
  return out;
}

// Pictures: painted images big enough to be one and vector drawings, merged where they overlap,
// not tables.
std::vector<Box> find_pictures(const Page& page, const std::vector<FoundTable>& tables,
                               const BodyMeasures& body) {
  const double scale = page.ocr ? std::max(1.0, page.width / 612.0) : 1.0;
  std::vector<Box> candidates;
  for (Box b : page.graphics.images) {
    b = {std::max(0.0, b.l), std::max(0.0, b.t), std::min(page.width, b.r),
         std::min(page.height, b.b)};
    if (b.width() < 24 * scale || b.height() < 24 * scale) continue;
    if (b.width() * b.height() > 0.85 * page.width * page.height) continue;  // a background
    candidates.push_back(b);
  }
  for (const Box& b : vector_pictures(page, tables, body)) candidates.push_back(b);
  std::vector<Box> boxes;
  for (const Box& b : candidates) {
    bool merged = false;
    for (auto& o : boxes) {
      if (b.l < o.r && o.l < b.r && b.t < o.b && o.t < b.b) {
        o = o.united(b);
        merged = true;
        break;
      }
    }
    if (!merged) boxes.push_back(b);
  }
  std::erase_if(boxes, [&](const Box& b) {
    for (const auto& t : tables) {
      if (t.block.box.holds_centre_of(b)) return true;
    }
    return false;
  });
  return boxes;
}

// Lays out one page's body given which lines are furniture.
// The XY-cut's thresholds, in body line heights: a gap between columns is at least kColumnGap
// wide; a gap between rows at least kMinRowGap high, and above the body's usual line gap by
// kRowGapOverLineGap (so that the lines of one paragraph never split).
constexpr double kColumnGap = 0.8;
constexpr double kMinRowGap = 0.4;
constexpr double kRowGapOverLineGap = 0.45;

// What the XY-cut orders: body lines first, then tables, then pictures, as boxes.
struct CutItems {
  std::vector<Box> boxes;
  std::vector<size_t> line_of;  // box index -> line index, for the first n_lines boxes
  size_t n_lines = 0;
  std::vector<size_t> headers, footers;  // furniture lines, in reading order
};

// Marks the lines that tables (ruled, then unruled among the free lines) and pictures hold.
std::vector<bool> claim_lines(const Page& page, const std::vector<Furniture>& furniture,
                              std::vector<FoundTable>& tables, const std::vector<Box>& pictures) {
  const auto& lines = page.lines;
  std::vector<bool> taken(lines.size(), false);
  for (const auto& t : tables) {
    for (size_t i : t.line_ids) taken[i] = true;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    for (const auto& p : pictures) {
      if (p.holds_centre_of(lines[i].box)) taken[i] = true;
    }
  }
  std::vector<bool> free(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) free[i] = !taken[i] && furniture[i] == Furniture::kNone;
  for (auto& t : find_text_tables(page, free)) {
    for (size_t i : t.line_ids) taken[i] = true;
    tables.push_back(std::move(t));
  }
  return taken;
}

CutItems cut_items(const Page& page, const std::vector<Furniture>& furniture,
                   const std::vector<bool>& taken, const std::vector<FoundTable>& tables,
                   const std::vector<Box>& pictures) {
  const auto& lines = page.lines;
  CutItems items;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (furniture[i] == Furniture::kHeader) {
      items.headers.push_back(i);
    } else if (furniture[i] == Furniture::kFooter) {
      items.footers.push_back(i);
    } else if (!taken[i]) {
      items.boxes.push_back(lines[i].box);
      items.line_of.push_back(i);
    }
  }
  items.n_lines = items.boxes.size();
  for (const auto& t : tables) items.boxes.push_back(t.block.box);
  for (const auto& p : pictures) items.boxes.push_back(p);
  auto by_position = [&](size_t a, size_t b) {
    return lines[a].box.t < lines[b].box.t ||
           (lines[a].box.t == lines[b].box.t && lines[a].box.l < lines[b].box.l);
  };
  std::sort(items.headers.begin(), items.headers.end(), by_position);
  std::sort(items.footers.begin(), items.footers.end(), by_position);
  return items;
}

Block furniture_block(const Page& page, size_t i, Label label) {
  const TextLine& line = page.lines[i];
  Block block;
  block.label = label;
  block.ocr = page.ocr;
  block.text = line.text;
  block.box = line.box;
  block.confidence = line.confidence;
  block.font_size = type_size(page, line);
  block.line_count = 1;
  return block;
}

// The XY-cut of the items into leaves, in reading order.
std::vector<std::vector<size_t>> reading_leaves(const Page& page, const CutItems& items,
                                                const BodyMeasures& body) {
  std::vector<double> heights;
  for (size_t k = 0; k < items.n_lines; ++k) heights.push_back(items.boxes[k].height());
  const double unit = heights.empty() ? 10 : std::max(1e-3, median(heights));
  const double row_gap = std::max(kMinRowGap * unit, body.line_gap + kRowGapOverLineGap * unit);
  std::vector<size_t> ids(items.boxes.size());
  std::iota(ids.begin(), ids.end(), 0);
  std::vector<bool> code(items.n_lines);
  for (size_t k = 0; k < items.n_lines; ++k) {
    code[k] = page.lines[items.line_of[k]].monospace && !page.ocr;
  }
  std::vector<std::vector<size_t>> leaves;
  XyCut(items.boxes, code, kColumnGap * unit, row_gap).cut(std::move(ids), leaves);
  return leaves;
}

// One leaf's blocks: its lines (as paragraphs, lists, code...) above, between and below its
// tables and pictures, in that order.
void add_leaf_blocks(Page& page, const std::vector<size_t>& leaf, const CutItems& items,
                     const std::vector<FoundTable>& tables, const BodyMeasures& body) {
  struct Piece {
    double top;
    std::vector<Block> blocks;
  };
  std::vector<Piece> pieces;
  std::vector<size_t> leaf_lines;
  const size_t n_lines = items.n_lines;
  for (size_t k : leaf) {
    if (k < n_lines) {
      leaf_lines.push_back(items.line_of[k]);
    } else if (k < n_lines + tables.size()) {
      pieces.push_back({items.boxes[k].t, {tables[k - n_lines].block}});
    } else {
      Block picture;
      picture.label = Label::kPicture;
      picture.ocr = page.ocr;
      picture.box = items.boxes[k];
      pieces.push_back({items.boxes[k].t, {std::move(picture)}});
    }
  }
  std::vector<double> tops;
  for (const auto& p : pieces) tops.push_back(p.top);
  std::sort(tops.begin(), tops.end());
  std::vector<std::vector<size_t>> runs(tops.size() + 1);
  for (size_t i : leaf_lines) {
    const auto k =
        std::upper_bound(tops.begin(), tops.end(), page.lines[i].box.cy()) - tops.begin();
    runs[static_cast<size_t>(k)].push_back(i);
  }
  for (auto& run : runs) {
    if (run.empty()) continue;
    double top = 1e18;
    for (size_t i : run) top = std::min(top, page.lines[i].box.t);
    pieces.push_back({top, region_blocks(page, run, body)});
  }
  std::stable_sort(pieces.begin(), pieces.end(),
                   [](const Piece& a, const Piece& b) { return a.top < b.top; });
  for (auto& p : pieces) {
    for (auto& b : p.blocks) page.blocks.push_back(std::move(b));
  }
}

void layout_body(Page& page, const std::vector<Furniture>& furniture, const BodyMeasures& body) {
  page.blocks.clear();
  auto tables = find_tables(page);
  const auto pictures = find_pictures(page, tables, body);
  const std::vector<bool> taken = claim_lines(page, furniture, tables, pictures);
  const CutItems items = cut_items(page, furniture, taken, tables, pictures);
  for (size_t i : items.headers)
    page.blocks.push_back(furniture_block(page, i, Label::kPageHeader));
  for (const auto& leaf : reading_leaves(page, items, body)) {
    add_leaf_blocks(page, leaf, items, tables, body);
  }
  for (size_t i : items.footers)
    page.blocks.push_back(furniture_block(page, i, Label::kPageFooter));
}

// Captions next to tables and pictures, footnotes under the body.
void label_captions_and_footnotes(Page& page, const BodyMeasures& body) {
  auto& blocks = page.blocks;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].label != Label::kTable && blocks[i].label != Label::kPicture) continue;
    for (const long d : {-1L, 1L, -2L, 2L}) {
      const long j = static_cast<long>(i) + d;
      if (j < 0 || j >= static_cast<long>(blocks.size())) continue;
      Block& c = blocks[static_cast<size_t>(j)];
      if (c.label != Label::kText || !is_caption_text(c.text)) continue;
      const double gap = std::max(c.box.t - blocks[i].box.b, blocks[i].box.t - c.box.b);
      const bool beside = c.box.l < blocks[i].box.r && blocks[i].box.l < c.box.r;
      if (gap > 3 * body.size * (page.ocr ? 2 : 1) || !beside) continue;
      c.label = Label::kCaption;
      blocks[i].caption = static_cast<int>(j);
      break;
    }
  }
  // Footnotes: small print starting with a mark, below every other body block of the page.
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {
    if (is_furniture(it->label)) continue;
    const bool small = it->font_size > 0 && it->font_size <= 0.88 * body.size && !it->ocr;
    const unsigned char first = it->text.empty() ? 0 : static_cast<unsigned char>(it->text[0]);
    const bool marked = (first >= '0' && first <= '9') || first == '*' || first == 0xE2;
    if (it->label == Label::kText && small && marked && it->box.t > 0.6 * page.height) {
      it->label = Label::kFootnote;
      continue;
    }
    break;
  }
}

// Nesting of list items: deeper when the marker sits further right than the item before. A
// list that goes on over a page break keeps its nesting.
void nest_lists(std::vector<Page>& pages) {
  std::vector<double> stack;
  for (auto& page : pages) {
    for (auto& b : page.blocks) {
      if (b.label != Label::kListItem) {
        if (!is_furniture(b.label)) stack.clear();
        continue;
      }
      const double tol = std::max(2.0, 0.3 * b.font_size);
      while (!stack.empty() && b.box.l < stack.back() - tol) stack.pop_back();
      if (stack.empty() || b.box.l > stack.back() + tol) stack.push_back(b.box.l);
      b.depth = static_cast<int>(stack.size()) - 1;
    }
  }
}

// A paragraph that a column or page break cuts (no sentence end, the next column or page goes
// on in lowercase in the same type) becomes one block where it starts, with the rest as its
// continuation.
void join_broken_paragraphs(std::vector<Page>& pages) {
  Block* last = nullptr;
  int last_page = 0;
  for (auto& page : pages) {
    for (auto& b : page.blocks) {
      if (is_furniture(b.label) || b.label == Label::kFootnote || b.label == Label::kCaption)
        continue;
      Block* prev = last;
      const int prev_page = last_page;
      last = &b;
      last_page = page.page_no;
      if (!prev || prev->label != Label::kText || b.label != Label::kText) continue;
      const bool broken = prev_page != page.page_no || b.box.t < prev->box.t;
      if (!broken || ends_sentence(prev->text) || b.text.empty()) continue;
      if (!(b.text[0] >= 'a' && b.text[0] <= 'z')) continue;
      if (std::abs(prev->font_size - b.font_size) > 0.1 * std::max(1.0, prev->font_size)) continue;
      append_line(prev->text, b.text);
      prev->continuation.push_back({page.page_no, b.box});
      b.merged_into_previous = true;
      last = prev;
      last_page = prev_page;
    }
  }
}

// A table that a page break cuts goes on as a table of the same columns at the top of the next
// page: the rows join the first part (a repeated header row is dropped).
void join_broken_tables(std::vector<Page>& pages) {
  for (size_t p = 0; p + 1 < pages.size(); ++p) {
    Block* last = nullptr;
    for (auto& b : pages[p].blocks) {
      if (!is_furniture(b.label) && b.label != Label::kFootnote && !b.merged_into_previous)
        last = &b;
    }
    Block* next = nullptr;
    for (auto& b : pages[p + 1].blocks) {
      if (!is_furniture(b.label)) {
        next = &b;
        break;
      }
    }
    if (!last || !next || last->label != Label::kTable || next->label != Label::kTable) continue;
    Table& a = last->table;
    const Table& b = next->table;
    if (a.num_cols != b.num_cols || a.cells.empty() || b.cells.empty()) continue;
    // The same columns: each column starts within a few points of where it did.
    std::vector<double> left_a(static_cast<size_t>(a.num_cols), 1e18), left_b = left_a;
    for (const auto& c : a.cells)
      left_a[static_cast<size_t>(c.col)] = std::min(left_a[static_cast<size_t>(c.col)], c.box.l);
    for (const auto& c : b.cells)
      left_b[static_cast<size_t>(c.col)] = std::min(left_b[static_cast<size_t>(c.col)], c.box.l);
    bool same = true;
    for (size_t c = 0; c < left_a.size(); ++c) same = same && std::abs(left_a[c] - left_b[c]) < 6;
    if (!same) continue;
    const bool repeated_header = std::equal(
        b.cells.begin(),
        b.cells.begin() +
            std::min<std::ptrdiff_t>(a.num_cols, static_cast<std::ptrdiff_t>(b.cells.size())),
        a.cells.begin(), [](const TableCell& x, const TableCell& y) { return x.text == y.text; });
    const int skip = repeated_header ? 1 : 0;
    for (auto cell : b.cells) {
      if (cell.row < skip) continue;
      cell.row += a.num_rows - skip;
      cell.column_header = false;
      a.cells.push_back(std::move(cell));
    }
    a.num_rows += b.num_rows - skip;
    last->continuation.push_back({pages[p + 1].page_no, next->box});
    next->merged_into_previous = true;
  }
}

}  // namespace

BodyMeasures measure_body(const std::vector<Page>& pages) {
  std::map<long, double> chars_by_size;
  std::vector<double> gaps_seen;
  for (const auto& page : pages) {
    std::vector<size_t> order(page.lines.size());
    std::iota(order.begin(), order.end(), 0);
    for (const auto& l : page.lines) {
      chars_by_size[std::lround(type_size(page, l) * 4)] += static_cast<double>(codepoints(l.text));
    }
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return page.lines[a].box.t < page.lines[b].box.t; });
    for (size_t k = 0; k + 1 < order.size(); ++k) {
      const Box& a = page.lines[order[k]].box;
      // The next line below a that shares its column.
      for (size_t m = k + 1; m < order.size() && m < k + 6; ++m) {
        const Box& b = page.lines[order[m]].box;
        if (b.l >= a.r || a.l >= b.r) continue;
        const double gap = b.t - a.b;
        const double h = std::max(a.height(), b.height());
        if (gap > -0.2 * h && gap < 1.5 * h) gaps_seen.push_back(std::max(0.0, gap));
        break;
      }
    }
  }
  BodyMeasures m;
  double best = 0;
  for (const auto& [size, chars] : chars_by_size) {
    if (chars > best) {
      best = chars;
      m.size = static_cast<double>(size) / 4;
    }
  }
  // The lower half of the gaps: a paragraph's own line spacing, not the space between them.
  if (!gaps_seen.empty()) {
    std::sort(gaps_seen.begin(), gaps_seen.end());
    m.line_gap = gaps_seen[gaps_seen.size() / 3];
  }
  return m;
}

void layout_document(std::vector<Page>& pages) {
  const auto furniture = find_furniture(pages);
  const BodyMeasures body = measure_body(pages);
  for (size_t p = 0; p < pages.size(); ++p) {
    layout_body(pages[p], furniture[p], body);
  }
  label_headings(pages, body);
  for (auto& page : pages) label_captions_and_footnotes(page, body);
  nest_lists(pages);
  join_broken_paragraphs(pages);
  join_broken_tables(pages);
}

void layout_page(Page& page) {
  std::vector<Page> one;
  one.push_back(std::move(page));
  layout_document(one);
  page = std::move(one.front());
}

}  // namespace ocrserve::document
