#include "document/layout.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ocrserve::document {

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

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

class XyCut {
 public:
  // split_on_size: a change of line height between consecutive lines starts a new block (for a
  // text layer, whose heights are the fonts').
  XyCut(const std::vector<TextLine>& lines, double unit, bool split_on_size)
      : lines_(lines), unit_(unit), split_on_size_(split_on_size) {}

  void cut(std::vector<size_t> ids, std::vector<std::vector<size_t>>& leaves) const {
    if (ids.size() <= 1) {
      if (!ids.empty()) leaves.push_back(std::move(ids));
      return;
    }
    // Columns: every vertical gutter at least one line height wide.
    std::vector<Interval> xs;
    for (size_t i : ids) xs.push_back({lines_[i].box.l, lines_[i].box.r});
    std::vector<double> cuts;
    for (const auto& g : gaps(xs)) {
      if (g.hi - g.lo >= 0.8 * unit_) cuts.push_back((g.lo + g.hi) / 2);
    }
    if (!cuts.empty()) {
      std::vector<std::vector<size_t>> parts(cuts.size() + 1);
      for (size_t i : ids) {
        const double cx = (lines_[i].box.l + lines_[i].box.r) / 2;
        const auto k = std::upper_bound(cuts.begin(), cuts.end(), cx) - cuts.begin();
        parts[static_cast<size_t>(k)].push_back(i);
      }
      for (auto& p : parts) cut(std::move(p), leaves);
      return;
    }
    // Rows: the widest horizontal gap, if it is more than line spacing.
    std::vector<Interval> ys;
    for (size_t i : ids) ys.push_back({lines_[i].box.t, lines_[i].box.b});
    Interval best{0, 0};
    for (const auto& g : gaps(ys)) {
      if (g.hi - g.lo > best.hi - best.lo) best = g;
    }
    if (best.hi - best.lo >= 0.4 * unit_) {
      const double y = (best.lo + best.hi) / 2;
      std::vector<size_t> top, bottom;
      for (size_t i : ids) {
        ((lines_[i].box.t + lines_[i].box.b) / 2 < y ? top : bottom).push_back(i);
      }
      cut(std::move(top), leaves);
      cut(std::move(bottom), leaves);
      return;
    }
    // One block; but a change of type size between consecutive lines starts a new one.
    std::sort(ids.begin(), ids.end(), [&](size_t a, size_t b) {
      return lines_[a].box.t < lines_[b].box.t ||
             (lines_[a].box.t == lines_[b].box.t && lines_[a].box.l < lines_[b].box.l);
    });
    std::vector<size_t> run{ids.front()};
    for (size_t k = 1; k < ids.size(); ++k) {
      const double h0 = lines_[run.back()].box.height();
      const double h1 = lines_[ids[k]].box.height();
      const bool same_row = lines_[ids[k]].box.t < lines_[run.back()].box.b - 0.5 * h1;
      if (split_on_size_ && !same_row && std::max(h0, h1) > 1.3 * std::min(h0, h1)) {
        leaves.push_back(std::move(run));
        run.clear();
      }
      run.push_back(ids[k]);
    }
    leaves.push_back(std::move(run));
  }

 private:
  const std::vector<TextLine>& lines_;
  double unit_;
  bool split_on_size_;
};

size_t codepoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The type size of a line, in page units. A text layer's box height is the font's; an OCR box's
// height depends on which letters have ascenders or descenders, so OCR lines are sized by their
// mean character advance (about half an em in Latin text) instead.
double type_size(const Page& page, const TextLine& line) {
  if (!page.ocr) return line.box.height();
  return 2.0 * line.box.width() / static_cast<double>(std::max<size_t>(1, codepoints(line.text)));
}

bool starts_lowercase(const std::string& s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (static_cast<unsigned char>(c) >= 0x80);
}

Block make_block(const Page& page, const std::vector<size_t>& ids, Label label) {
  Block block;
  block.label = label;
  block.ocr = page.ocr;
  block.box = page.lines[ids.front()].box;
  for (size_t i : ids) {
    const TextLine& line = page.lines[i];
    append_line(block.text, line.text);
    block.box = block.box.united(line.box);
    block.confidence = std::min(block.confidence, line.confidence);
  }
  return block;
}

}  // namespace

void append_line(std::string& paragraph, const std::string& line) {
  if (line.empty()) return;
  if (paragraph.empty()) {
    paragraph = line;
    return;
  }
  const size_t n = paragraph.size();
  if (n >= 2 && paragraph[n - 1] == '-' && is_letter(paragraph[n - 2]) && starts_lowercase(line)) {
    paragraph.pop_back();
    paragraph += line;
    return;
  }
  paragraph += ' ';
  paragraph += line;
}

