#include "document/tables.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "document/paragraphs.h"

namespace ocrserve::document {

namespace {

constexpr double kTouch = 3;  // points: segments this close touch; edges this close are one line

struct Segment {
  bool horizontal;
  double at;      // y of a horizontal segment, x of a vertical one
  double lo, hi;  // its extent along the other axis
};

std::vector<Segment> segments_of(const PageGraphics& g, double scale) {
  std::vector<Segment> out;
  for (const Box& r : g.rules) {
    if (r.width() >= r.height()) {
      out.push_back({true, r.cy(), r.l, r.r});
    } else {
      out.push_back({false, r.cx(), r.t, r.b});
    }
  }
  // A filled rectangle draws the four edges of a cell; the biggest ones are page backgrounds.
  for (const Box& f : g.fills) {
    if (f.width() < 4 * scale || f.height() < 4 * scale) continue;
    out.push_back({true, f.t, f.l, f.r});
    out.push_back({true, f.b, f.l, f.r});
    out.push_back({false, f.l, f.t, f.b});
    out.push_back({false, f.r, f.t, f.b});
  }
  return out;
}

bool touch(const Segment& a, const Segment& b, double tol) {
  if (a.horizontal == b.horizontal) {
    return std::abs(a.at - b.at) <= tol && a.lo <= b.hi + tol && b.lo <= a.hi + tol;
  }
  const Segment& h = a.horizontal ? a : b;
  const Segment& v = a.horizontal ? b : a;
  return v.at >= h.lo - tol && v.at <= h.hi + tol && h.at >= v.lo - tol && h.at <= v.hi + tol;
}

struct DisjointSets {
  std::vector<size_t> parent;
  explicit DisjointSets(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(size_t a, size_t b) { parent[find(a)] = find(b); }
};

// Positions closer than tol merge into one (their mean).
std::vector<double> cluster(std::vector<double> v, double tol) {
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (n > 0 && v[i] - v[i - 1] > tol) {
      out.push_back(sum / static_cast<double>(n));
      sum = 0;
      n = 0;
    }
    sum += v[i];
    ++n;
  }
  if (n > 0) out.push_back(sum / static_cast<double>(n));
  return out;
}

// Is there a segment along grid line `at` covering the point `across`?
bool separated(const std::vector<Segment>& segs, bool horizontal, double at, double across,
               double tol) {
  for (const auto& s : segs) {
    if (s.horizontal != horizontal || std::abs(s.at - at) > tol) continue;
    if (across >= s.lo - tol && across <= s.hi + tol) return true;
  }
  return false;
}

struct Piece {
  std::string text;
  Box box;
};

std::optional<FoundTable> grid_table(const Page& page, const std::vector<Segment>& segs,
                                     double tol) {
  std::vector<double> ys, xs;
  for (const auto& s : segs) (s.horizontal ? ys : xs).push_back(s.at);
  ys = cluster(std::move(ys), tol);
  xs = cluster(std::move(xs), tol);
  if (ys.size() < 2 || xs.size() < 2) return std::nullopt;
  const int rows = static_cast<int>(ys.size()) - 1, cols = static_cast<int>(xs.size()) - 1;
  if (rows * cols < 2 || rows > 500 || cols > 100) return std::nullopt;

  // Cells join across a missing boundary.
  DisjointSets sets(static_cast<size_t>(rows * cols));
  auto id = [&](int r, int c) { return static_cast<size_t>(r * cols + c); };
  for (int r = 0; r < rows; ++r) {
    const double mid_y = (ys[r] + ys[r + 1]) / 2;
    for (int c = 0; c < cols; ++c) {
      const double mid_x = (xs[c] + xs[c + 1]) / 2;
      if (c + 1 < cols && !separated(segs, false, xs[c + 1], mid_y, tol)) {
        sets.join(id(r, c), id(r, c + 1));
      }
      if (r + 1 < rows && !separated(segs, true, ys[r + 1], mid_x, tol)) {
        sets.join(id(r, c), id(r + 1, c));
      }
    }
  }
  struct Span {
    int r0 = 1 << 30, c0 = 1 << 30, r1 = -1, c1 = -1;
  };
  std::vector<Span> spans(static_cast<size_t>(rows * cols));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      Span& s = spans[sets.find(id(r, c))];
      s.r0 = std::min(s.r0, r);
      s.c0 = std::min(s.c0, c);
      s.r1 = std::max(s.r1, r);
      s.c1 = std::max(s.c1, c);
    }
  }

