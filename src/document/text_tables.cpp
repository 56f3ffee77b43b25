#include "document/text_tables.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "document/layout_math.h"
#include "document/paragraphs.h"

namespace ocrserve::document {

namespace {

struct Piece {
  std::string text;
  Box box;
  size_t words = 0;
};

struct Row {
  std::vector<size_t> line_ids;
  std::vector<Piece> pieces;
  Box box;
  double size = 0;
  bool candidate = false;
  bool code = false;
};

// The row's words left to right, cut into pieces at wide gaps.
std::vector<Piece> pieces_of(const Page& page, const std::vector<size_t>& line_ids, double size) {
  std::vector<Word> words;
  for (size_t i : line_ids) {
    const TextLine& line = page.lines[i];
    if (line.words.empty()) {
      words.push_back({line.text, line.box});  // an OCR line: one piece
    } else {
      words.insert(words.end(), line.words.begin(), line.words.end());
    }
  }
  std::sort(words.begin(), words.end(),
            [](const Word& a, const Word& b) { return a.box.l < b.box.l; });
  std::vector<Piece> out;
  for (const auto& w : words) {
    if (out.empty() || w.box.l - out.back().box.r > 1.2 * size) {
      out.push_back({w.text, w.box, word_count(w.text)});
    } else {
      out.back().text += ' ' + w.text;
      out.back().box = out.back().box.united(w.box);
      out.back().words += word_count(w.text);
    }
  }
  return out;
}

std::vector<Row> rows_of(const Page& page, const std::vector<bool>& free) {
  std::vector<size_t> ids;
  for (size_t i = 0; i < page.lines.size(); ++i) {
    if (free[i]) ids.push_back(i);
  }
  std::sort(ids.begin(), ids.end(),
            [&](size_t a, size_t b) { return page.lines[a].box.t < page.lines[b].box.t; });
  std::vector<Row> rows;
  for (size_t i : ids) {
    const Box& box = page.lines[i].box;
    if (!rows.empty()) {
      Row& row = rows.back();
      // Against the row's first line: a row's box grows and must not reach into the next.
      const Box& first = page.lines[row.line_ids.front()].box;
      if (first.shares_row_with(box)) {
        row.line_ids.push_back(i);
        row.box = row.box.united(box);
        continue;
      }
    }
    Row row;
    row.line_ids = {i};
    row.box = box;
    rows.push_back(std::move(row));
  }
  for (auto& row : rows) {
    std::vector<double> sizes;
    bool code = true, leaders = false;
    for (size_t i : row.line_ids) {
      sizes.push_back(type_size(page, page.lines[i]));
      code = code && page.lines[i].monospace && !page.ocr;
      leaders = leaders || has_dot_leaders(page.lines[i].text);
    }
    row.size = std::max(1e-3, median(sizes));
    row.pieces = pieces_of(page, row.line_ids, row.size);
    row.code = code;
    // Short cells; a later column may hold a sentence ("a special type that matches ...").
    row.candidate = !leaders && !row.pieces.empty() && row.pieces.front().words <= 8;
    for (size_t k = 1; k < row.pieces.size(); ++k) {
      row.candidate = row.candidate && row.pieces[k].words <= 16;
    }
  }
  return rows;
}

// Column starts shared by the rows: piece left edges clustered within tol, kept when at least
// 40% of the rows (and 2) have a piece there.
std::vector<double> column_starts(const std::vector<Row>& rows, size_t from, size_t to,
                                  double tol) {
  std::vector<double> lefts;
  for (size_t r = from; r < to; ++r) {
    for (const auto& p : rows[r].pieces) lefts.push_back(p.box.l);
  }
  std::sort(lefts.begin(), lefts.end());
  std::vector<double> out;
  const double needed = std::max(2.0, 0.4 * static_cast<double>(to - from));
  for (size_t i = 0; i < lefts.size();) {
    size_t j = i;
    while (j < lefts.size() && lefts[j] - lefts[i] <= tol) ++j;
    if (static_cast<double>(j - i) >= needed) out.push_back(lefts[i]);
    i = j;
  }
  return out;
}

// Does every piece of the row start at one of the columns, each column once at most?
// The row's cells: each piece that starts at a column opens that column's cell, and a piece
// further inside the column (a justified line's wide space) joins it. Empty when the row does
// not fit the columns: a piece that starts a column's range anywhere but at its start.
std::optional<std::vector<Piece>> cells_of(const Row& row, const std::vector<double>& cols,
                                           double tol) {
  std::vector<Piece> cells(cols.size());
  std::vector<bool> open(cols.size(), false);
  for (const auto& p : row.pieces) {
    size_t c = cols.size();
    for (size_t k = 0; k < cols.size(); ++k) {
      if (p.box.l >= cols[k] - tol) c = k;
    }
    if (c == cols.size()) return std::nullopt;
    if (!open[c]) {
      if (std::abs(p.box.l - cols[c]) > tol) return std::nullopt;
      open[c] = true;
      cells[c] = p;
      continue;
    }
    cells[c].text += ' ' + p.text;
    cells[c].box = cells[c].box.united(p.box);
    cells[c].words += p.words;
  }
  return cells;
}

bool fits_columns(const Row& row, const std::vector<double>& cols, double tol) {
  return cells_of(row, cols, tol).has_value();
}

struct Style {
  bool bold = false, italic = false, mono = false;
  bool operator==(const Style&) const = default;
};

Style style_of(const Page& page, const Row& row) {
  Style s{true, true, true};
  for (size_t i : row.line_ids) {
    s.bold = s.bold && page.lines[i].bold;
    s.italic = s.italic && page.lines[i].italic;
    s.mono = s.mono && page.lines[i].monospace;
  }
  return s;
}

FoundTable make_table(const Page& page, const std::vector<Row>& rows, size_t from, size_t to,
                      const std::vector<double>& cols, double tol) {
  FoundTable found;
  Block& block = found.block;
  block.label = Label::kTable;
  block.ocr = page.ocr;
  block.box = rows[from].box;
  // Table rows: a line with nothing in the first column under a filled one wraps that row's
  // cells ("Rdefines.h   macros for ... above" / "(no longer maintained)").
  struct TableRow {
    std::vector<std::string> texts;
    std::vector<Box> boxes;
    Box box;
  };
  std::vector<TableRow> table_rows;
  for (size_t r = from; r < to; ++r) {
    const Row& row = rows[r];
    block.box = block.box.united(row.box);
    for (size_t i : row.line_ids) {
      found.line_ids.push_back(i);
      block.confidence = std::min(block.confidence, page.lines[i].confidence);
    }
    const auto cells = cells_of(row, cols, tol).value_or(std::vector<Piece>(cols.size()));
    std::vector<const Piece*> at(cols.size(), nullptr);
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!cells[c].text.empty()) at[c] = &cells[c];
    }
    const bool wraps = r > from + 1 && !at[0] && row.pieces.size() == 1 && !table_rows.empty() &&
                       !table_rows.back().texts[0].empty();
    if (!wraps) {
      TableRow fresh;
      fresh.texts.resize(cols.size());
      fresh.box = row.box;
      for (size_t c = 0; c < cols.size(); ++c) {
        const double right = c + 1 < cols.size() ? cols[c + 1] : row.box.r;
        fresh.boxes.push_back({cols[c], row.box.t, std::max(cols[c] + 1, right), row.box.b});
      }
      table_rows.push_back(std::move(fresh));
    }
    TableRow& target = table_rows.back();
    target.box = target.box.united(row.box);
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!at[c]) continue;
      const bool first = target.texts[c].empty();
      append_line(target.texts[c], at[c]->text);
      target.boxes[c] = first ? at[c]->box : target.boxes[c].united(at[c]->box);
    }
  }
  // A first row set apart in style (bold, italic, not code) is the column header.
  const bool header =
      to > from + 1 && !(style_of(page, rows[from]) == style_of(page, rows[from + 1]));
  Table& table = block.table;
  table.num_rows = static_cast<int>(table_rows.size());
  table.num_cols = static_cast<int>(cols.size());
  for (size_t r = 0; r < table_rows.size(); ++r) {
    for (size_t c = 0; c < cols.size(); ++c) {
      TableCell cell;
      cell.row = static_cast<int>(r);
      cell.col = static_cast<int>(c);
      cell.column_header = header && r == 0;
      cell.text = table_rows[r].texts[c];
      cell.box = table_rows[r].boxes[c];
      table.cells.push_back(std::move(cell));
    }
  }
  return found;
}

