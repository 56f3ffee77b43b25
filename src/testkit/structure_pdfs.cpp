// Known-answer PDFs with document structure (see structure_pdfs.h). Each document is laid out
// once into a display list per page (measured on the PDF surface, so the PDF's metrics decide
// the line breaks), then replayed onto the PDF surface or, for a raster, onto an image surface.
#include "testkit/structure_pdfs.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>

#include "testkit/cairo_util.h"

namespace ocrserve::testkit {
namespace {

constexpr double kPageW = 612, kPageH = 792;  // US letter
constexpr double kMargin = 72;
constexpr double kTextW = kPageW - 2 * kMargin;
constexpr double kBottom = kPageH - kMargin;
constexpr double kPitch = 13;         // body baseline to baseline
constexpr double kParaGap = 6;        // extra space after a paragraph
constexpr double kCaptionPitch = 12;  // a caption line
constexpr double kListIndent = 18;    // hanging indent per list level
constexpr double kCellPadX = 6, kCellPadY = 5;
constexpr double kPi = 3.14159265358979323846;

struct Font {
  const char* family;
  double size;
  bool bold;
};
constexpr Font kBody{"DejaVu Sans", 10, false};
constexpr Font kBodyBold{"DejaVu Sans", 10, true};
constexpr Font kHeading1{"DejaVu Sans", 14, true};
constexpr Font kHeading2{"DejaVu Sans", 12, true};
constexpr Font kMono{"DejaVu Sans Mono", 9, false};
constexpr Font kCaption{"DejaVu Sans", 9, false};
constexpr Font kFurniture{"DejaVu Sans", 8, false};

void use(cairo_t* cr, const Font& f) {
  cairo_select_font_face(cr, f.family, CAIRO_FONT_SLANT_NORMAL,
                         f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, f.size);
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void join(std::string& to, const std::string& s, const char* sep = " ") {
  if (!to.empty()) to += sep;
  to += s;
}

bool is_int(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// tabulate(grid[1:], headers=grid[0], tablefmt="github") for text and integer columns.
std::string github_table(const std::vector<std::vector<std::string>>& grid) {
  const size_t cols = grid.at(0).size();
  std::vector<size_t> width(cols);
  std::vector<bool> right(cols);
  for (size_t c = 0; c < cols; ++c) {
    width[c] = grid[0][c].size() + 2;
    right[c] = grid.size() > 1;
    for (size_t r = 1; r < grid.size(); ++r) {
      width[c] = std::max(width[c], grid[r][c].size());
      right[c] = right[c] && is_int(grid[r][c]);
    }
  }
  auto row = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (size_t c = 0; c < cols; ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      out += ' ';
      out += right[c] ? pad : cells[c];
      out += right[c] ? cells[c] : pad;
      out += " |";
    }
    return out;
  };
  std::string out = row(grid[0]);
  out += "\n|";
  for (size_t c = 0; c < cols; ++c) {
    out.append(width[c] + 2, '-');
    out += '|';
  }
  for (size_t r = 1; r < grid.size(); ++r) {
    out += '\n';
    out += row(grid[r]);
  }
  return out;
}

using Op = std::function<void(cairo_t*)>;
using SharedSurface = std::shared_ptr<cairo_surface_t>;

struct ListItem {
  std::string marker;  // "•", "1.", ...
  std::string text;
  std::vector<ListItem> children;
};

struct TocEntry {
  int level;
  std::string text;
  std::string page;
};

struct PlacedLine {
  int page;
  std::string text;
};

// Lays a document out top to bottom into per-page display lists and collects its truth.
class Builder {
 public:
  explicit Builder(cairo_t* measure) : cr_(measure) { pages_.emplace_back(); }

  StructurePdf& truth() { return truth_; }
  const std::vector<std::vector<Op>>& pages() const { return pages_; }

  // A body paragraph flowed across pages; returns the lines as placed.
  std::vector<PlacedLine> paragraph(const std::string& text) {
    std::vector<PlacedLine> placed;
    for (const auto& line : wrap(text, kBody, kTextW)) {
      if (y_ + kPitch > kBottom) new_page();
      draw_text(kBody, kMargin, std::round(y_ + ascent(kBody)), line);
      placed.push_back({page(), line});
      y_ += kPitch;
    }
    y_ += kParaGap;
    blocks_.push_back(text);
    return placed;
  }

  void heading(const std::string& text, int level) {
    const Font& f = level == 1 ? kHeading1 : kHeading2;
    const double pitch = 1.3 * f.size;
    if (y_ > kMargin) y_ += kParaGap;
    if (y_ + pitch + 2 * kPitch > kBottom) new_page();  // keep with the next two lines
    draw_text(f, kMargin, std::round(y_ + ascent(f)), text);
    y_ += pitch + 4;
    blocks_.push_back(std::string(static_cast<size_t>(level) + 1, '#') + " " + text);
  }

  void list(const std::vector<ListItem>& items) {
    std::vector<std::string> md;
    list_items(items, 0, md);
    y_ += kParaGap - 3;
    std::string block;
    for (const auto& l : md) join(block, l, "\n");
    blocks_.push_back(block);
  }

  void code(const std::vector<std::string>& lines) {
    const double pitch = 11.5;
    ensure(pitch * static_cast<double>(lines.size()));
    std::string block = "```";
    for (const auto& l : lines) {
      if (!l.empty()) draw_text(kMono, kMargin + 18, std::round(y_ + ascent(kMono)), l);
      y_ += pitch;
      block += "\n" + l;
    }
    y_ += kParaGap + 2;
    blocks_.push_back(block + "\n```");
  }

  enum class TableStyle { kRuled, kFilled };

  // cells: row-major, spanning cells once at their top-left; every grid position covered once.
  void table(const std::vector<StructurePdf::Cell>& cells, TableStyle style) {
    int rows = 0, cols = 0;
    for (const auto& c : cells) {
      rows = std::max(rows, c.row + c.row_span);
      cols = std::max(cols, c.col + c.col_span);
    }
    std::vector<std::vector<int>> owner(static_cast<size_t>(rows),
                                        std::vector<int>(static_cast<size_t>(cols), -1));
    std::vector<std::vector<std::string>> grid(static_cast<size_t>(rows),
                                               std::vector<std::string>(static_cast<size_t>(cols)));
    std::vector<double> width(static_cast<size_t>(cols), 40);
    for (size_t i = 0; i < cells.size(); ++i) {
      const auto& c = cells[i];
      for (int r = c.row; r < c.row + c.row_span; ++r) {
        for (int k = c.col; k < c.col + c.col_span; ++k) {
          auto& o = owner[static_cast<size_t>(r)][static_cast<size_t>(k)];
          if (o != -1) throw std::logic_error("structure_pdfs: overlapping table cells");
          o = static_cast<int>(i);
          grid[static_cast<size_t>(r)][static_cast<size_t>(k)] = c.text;
        }
      }
    }
    for (const auto& row : owner) {
      for (int o : row) {
        if (o == -1) throw std::logic_error("structure_pdfs: table grid has a hole");
      }
    }
    // Column widths: the widest single-column cell; spanning cells widen their last column.
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& c : cells) {
        if ((c.col_span == 1) != (pass == 0)) continue;
        use(cr_, c.column_header ? kBodyBold : kBody);
        const double need = advance(cr_, c.text) + 2 * kCellPadX + 12;
        double have = 0;
        for (int k = c.col; k < c.col + c.col_span; ++k) have += width[static_cast<size_t>(k)];
        if (need > have) width[static_cast<size_t>(c.col + c.col_span - 1)] += need - have;
      }
    }
    const double row_h = kPitch + 2 * kCellPadY;
    std::vector<double> xs{kMargin};
    for (double w : width) xs.push_back(xs.back() + w);
    y_ += 6;
    ensure(row_h * rows);
    const double top = y_;
    auto yat = [&](int r) { return top + row_h * r; };
    if (style == TableStyle::kFilled) {
      for (const auto& c : cells) {
        const double x0 = xs[static_cast<size_t>(c.col)] + 1;
        const double x1 = xs[static_cast<size_t>(c.col + c.col_span)] - 1;
        const double y0 = yat(c.row) + 1, y1 = yat(c.row + c.row_span) - 1;
        const double gray = c.column_header ? 0.72 : 0.9;
        add([=](cairo_t* cr) {
          cairo_set_source_rgb(cr, gray, gray, gray);
          cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
          cairo_fill(cr);
        });
      }
    } else {
      // A rule between two grid positions unless one cell covers both; runs merged.
      auto differ = [&](int r0, int c0, int r1, int c1) {
        if (r0 < 0 || c0 < 0 || r1 >= rows || c1 >= cols) return true;
        return owner[static_cast<size_t>(r0)][static_cast<size_t>(c0)] !=
               owner[static_cast<size_t>(r1)][static_cast<size_t>(c1)];
      };
      for (int r = 0; r <= rows; ++r) {
        for (int c = 0; c < cols;) {
          if (!differ(r - 1, c, r, c)) {
            ++c;
            continue;
          }
          int e = c;
          while (e < cols && differ(r - 1, e, r, e)) ++e;
          rule(xs[static_cast<size_t>(c)], yat(r), xs[static_cast<size_t>(e)], yat(r));
          c = e;
        }
      }
      for (int c = 0; c <= cols; ++c) {
        for (int r = 0; r < rows;) {
          if (!differ(r, c - 1, r, c)) {
            ++r;
            continue;
          }
          int e = r;
          while (e < rows && differ(e, c - 1, e, c)) ++e;
          rule(xs[static_cast<size_t>(c)], yat(r), xs[static_cast<size_t>(c)], yat(e));
          r = e;
        }
      }
    }
    for (const auto& c : cells) {
      if (c.text.empty()) continue;
      const Font& f = c.column_header ? kBodyBold : kBody;
      draw_text(f, xs[static_cast<size_t>(c.col)] + kCellPadX,
                std::round(yat(c.row) + kCellPadY + ascent(f)), c.text);
    }
    y_ = top + row_h * rows + kParaGap + 8;
    truth_.tables.push_back(cells);
    blocks_.push_back(github_table(grid));
  }