  FoundTable found;
  Block& block = found.block;
  block.label = Label::kTable;
  block.ocr = page.ocr;
  block.box = {xs.front(), ys.front(), xs.back(), ys.back()};
  Table& table = block.table;
  table.num_rows = rows;
  table.num_cols = cols;

  // The words inside the grid, each to the cell that holds its centre.
  std::vector<std::vector<Piece>> texts(static_cast<size_t>(rows * cols));
  int filled = 0;
  for (size_t i = 0; i < page.lines.size(); ++i) {
    const TextLine& line = page.lines[i];
    if (!block.box.holds_centre_of(line.box)) continue;
    found.line_ids.push_back(i);
    block.confidence = std::min(block.confidence, line.confidence);
    std::vector<Piece> pieces;
    if (line.words.empty()) {
      pieces.push_back({line.text, line.box});
    } else {
      for (const auto& w : line.words) pieces.push_back({w.text, w.box});
    }
    for (auto& p : pieces) {
      const auto c = std::upper_bound(xs.begin(), xs.end(), p.box.cx()) - xs.begin() - 1;
      const auto r = std::upper_bound(ys.begin(), ys.end(), p.box.cy()) - ys.begin() - 1;
      if (r < 0 || r >= rows || c < 0 || c >= cols) continue;
      texts[sets.find(id(static_cast<int>(r), static_cast<int>(c)))].push_back(std::move(p));
    }
  }
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const size_t root = sets.find(id(r, c));
      const Span& s = spans[root];
      if (s.r0 != r || s.c0 != c) continue;
      TableCell cell;
      cell.row = r;
      cell.col = c;
      cell.row_span = s.r1 - s.r0 + 1;
      cell.col_span = s.c1 - s.c0 + 1;
      cell.box = {xs[c], ys[r], xs[s.c1 + 1], ys[s.r1 + 1]};
      auto& pieces = texts[root];
      // Reading order inside the cell: rows of words, top to bottom, left to right.
      std::stable_sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
        if (a.box.shares_row_with(b.box)) return a.box.l < b.box.l;
        return a.box.t < b.box.t;
      });
      std::string line_text;
      const Piece* prev = nullptr;
      for (const auto& p : pieces) {
        const bool new_row = prev && !prev->box.shares_row_with(p.box);
        if (new_row) {
          append_line(cell.text, line_text);
          line_text.clear();
        }
        if (!line_text.empty()) line_text += ' ';
        line_text += p.text;
        prev = &p;
      }
      append_line(cell.text, line_text);
      if (!cell.text.empty()) ++filled;
      table.cells.push_back(std::move(cell));
    }
  }
  if (filled < 2) return std::nullopt;
  // The column header: the first row, and the row under it when a first-row cell spans columns.
  int header_rows = 1;
  for (const auto& cell : table.cells) {
    if (cell.row == 0 && cell.col_span > 1 && rows > 2) header_rows = 2;
  }
  for (auto& cell : table.cells) cell.column_header = cell.row < header_rows;
  return found;
}

}  // namespace

std::vector<FoundTable> find_tables(const Page& page) {
  std::vector<FoundTable> out;
  const double scale = page.ocr ? std::max(1.0, page.width / 612.0) : 1.0;  // pixels per point
  const double tol = kTouch * scale;
  auto segs = segments_of(page.graphics, scale);
  if (segs.size() < 4 || segs.size() > 4000) return out;  // more is a drawing, not a table
  DisjointSets sets(segs.size());
  for (size_t i = 0; i < segs.size(); ++i) {
    for (size_t j = i + 1; j < segs.size(); ++j) {
      if (touch(segs[i], segs[j], tol)) sets.join(i, j);
    }
  }
  std::vector<std::vector<Segment>> groups(segs.size());
  for (size_t i = 0; i < segs.size(); ++i) groups[sets.find(i)].push_back(segs[i]);
  for (const auto& g : groups) {
    if (g.size() < 4) continue;
    if (auto table = grid_table(page, g, tol)) out.push_back(std::move(*table));
  }
  std::sort(out.begin(), out.end(),
            [](const FoundTable& a, const FoundTable& b) { return a.block.box.t < b.block.box.t; });
  return out;
}

std::string table_text(const Table& table) {
  std::string out;
  int row = -1;
  for (const auto& cell : table.cells) {
    if (cell.row != row) {
      if (row >= 0) out += '\n';
      row = cell.row;
    } else {
      out += " | ";
    }
    out += cell.text;
  }
  return out;
}

}  // namespace ocrserve::document
