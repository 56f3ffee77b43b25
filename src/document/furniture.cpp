#include "document/furniture.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <string>

#include "document/layout_math.h"

namespace ocrserve::document {

namespace {

constexpr double kBand = 0.15;  // headers live in the top 15% of a page, footers the bottom 15%

// The text with digits and roman page numbers taken out, lowercased, spaces collapsed.
std::string furniture_key(const std::string& text) {
  std::string out;
  std::string word;
  auto push = [&] {
    const bool roman = !word.empty() && word.find_first_not_of("ivxlc") == std::string::npos;
    if (!word.empty() && !roman) {
      if (!out.empty()) out += ' ';
      out += word;
    }
    word.clear();
  };
  for (char c : text) {
    if (c >= '0' && c <= '9') continue;
    if (c == ' ') {
      push();
      continue;
    }
    word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  push();
  return out;
}

// The number a header or footer carries at its start or end ("12", "Page 12", "12 Chapter").
std::optional<long> page_number(const std::string& text) {
  auto number_at = [](const std::string& s) -> std::optional<long> {
    if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return std::stol(s);
  };
  const auto first_space = text.find(' ');
  const auto last_space = text.rfind(' ');
  if (auto n = number_at(text.substr(last_space == std::string::npos ? 0 : last_space + 1)))
    return n;
  return number_at(text.substr(0, first_space));
}

struct Candidate {
  size_t page, line;
  bool top;
  double position;  // distance from its edge: top of the box, or page bottom to box bottom
  double height;
  std::string key;
  std::optional<long> number;
  bool bare;  // nothing but a page number, arabic or roman
};

bool bare_page_number(const std::string& text) {
  if (text.empty() || text.size() > 8) return false;
  if (text.find_first_not_of("0123456789") == std::string::npos) return true;
  return text.find_first_not_of("ivxlc") == std::string::npos ||
         text.find_first_not_of("IVXLC") == std::string::npos;
}

// Rows of lines, ordered from the page's edge inwards.
std::vector<std::vector<size_t>> edge_rows(const Page& page, bool top) {
  std::vector<size_t> order(page.lines.size());
  std::iota(order.begin(), order.end(), 0);
  const auto& lines = page.lines;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return top ? lines[a].box.t < lines[b].box.t : lines[a].box.b > lines[b].box.b;
  });
  std::vector<std::vector<size_t>> rows;
  for (size_t i : order) {
    const Box& box = lines[i].box;
    if (!rows.empty()) {
      const Box& first = lines[rows.back().front()].box;
      if (first.shares_row_with(box)) {
        rows.back().push_back(i);
        continue;
      }
    }
    if (rows.size() == 3) break;
    rows.push_back({i});
  }
  return rows;
}

// A row's edge towards the body (inner) or towards the page's edge (outer).
double inner_edge(const Page& page, const std::vector<size_t>& row, bool top) {
  double v = top ? -1e18 : 1e18;
  for (size_t i : row) {
    v = top ? std::max(v, page.lines[i].box.b) : std::min(v, page.lines[i].box.t);
  }
  return v;
}
double outer_edge(const Page& page, const std::vector<size_t>& row, bool top) {
  double v = top ? 1e18 : -1e18;
  for (size_t i : row) {
    v = top ? std::min(v, page.lines[i].box.t) : std::max(v, page.lines[i].box.b);
  }
  return v;
}

// The edge rows (one or two) that stand apart from the rest of the page by a gap.
std::vector<size_t> apart_rows(const Page& page, bool top) {
  const auto rows = edge_rows(page, top);
  std::vector<size_t> out;
  const double band = kBand * page.height;
  for (size_t r = 0; r + 1 < rows.size() && r < 2; ++r) {
    const auto& row = rows[r];
    double h = 0;
    for (size_t i : row) h = std::max(h, page.lines[i].box.height());
    const double inner = inner_edge(page, row, top);
    if (top ? inner > band : inner < page.height - band) break;
    const double next = outer_edge(page, rows[r + 1], top);
    const double gap = top ? next - inner : inner - next;
    if (gap >= 0.9 * h) {
      for (size_t k = 0; k <= r; ++k) out.insert(out.end(), rows[k].begin(), rows[k].end());
      return out;
    }
  }
  return out;
}

// Short documents: small print, or body-size print set further apart, in the edge bands.
void single_page_furniture(const Page& page, std::vector<Furniture>& marks) {
  const auto& lines = page.lines;
  if (lines.empty()) return;
  std::vector<double> heights, sizes;
  for (const auto& l : lines) {
    heights.push_back(l.box.height());
    sizes.push_back(type_size(page, l));
  }
  const double unit = std::max(1e-3, median(heights));
  const double size_unit = std::max(1e-3, median(sizes));
  auto needed_gap = [&](size_t i) {
    const double s = type_size(page, lines[i]);
    if (lines[i].box.height() > 1.15 * unit || s > 1.15 * size_unit) return -1.0;
    if (s <= 0.9 * size_unit) return 1.5 * unit;
    // Body-size print is furniture only when short: a full line is the body's first or last.
    return lines[i].box.width() < 0.5 * page.width ? 2.5 * unit : -1.0;
  };
  for (bool top : {true, false}) {
    std::vector<size_t> order(lines.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return top ? lines[a].box.t < lines[b].box.t : lines[a].box.b > lines[b].box.b;
    });
    double reach = top ? -1 : page.height * 2, needed = 0;
    for (size_t k = 0; k < order.size() && k < 2; ++k) {
      const size_t i = order[k];
      const double gap = needed_gap(i);
      if (gap < 0 || marks[i] != Furniture::kNone) break;
      if (top ? lines[i].box.b > 0.12 * page.height : lines[i].box.t < 0.88 * page.height) break;
      reach = top ? std::max(reach, lines[i].box.b) : std::min(reach, lines[i].box.t);
      needed = std::max(needed, gap);
      if (k + 1 >= order.size()) break;
      const Box& next = lines[order[k + 1]].box;
      if ((top ? next.t - reach : reach - next.b) >= needed) {
        for (size_t j = 0; j <= k; ++j)
          marks[order[j]] = top ? Furniture::kHeader : Furniture::kFooter;
        break;
      }
    }
  }
}

}  // namespace