  // Under a picture h points high that starts at y_: its caption, centered in small print, and
  // what docling writes for the two (the caption first).
  void caption_under(double h, const std::string& caption) {
    y_ += h + 8;
    use(cr_, kCaption);
    draw_text(kCaption, (kPageW - advance(cr_, caption)) / 2, std::round(y_ + ascent(kCaption)),
              caption);
    y_ += kCaptionPitch + kParaGap + 6;
    blocks_.push_back(caption);
    blocks_.push_back("<!-- image -->");
  }

  // A raster picture w x h points, centered, with a caption centered under it.
  void picture(const SharedSurface& image, double w, double h, const std::string& caption) {
    y_ += 6;
    ensure(h + 8 + kCaptionPitch);
    const double x = (kPageW - w) / 2, y = y_;
    const double sx = w / cairo_image_surface_get_width(image.get());
    const double sy = h / cairo_image_surface_get_height(image.get());
    add([=](cairo_t* cr) {
      cairo_save(cr);
      cairo_translate(cr, x, y);
      cairo_scale(cr, sx, sy);
      cairo_rectangle(cr, 0, 0, w / sx, h / sy);
      cairo_clip(cr);
      cairo_set_source_surface(cr, image.get(), 0, 0);
      cairo_paint(cr);
      cairo_restore(cr);
    });
    caption_under(h, caption);
  }