// Columns of running text: in every column most pieces are several words long, or end near the
// column's right edge, where a table's cells are mostly short and end wherever their text does.
bool text_columns(const std::vector<Row>& rows, size_t from, size_t to,
                  const std::vector<double>& cols, double tol) {
  for (size_t c = 0; c < cols.size(); ++c) {
    std::vector<const Piece*> pieces;
    double right = -1e18;
    for (size_t r = from; r < to; ++r) {
      for (const auto& p : rows[r].pieces) {
        if (std::abs(p.box.l - cols[c]) > tol) continue;
        pieces.push_back(&p);
        right = std::max(right, p.box.r);
      }
    }
    if (pieces.empty()) return false;
    const double width = right - cols[c];
    size_t full = 0, long_pieces = 0;
    for (const Piece* p : pieces) {
      full += (p->words >= 3 && p->box.r >= right - 0.25 * width) ? 1 : 0;
      long_pieces += p->words >= 4 ? 1 : 0;
    }
    if (10 * full < 7 * pieces.size() && 2 * long_pieces < pieces.size()) return false;
  }
  return true;
}

// Code with its comments lined up: a column of pieces that start like comments.
bool commented_code(const std::vector<Row>& rows, size_t from, size_t to) {
  size_t comments = 0, later = 0;
  for (size_t r = from; r < to; ++r) {
    for (size_t k = 1; k < rows[r].pieces.size(); ++k) {
      const std::string& t = rows[r].pieces[k].text;
      ++later;
      if (t.rfind("#", 0) == 0 || t.rfind("//", 0) == 0 || t.rfind("/*", 0) == 0 ||
          t.rfind("--", 0) == 0 || t.rfind(";", 0) == 0)
        ++comments;
    }
  }
  return later > 0 && 2 * comments >= later;
}