std::vector<std::vector<Furniture>> find_furniture(const std::vector<Page>& pages) {
  std::vector<std::vector<Furniture>> marks;
  for (const auto& page : pages) marks.emplace_back(page.lines.size(), Furniture::kNone);
  if (pages.size() < 3) {
    for (size_t p = 0; p < pages.size(); ++p) single_page_furniture(pages[p], marks[p]);
    return marks;
  }
  std::vector<Candidate> candidates;
  for (size_t p = 0; p < pages.size(); ++p) {
    const Page& page = pages[p];
    for (bool top : {true, false}) {
      for (size_t i : apart_rows(page, top)) {
        const TextLine& line = page.lines[i];
        Candidate c{p,
                    i,
                    top,
                    top ? line.box.t : page.height - line.box.b,
                    line.box.height(),
                    furniture_key(line.text),
                    page_number(line.text),
                    bare_page_number(line.text)};
        candidates.push_back(std::move(c));
      }
    }
  }
  // Page numbers: the offset between printed number and page index that most carry.
  std::map<long, int> offsets;
  for (const auto& c : candidates) {
    if (c.number) ++offsets[*c.number - pages[c.page].page_no];
  }
  const size_t min_pages = std::max<size_t>(2, pages.size() / 5);
  for (const auto& c : candidates) {
    std::vector<bool> place(pages.size(), false), text(pages.size(), false);
    for (const auto& o : candidates) {
      if (o.top != c.top || o.page == c.page) continue;
      if (std::abs(o.position - c.position) > std::max(2.0, 0.3 * c.height)) continue;
      place[o.page] = true;
      if (!c.key.empty() && o.key == c.key) text[o.page] = true;
    }
    const auto same_place = static_cast<size_t>(std::count(place.begin(), place.end(), true));
    const auto same_text = static_cast<size_t>(std::count(text.begin(), text.end(), true));
    if (c.bare && same_place >= 1) {
      marks[c.page][c.line] = c.top ? Furniture::kHeader : Furniture::kFooter;
      continue;
    }
    if (same_place + 1 < min_pages) continue;
    const bool numbered = c.number && offsets[*c.number - pages[c.page].page_no] >= 3 &&
                          (c.key.empty() || same_text >= 1 || c.key.size() < 60);
    if (same_text >= 1 || numbered || (c.key.empty() && c.number)) {
      marks[c.page][c.line] = c.top ? Furniture::kHeader : Furniture::kFooter;
    }
  }
  // What shares a row with a header or footer (a running title beside the page number) is one.
  for (const auto& c : candidates) {
    if (marks[c.page][c.line] != Furniture::kNone) continue;
    const Box& box = pages[c.page].lines[c.line].box;
    for (const auto& o : candidates) {
      if (o.page != c.page || o.top != c.top || marks[o.page][o.line] == Furniture::kNone) continue;
      const Box& other = pages[o.page].lines[o.line].box;
      if (box.shares_row_with(other)) {
        marks[c.page][c.line] = marks[o.page][o.line];
        break;
      }
    }
  }
  return marks;
}

}  // namespace ocrserve::document