  // A bar chart drawn with vector paths (axes, bars, ticks) and small tick labels, w x h points,
  // centered, with a caption under it.
  void bar_chart(const std::vector<double>& values, double w, double h,
                 const std::string& caption) {
    y_ += 6;
    ensure(h + 8 + kCaptionPitch);
    const double x = (kPageW - w) / 2, y = y_;
    const double bar_w = (w - 30) / static_cast<double>(values.size());
    add([=](cairo_t* cr) {
      cairo_save(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_set_line_width(cr, 0.75);
      cairo_move_to(cr, x + 20, y);  // y axis, then x axis
      cairo_line_to(cr, x + 20, y + h - 12);
      cairo_line_to(cr, x + w, y + h - 12);
      cairo_stroke(cr);
      for (size_t i = 0; i < values.size(); ++i) {
        const double bh = (h - 20) * values[i];
        const double bx = x + 24 + bar_w * static_cast<double>(i);
        cairo_set_source_rgb(cr, 0.3, 0.45, 0.7);
        cairo_rectangle(cr, bx, y + h - 12 - bh, bar_w - 6, bh);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, bx + bar_w / 2 - 3, y + h - 12);  // a tick under each bar
        cairo_line_to(cr, bx + bar_w / 2 - 3, y + h - 9);
        cairo_stroke(cr);
      }
      cairo_restore(cr);
    });
    for (size_t i = 0; i < values.size(); ++i) {  // tick labels in small print
      const double bx = x + 24 + bar_w * static_cast<double>(i);
      draw_text(kCaption, bx + bar_w / 2 - 6, std::round(y + h), std::to_string(2015 + i));
    }
    caption_under(h, caption);
  }