void layout_page(Page& page) {
  page.blocks.clear();
  const auto& lines = page.lines;
  if (lines.empty()) return;
  std::vector<double> heights;
  for (const auto& l : lines) heights.push_back(l.box.height());
  const double unit = std::max(1e-3, median(heights));

  // Page header and footer: lines in the top or bottom 12% of the page.
  std::vector<size_t> order(lines.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return lines[a].box.t < lines[b].box.t; });
  std::vector<bool> furniture(lines.size(), false);
  // Small print set apart by 1.5 line heights, or body-size print set apart by 2.5.
  std::vector<double> all_sizes;
  for (const auto& l : lines) all_sizes.push_back(type_size(page, l));
  const double size_unit = std::max(1e-3, median(all_sizes));
  auto furniture_gap = [&](size_t i) {
    const double s = type_size(page, lines[i]);
    if (lines[i].box.height() > 1.15 * unit || s > 1.15 * size_unit) return -1.0;
    return s <= 0.9 * size_unit ? 1.5 * unit : 2.5 * unit;
  };
  // From the top: at most two lines inside the top band, then a wide gap.
  {
    double reach = -1, needed = 0;
    for (size_t k = 0; k < order.size() && k < 2; ++k) {
      const size_t i = order[k];
      const double gap = furniture_gap(i);
      if (gap < 0 || lines[i].box.b > 0.12 * page.height) break;
      reach = std::max(reach, lines[i].box.b);
      needed = std::max(needed, gap);
      if (k + 1 < order.size() && lines[order[k + 1]].box.t - reach >= needed) {
        for (size_t j = 0; j <= k; ++j) furniture[order[j]] = true;
        break;
      }
    }
  }
  {
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return lines[a].box.b > lines[b].box.b; });
    double reach = page.height * 2, needed = 0;
    for (size_t k = 0; k < order.size() && k < 2; ++k) {
      const size_t i = order[k];
      const double gap = furniture_gap(i);
      if (gap < 0 || lines[i].box.t < 0.88 * page.height || furniture[i]) break;
      reach = std::min(reach, lines[i].box.t);
      needed = std::max(needed, gap);
      if (k + 1 < order.size() && reach - lines[order[k + 1]].box.b >= needed) {
        for (size_t j = 0; j <= k; ++j) furniture[order[j]] = true;
        break;
      }
    }
  }

  std::vector<size_t> body, headers, footers;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!furniture[i]) {
      body.push_back(i);
    } else {
      (lines[i].box.b < page.height / 2 ? headers : footers).push_back(i);
    }
  }
  auto by_position = [&](size_t a, size_t b) {
    return lines[a].box.t < lines[b].box.t ||
           (lines[a].box.t == lines[b].box.t && lines[a].box.l < lines[b].box.l);
  };
  std::sort(headers.begin(), headers.end(), by_position);
  std::sort(footers.begin(), footers.end(), by_position);
  for (size_t i : headers) page.blocks.push_back(make_block(page, {i}, Label::kPageHeader));

  // The body's line height: the median of the body lines alone.
  heights.clear();
  std::vector<double> sizes;
  for (size_t i : body) {
    heights.push_back(lines[i].box.height());
    sizes.push_back(type_size(page, lines[i]));
  }
  const double body_unit = heights.empty() ? unit : std::max(1e-3, median(heights));
  const double body_size = sizes.empty() ? unit : std::max(1e-3, median(sizes));
  std::vector<std::vector<size_t>> leaves;
  XyCut(lines, body_unit, !page.ocr).cut(body, leaves);
  for (const auto& leaf : leaves) {
    std::vector<double> hs, ss;
    for (size_t i : leaf) {
      hs.push_back(lines[i].box.height());
      ss.push_back(type_size(page, lines[i]));
    }
    // Headings: larger type; OCR sizes are rougher, so their boxes must be taller too.
    const bool heading = leaf.size() <= 3 && median(ss) >= 1.25 * body_size &&
                         (!page.ocr || median(hs) >= 1.1 * body_unit);
    page.blocks.push_back(make_block(page, leaf, heading ? Label::kSectionHeader : Label::kText));
  }
  for (size_t i : footers) page.blocks.push_back(make_block(page, {i}, Label::kPageFooter));
}

void layout_document(std::vector<Page>& pages) {
  for (auto& page : pages) layout_page(page);
  if (pages.empty()) return;
  Page& first = pages.front();
  for (auto& block : first.blocks) {
    if (is_furniture(block.label)) continue;
    if (block.label != Label::kSectionHeader) break;
    // The first body block is a heading: the title when its lines are the page's largest.
    double largest = 0;
    for (const auto& l : first.lines) largest = std::max(largest, type_size(first, l));
    double block_line = 0;
    for (const auto& l : first.lines) {
      if (l.box.t >= block.box.t && l.box.b <= block.box.b && l.box.l >= block.box.l &&
          l.box.r <= block.box.r)
        block_line = std::max(block_line, type_size(first, l));
    }
    if (block_line >= 0.95 * largest) block.label = Label::kTitle;
    break;
  }
}

}  // namespace ocrserve::document