// A picture drawn with characters (dashes, bars, dots): long pieces without letters or digits.
bool drawn_with_text(const std::vector<Row>& rows, size_t from, size_t to) {
  size_t pieces = 0, bare = 0;
  for (size_t r = from; r < to; ++r) {
    for (const auto& p : rows[r].pieces) {
      ++pieces;
      const bool has_alnum = std::any_of(p.text.begin(), p.text.end(), [](char c) {
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
      });
      const size_t chars = codepoints(p.text);
      size_t alnum = 0;
      for (char c : p.text)
        alnum += ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
      // Long runs of symbols ("-------", "| | |"); short ones are operators ("+", "%%").
      if (chars >= 4 && (!has_alnum || 3 * alnum < chars)) ++bare;
    }
  }
  return 10 * bare > 3 * pieces;
}

// The rows [from, to) as a table, if they make one; the rows that do not fit its columns split
// it into parts judged alone.
void tables_in_run(const Page& page, const std::vector<Row>& rows, size_t from, size_t to,
                   int depth, std::vector<FoundTable>& out) {
  // A table starts at a row of several pieces; lines the run took in around it (the end of a
  // paragraph, "with") are not at its columns.
  while (from < to && rows[from].pieces.size() < 2) ++from;
  if (to < from + 3) return;
  const double tol = 0.6 * rows[from].size;
  const auto cols = column_starts(rows, from, to, tol);
  if (cols.size() < 2 || cols.size() > 10) return;
  std::vector<bool> fits(to - from);
  for (size_t k = from; k < to; ++k) fits[k - from] = fits_columns(rows[k], cols, tol);
  if (std::find(fits.begin(), fits.end(), false) != fits.end()) {
    if (depth >= 3) return;
    for (size_t k = from; k < to;) {
      size_t end = k;
      while (end < to && fits[end - from]) ++end;
      if (end > k) tables_in_run(page, rows, k, end, depth + 1, out);
      k = end + 1;
    }
    return;
  }
  size_t multi = 0;
  for (size_t k = from; k < to; ++k) multi += rows[k].pieces.size() >= 2 ? 1 : 0;
  auto first = rows.begin() + static_cast<std::ptrdiff_t>(from);
  auto last = rows.begin() + static_cast<std::ptrdiff_t>(to);
  // All of it in a monospace font is code or program output that lines up, unless a header row
  // in another type says it is a table, or its cells are names: no code punctuation, few numbers
  // (".C   R_CMethodDef").
  size_t pieces = 0, numbers = 0, punctuated = 0;
  for (auto row = first; row != last; ++row) {
    for (const auto& p : row->pieces) {
      ++pieces;
      numbers +=
          std::any_of(p.text.begin(), p.text.end(), [](char c) { return c >= '0' && c <= '9'; });
      punctuated += p.text.find_first_of("();={}<>\"'$#") != std::string::npos;
    }
  }
  const bool names = punctuated == 0 && 10 * numbers < 3 * pieces;
  const bool all_code =
      std::all_of(first + 1, last, [](const Row& x) { return x.code; }) && first->code && !names;
  // A column holding one text on every row ("[Function]") labels definitions, not cells.
  bool repeated = false;
  for (size_t c = 0; c < cols.size() && !repeated; ++c) {
    std::string seen;
    size_t same = 0;
    for (size_t k = from; k < to; ++k) {
      for (const auto& p : rows[k].pieces) {
        if (std::abs(p.box.l - cols[c]) > tol) continue;
        if (seen.empty()) seen = p.text;
        same += p.text == seen ? 1 : 0;
      }
    }
    repeated = same == to - from;
  }
  // Rows with one piece (an empty cell) may sit in a table, but most rows have several.
  // Two columns whose second one is sentences ("C-a   Go to the beginning of the line.") are
  // a list of terms and their definitions.
  size_t second = 0, sentences = 0;
  if (cols.size() == 2) {
    for (size_t k = from; k < to; ++k) {
      for (const auto& p : rows[k].pieces) {
        if (std::abs(p.box.l - cols[1]) > tol) continue;
        ++second;
        sentences += ends_sentence(p.text) ? 1 : 0;
      }
    }
  }
  const bool definitions = second > 0 && 2 * sentences >= second;
  if (2 * multi >= to - from && !all_code && !repeated && !definitions &&
      !commented_code(rows, from, to) && !drawn_with_text(rows, from, to) &&
      !text_columns(rows, from, to, cols, tol)) {
    auto table = make_table(page, rows, from, to, cols, tol);
    if (table.block.table.num_rows >= 3) out.push_back(std::move(table));
  }
}

}  // namespace

std::vector<FoundTable> find_text_tables(const Page& page, const std::vector<bool>& free) {
  std::vector<FoundTable> out;
  if (page.ocr) return out;  // OCR lines have no word gaps or fonts to go by
  const auto rows = rows_of(page, free);
  size_t r = 0;
  while (r < rows.size()) {
    if (!rows[r].candidate) {
      ++r;
      continue;
    }
    // The run of candidate rows at line spacing from each other.
    size_t end = r + 1;
    while (end < rows.size() && rows[end].candidate &&
           rows[end].box.t - rows[end - 1].box.b < 1.2 * rows[end].box.height())
      ++end;
    tables_in_run(page, rows, r, end, 0, out);
    r = end;
  }
  return out;
}

}  // namespace ocrserve::document