  // Entries with dot leaders up to a right-aligned page number.
  void toc(const std::vector<TocEntry>& entries) {
    const double pitch = 16;
    std::string block;
    for (const auto& e : entries) {
      ensure(pitch);
      const double x = kMargin + kListIndent * e.level;
      const double baseline = std::round(y_ + ascent(kBody));
      use(cr_, kBody);
      const double text_end = x + advance(cr_, e.text) + 6;
      const double number_x = kMargin + kTextW - advance(cr_, e.page);
      const double dot = advance(cr_, ".");
      const auto dots =
          static_cast<size_t>(std::max(3.0, std::floor((number_x - 6 - text_end) / dot)));
      draw_text(kBody, x, baseline, e.text);
      draw_text(kBody, number_x - 6 - dot * static_cast<double>(dots), baseline,
                std::string(dots, '.'));
      draw_text(kBody, number_x, baseline, e.page);
      y_ += pitch;
      join(block, std::string(static_cast<size_t>(4 * e.level), ' ') + "- " + e.text + " " + e.page,
           "\n");
    }
    y_ += kParaGap;
    blocks_.push_back(block);
  }

  void new_page() {
    pages_.emplace_back();
    y_ = kMargin;
  }

  // Furniture on every page: `header` at the top left, the page number centered at the bottom.
  void running_furniture(const std::string& header) {
    for (size_t p = 0; p < pages_.size(); ++p) {
      const std::string number = std::to_string(p + 1);
      use(cr_, kFurniture);
      const double number_x = (kPageW - advance(cr_, number)) / 2;
      pages_[p].push_back(text_op(kFurniture, kMargin, 44, header));
      pages_[p].push_back(text_op(kFurniture, number_x, kPageH - 40, number));
      truth_.page_headers.push_back(header);
      truth_.page_footers.push_back(number);
    }
  }

  void finish() {
    truth_.pages = static_cast<int>(pages_.size());
    for (size_t i = 0; i < blocks_.size(); ++i) {
      truth_.markdown += blocks_[i];
      truth_.markdown += i + 1 < blocks_.size() ? "\n\n" : "\n";
    }
  }

 private:
  int page() const { return static_cast<int>(pages_.size()) - 1; }

  void ensure(double h) {
    if (y_ + h > kBottom && y_ > kMargin) new_page();
  }

  void add(Op op) { pages_.back().push_back(std::move(op)); }

  static Op text_op(const Font& f, double x, double baseline, const std::string& s) {
    return [=](cairo_t* cr) {
      use(cr, f);
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_move_to(cr, x, baseline);
      cairo_show_text(cr, s.c_str());
    };
  }

  void draw_text(const Font& f, double x, double baseline, const std::string& s) {
    add(text_op(f, x, baseline, s));
  }

  void rule(double x0, double y0, double x1, double y1) {
    add([=](cairo_t* cr) {
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_set_line_width(cr, 0.75);
      cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
      cairo_move_to(cr, x0, y0);
      cairo_line_to(cr, x1, y1);
      cairo_stroke(cr);
    });
  }

  double ascent(const Font& f) {
    use(cr_, f);
    cairo_font_extents_t fe;
    cairo_font_extents(cr_, &fe);
    return fe.ascent;
  }

  std::vector<std::string> wrap(const std::string& text, const Font& f, double width) {
    use(cr_, f);
    std::vector<std::string> lines;
    std::string line;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      const std::string word = text.substr(start, end - start);
      if (!line.empty() && advance(cr_, line + " " + word) > width) {
        lines.push_back(line);
        line.clear();
      }
      join(line, word);
      start = end + 1;
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
  }

  void list_items(const std::vector<ListItem>& items, int level, std::vector<std::string>& md) {
    const double marker_x = kMargin + kListIndent * level + 4;
    const double text_x = kMargin + kListIndent * (level + 1);
    for (const auto& item : items) {
      const auto lines = wrap(item.text, kBody, kMargin + kTextW - text_x);
      ensure(kPitch * static_cast<double>(lines.size()));
      const double baseline = std::round(y_ + ascent(kBody));
      draw_text(kBody, item.marker == "•" ? marker_x : marker_x - 4, baseline, item.marker);
      for (const auto& line : lines) {
        draw_text(kBody, text_x, std::round(y_ + ascent(kBody)), line);
        y_ += kPitch;
      }
      y_ += 3;
      const std::string marker = item.marker == "•" ? "-" : item.marker;
      md.push_back(std::string(4 * static_cast<size_t>(level), ' ') + marker + " " + item.text);
      list_items(item.children, level + 1, md);
    }
  }

  cairo_t* cr_;
  std::vector<std::vector<Op>> pages_;
  double y_ = kMargin;  // top of the free space on the current page
  std::vector<std::string> blocks_;
  StructurePdf truth_;
};

using Cell = StructurePdf::Cell;

Cell head(int row, int col, const std::string& text, int col_span = 1) {
  return Cell{row, col, 1, col_span, text, true};
}
Cell cell(int row, int col, const std::string& text) { return Cell{row, col, 1, 1, text, false}; }

std::vector<Cell> rows_to_cells(const std::vector<std::vector<std::string>>& rows) {
  std::vector<Cell> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const int ri = static_cast<int>(r), ci = static_cast<int>(c);
      out.push_back(r == 0 ? head(ri, ci, rows[r][c]) : cell(ri, ci, rows[r][c]));
    }
  }
  return out;
}

void ruled_grid(Builder& b) {
  b.heading("Results", 1);
  b.paragraph(
      "The table below lists the goods counted at the market on the first day of the survey, "
      "with the price asked for each unit.");
  b.table(rows_to_cells({{"Name", "Count", "Price", "Unit"},
                         {"Apples", "120", "3", "kg"},
                         {"Bread", "45", "2", "loaf"},
                         {"Cheese", "18", "12", "kg"},
                         {"Dates", "7", "9", "box"}}),
          Builder::TableStyle::kRuled);
  b.paragraph(
      "Prices were asked at three stalls and the lowest one is given. Counts are the number of "
      "units on display at noon.");
}

void spanning_cell(Builder& b) {
  b.paragraph(
      "Sales grew in every region last year. The table gives the number of units sold in each "
      "region for the two years, in thousands.");
  b.table({head(0, 0, "Region"), head(0, 1, "Sales", 2),  //
           head(1, 0, ""), head(1, 1, "2023"), head(1, 2, "2024"), cell(2, 0, "North"),
           cell(2, 1, "120"), cell(2, 2, "135"),                      //
           cell(3, 0, "South"), cell(3, 1, "98"), cell(3, 2, "110"),  //
           cell(4, 0, "East"), cell(4, 1, "143"), cell(4, 2, "151"),  //
           cell(5, 0, "West"), cell(5, 1, "87"), cell(5, 2, "95")},
          Builder::TableStyle::kRuled);
  b.paragraph("The East region sold the most units in both years.");
}

void background_table(Builder& b) {
  b.paragraph(
      "Each box of the kitchen set holds one piece of every kind. The pieces are listed below "
      "with their color and size.");
  b.table(rows_to_cells({{"Item", "Color", "Size"},
                         {"Cup", "Blue", "Small"},
                         {"Plate", "White", "Large"},
                         {"Bowl", "Green", "Medium"}}),
          Builder::TableStyle::kFilled);
  b.paragraph("All pieces can go into the dishwasher.");
}

void lists(Builder& b) {
  b.paragraph("The checklist below covers the steps of a routine visit to a weather station.");
  b.list({{"•", "Bring the key to the station gate.", {}},
          {"•",
           "Check the rain gauge, empty the funnel and write the reading in the log book before "
           "you leave the site, even when the gauge is empty.",
           {}},
          {"•", "Lock the gate when you leave.", {}}});
  b.paragraph("Back at the office, enter the readings in the following order.");
  b.list({{"1.", "Open the log book at the page of the visit.", {}},
          {"2.",
           "Copy the readings from the gauge into the table on the next free page of the "
           "register, one line for each day since the last visit.",
           {{"•", "Use a pencil so that mistakes can be corrected.", {}}}},
          {"3.", "Sign the page and add the date.", {}}});
}

void code(Builder& b) {
  b.paragraph(
      "The function below adds up the values of an array. It walks the array once and returns "
      "the total.");
  b.code({"int sum(const int* v, int n) {", "    int total = 0;",
          "    for (int i = 0; i < n; ++i) {", "        total += v[i];", "    }", "",
          "    return total;", "}"});
  b.paragraph("An empty array gives a total of zero.");
}

void running_headers(Builder& b) {
  b.paragraph("This edition replaces the previous one and covers the new coastal stations.");
  b.heading("1 Introduction", 1);
  b.paragraph(
      "This manual describes how the regional network of weather stations is organised, how "
      "each station is installed and maintained, and how the readings travel from the field to "
      "the archive. It is written for the technicians who visit the stations and for the staff "
      "who check the data when it arrives at the office. Each chapter can be read on its own, "
      "but the terms defined in this introduction are used throughout the rest of the text.");
  b.paragraph(
      "A station consists of a mast, a small enclosure for the instruments, a data logger and a "
      "battery that is charged by a solar panel. The mast carries the wind sensor at a height of "
      "ten metres above the ground, while the thermometer and the humidity sensor sit inside a "
      "ventilated screen at a height of two metres. The rain gauge stands on its own base a few "
      "metres away from the mast so that the mast does not shelter it from the wind.");
  b.paragraph(
      "The data logger reads every sensor once a minute and stores the values in its memory. "
      "Every hour it computes the mean, the minimum and the maximum of each quantity and sends "
      "these summaries to the office over the mobile network. When the network is not available "
      "the logger keeps the summaries and sends them as soon as the connection returns, so that "
      "no reading is lost during a short outage.");
  b.paragraph(
      "Stations are visited twice a year for routine maintenance and whenever the data show a "
      "fault that cannot be repaired remotely. During a routine visit the technician cleans the "
      "solar panel and the rain gauge, checks the battery voltage, compares the thermometer with "
      "a calibrated reference and replaces any sensor that has drifted beyond its tolerance. "
      "Every visit is recorded in the station log, together with the serial numbers of the "
      "sensors that were installed or removed.");
  b.paragraph(
      "The archive keeps the raw minute values for two years and the hourly summaries for as "
      "long as the station exists. Before a summary enters the archive it passes a set of "
      "automatic checks that look for values outside the physical range of the sensor, for "
      "sudden jumps between consecutive hours and for periods in which a sensor reports the same "
      "value for too long. Values that fail a check are kept but flagged, and a member of staff "
      "decides later whether they can be used.");
  b.paragraph(
      "Some stations share a site with other equipment, such as a river gauge or a seismic "
      "sensor. In that case the site has a single power supply and a single connection to the "
      "network, and the technicians of both services agree on the dates of their visits in "
      "advance. The layout of each shared site is drawn on a plan that is kept with the station "
      "log.");
  b.paragraph(
      "Power comes from a solar panel of sixty watts and a sealed battery that can run the "
      "station for ten days without sun. The logger switches off the heating of the rain gauge "
      "when the battery voltage falls below a set level, so that the sensors and the modem keep "
      "working for as long as possible during a long spell of dark weather in winter.");
  b.paragraph(
      "Each station has a number and a name. The number is given by the office when the station "
      "is first planned and is never used again, even after the station has been closed. The "
      "name is taken from the nearest village or landmark and may change when the station moves "
      "a short distance.");
  const auto split = b.paragraph(
      "The remaining sections of this chapter explain in more detail how a new station is "
      "chosen and prepared and how its first readings are compared with those of the nearest "
      "existing stations during a trial period of several weeks which continues until the "
      "technicians and the office agree that the new station behaves like its neighbours and "
      "that its readings can be trusted without further checks and the chapter closes with a "
      "short list of the forms that must be completed before the trial period can end.");
  // The point of the document: this paragraph runs from page 1 into page 2 mid-sentence.
  size_t first_on_2 = 0;
  while (first_on_2 < split.size() && split[first_on_2].page == 0) ++first_on_2;
  if (first_on_2 == 0 || first_on_2 == split.size() ||
      !std::isalpha(static_cast<unsigned char>(split[first_on_2 - 1].text.back())) ||
      !std::islower(static_cast<unsigned char>(split[first_on_2].text.front()))) {
    throw std::logic_error("structure_pdfs: running-headers paragraph does not cross pages");
  }
  b.heading("1.1 Details", 2);
  b.paragraph(
      "A candidate site must be open to the wind in every direction, free of large trees and "
      "buildings within a distance of at least ten times their height, and reachable by car in "
      "every season. The ground must be level and well drained so that water does not collect "
      "around the rain gauge after a storm.");
  b.paragraph(
      "Before the station is built the site is surveyed and photographed from each of the four "
      "main directions. The photographs are stored with the station log and are taken again at "
      "every routine visit, so that changes in the surroundings, such as a new building or a "
      "growing hedge, can be seen and their effect on the readings can be judged.");
  b.new_page();
  b.paragraph(
      "The trial period ends when the office has compared at least four weeks of readings with "
      "those of the neighbouring stations and found no difference that the distance between the "
      "sites cannot explain. The station then receives its permanent identifier and its data "
      "are published together with those of the rest of the network.");
  b.paragraph(
      "If the comparison shows a problem, the technicians visit the site again, look for the "
      "cause and repeat the trial. A station that fails the trial twice is moved to another site "
      "or removed from the network.");
  b.running_furniture("Structure Manual");
}

void table_of_contents(Builder& b) {
  b.paragraph("This report describes the survey of the coastal stations made last spring.");
  b.heading("Contents", 1);
  b.toc({{0, "1 Introduction", "2"},
         {1, "1.1 Scope", "2"},
         {1, "1.2 Terms", "2"},
         {0, "2 Methods", "3"},
         {1, "2.1 Sampling", "3"},
         {0, "3 Results", "3"}});
  b.new_page();
  b.heading("1 Introduction", 1);
  b.paragraph(
      "The survey visited every coastal station once and recorded the state of its "
      "instruments, its power supply and its surroundings.");
  b.heading("1.1 Scope", 2);
  b.paragraph("The survey covers the twelve stations within five kilometres of the coast.");
  b.heading("1.2 Terms", 2);
  b.paragraph(
      "A station is a mast with its instruments. A site is the fenced area around one or more "
      "stations.");
  b.new_page();
  b.heading("2 Methods", 1);
  b.paragraph("Each station was inspected by two technicians using the same checklist.");
  b.heading("2.1 Sampling", 2);
  b.paragraph("Readings were taken at noon on the day of the visit.");
  b.heading("3 Results", 1);
  b.paragraph("Ten of the twelve stations were in good order; two need a new battery.");
}

// A 400 x 240 test pattern: colored quarters, a grid and a black ring.
SharedSurface test_pattern() {
  SharedSurface s(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 240), cairo_surface_destroy);
  ContextPtr cr(cairo_create(s.get()));
  const double colors[4][3] = {
      {0.85, 0.2, 0.2}, {0.2, 0.6, 0.25}, {0.2, 0.35, 0.8}, {0.95, 0.8, 0.2}};
  for (int q = 0; q < 4; ++q) {
    cairo_set_source_rgb(cr.get(), colors[q][0], colors[q][1], colors[q][2]);
    cairo_rectangle(cr.get(), (q % 2) * 200, (q / 2) * 120, 200, 120);
    cairo_fill(cr.get());
  }
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_set_line_width(cr.get(), 2);
  for (int x = 20; x < 400; x += 40) {
    cairo_move_to(cr.get(), x, 0);
    cairo_line_to(cr.get(), x, 240);
  }
  for (int y = 20; y < 240; y += 40) {
    cairo_move_to(cr.get(), 0, y);
    cairo_line_to(cr.get(), 400, y);
  }
  cairo_stroke(cr.get());
  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  cairo_set_line_width(cr.get(), 12);
  cairo_arc(cr.get(), 200, 120, 70, 0, 2 * kPi);
  cairo_stroke(cr.get());
  cairo_surface_flush(s.get());
  return s;
}

void picture_caption(Builder& b) {
  b.paragraph(
      "The pattern below is printed at the start of every calibration run so that the colors "
      "and the geometry of the scanner can be checked by eye.");
  b.picture(test_pattern(), 200, 120, "Figure 1: A test pattern.");
  b.paragraph(
      "If the ring does not look round or the grid lines are not straight, the scanner needs "
      "to be adjusted.");
}

void vector_chart(Builder& b) {
  b.paragraph(
      "Deliveries grew every year until the new depot opened, as the chart of yearly totals "
      "shows.");
  b.bar_chart({0.3, 0.45, 0.5, 0.7, 0.85, 0.6, 0.9, 1.0}, 260, 140,
              "Figure 2: Deliveries per year.");
  b.paragraph("The drop in the sixth year came from the closure of the old depot for repairs.");
}

struct Entry {
  const char* name;
  void (*build)(Builder&);
};
constexpr Entry kDocuments[] = {
    {"ruled-grid", ruled_grid},
    {"spanning-cell", spanning_cell},
    {"background-table", background_table},
    {"lists", lists},
    {"code", code},
    {"running-headers", running_headers},
    {"table-of-contents", table_of_contents},
    {"picture-caption", picture_caption},
    {"vector-chart", vector_chart},
};

struct Built {
  StructurePdf truth;
  std::vector<std::vector<Op>> pages;
};

Built build(const std::string& name) {
  const Entry* entry = nullptr;
  for (const auto& e : kDocuments) {
    if (name == e.name) entry = &e;
  }
  if (!entry) throw std::invalid_argument("structure_pdf: unknown document '" + name + "'");
  Built out;
  std::string bytes;
  {
    SurfacePtr pdf(cairo_pdf_surface_create_for_stream(append, &bytes, kPageW, kPageH));
    if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error("structure_pdf: cannot create a PDF surface");
    }
    ContextPtr measure(cairo_create(pdf.get()));
    Builder b(measure.get());
    entry->build(b);
    b.finish();
    out.truth = std::move(b.truth());
    out.pages = b.pages();
    for (const auto& page : out.pages) {
      ContextPtr cr(cairo_create(pdf.get()));
      for (const auto& op : page) op(cr.get());
      cairo_show_page(cr.get());
    }
    measure.reset();
    cairo_surface_finish(pdf.get());
    if (cairo_surface_status(pdf.get()) != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error("structure_pdf: cairo error");
    }
  }
  out.truth.name = name;
  out.truth.pdf = std::move(bytes);
  return out;
}

}  // namespace

std::vector<std::string> structure_pdf_names() {
  std::vector<std::string> out;
  for (const auto& e : kDocuments) out.emplace_back(e.name);
  return out;
}

std::vector<StructurePdf> structure_pdfs() {
  std::vector<StructurePdf> out;
  for (const auto& e : kDocuments) out.push_back(structure_pdf(e.name));
  return out;
}

StructurePdf structure_pdf(const std::string& name) { return build(name).truth; }

RenderedPage structure_page_raster(const std::string& name, int page, double dpi) {
  const Built built = build(name);
  if (page < 0 || page >= static_cast<int>(built.pages.size())) {
    throw std::out_of_range("structure_page_raster: no such page");
  }
  if (!(dpi > 0 && dpi <= 1200)) throw std::invalid_argument("structure_page_raster: bad dpi");
  const double s = dpi / 72.0;
  RenderedPage out;
  out.width = static_cast<int>(std::ceil(kPageW * s));
  out.height = static_cast<int>(std::ceil(kPageH * s));
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, out.width, out.height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error("structure_page_raster: cannot create an image surface");
  }
  {
    ContextPtr cr(cairo_create(surface.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_scale(cr.get(), s, s);
    FontOptionsPtr opts(cairo_font_options_create());
    cairo_font_options_set_antialias(opts.get(), CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(opts.get(), CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_hint_metrics(opts.get(), CAIRO_HINT_METRICS_OFF);
    cairo_set_font_options(cr.get(), opts.get());
    for (const auto& op : built.pages[static_cast<size_t>(page)]) op(cr.get());
  }
  cairo_surface_flush(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const auto stride = static_cast<size_t>(cairo_image_surface_get_stride(surface.get()));
  const auto w = static_cast<size_t>(out.width), h = static_cast<size_t>(out.height);
  out.rgb.resize(w * h * 3);
  for (size_t y = 0; y < h; ++y) {
    for (size_t x = 0; x < w; ++x) {
      uint32_t p;
      std::memcpy(&p, data + y * stride + x * 4, 4);
      uint8_t* o = &out.rgb[(y * w + x) * 3];
      o[0] = static_cast<uint8_t>(p >> 16);
      o[1] = static_cast<uint8_t>(p >> 8);
      o[2] = static_cast<uint8_t>(p);
    }
  }
  return out;
}

}  // namespace ocrserve::testkit
