#include "document/paragraphs.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "document/layout_math.h"

namespace ocrserve::document {

namespace {

bool starts_lowercase(const std::string& s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (static_cast<unsigned char>(c) >= 0x80);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_roman(const std::string& s) {
  return !s.empty() && s.size() <= 6 && s.find_first_not_of("ivxlc") == std::string::npos;
}

// Bullets as UTF-8: • ◦ ▪ ‣ ⁃ – — · ○ ■ □ ● ➢ ✓ ►, and the ASCII - and *.
constexpr const char* kBullets[] = {"\u2022", "\u25E6", "\u25AA", "\u2023", "\u2043", "\u2013",
                                    "\u2014", "\u00B7", "\u25CB", "\u25A0", "\u25A1", "\u25CF",
                                    "\u27A2", "\u2713", "\u25BA", "-",      "*"};

// The enumerator of "1." "12)" "a." "b)" "iv." "(3)" "(c)" "(ii)", or empty.
bool enumerator(const std::string& word) {
  if (word.size() < 2) return false;
  std::string core;
  if (word.front() == '(' && word.back() == ')') {
    core = word.substr(1, word.size() - 2);
  } else if (word.back() == '.' || word.back() == ')') {
    core = word.substr(0, word.size() - 1);
  } else {
    return false;
  }
  if (core.empty()) return false;
  if (core.size() <= 3 && std::all_of(core.begin(), core.end(), is_digit)) return true;
  if (core.size() == 1 && core[0] >= 'a' && core[0] <= 'z') return true;
  if (core.size() == 1 && core[0] >= 'A' && core[0] <= 'Z' && word.back() == ')') return true;
  return is_roman(core) && word.back() != '.';  // "iv." would also catch the word "vi."
}

bool same_style(const Page& page, const TextLine& a, const TextLine& b) {
  const double sa = type_size(page, a), sb = type_size(page, b);
  return std::max(sa, sb) <= 1.12 * std::min(sa, sb) && a.bold == b.bold;
}

// The text of code lines: indentation and the space between words from their positions, blank
// lines from the vertical spacing.
std::string code_text(const Page& page, const std::vector<TextLine>& lines,
                      const std::vector<size_t>& ids) {
  std::vector<double> advances, pitches;
  double left = 1e18;
  for (size_t k = 0; k < ids.size(); ++k) {
    const TextLine& line = lines[ids[k]];
    const size_t n = codepoints(line.text);
    if (n >= 4) advances.push_back(line.box.width() / static_cast<double>(n));
    left = std::min(left, line.box.l);
    if (k > 0) pitches.push_back(line.box.t - lines[ids[k - 1]].box.t);
  }
  double advance = median(advances);
  if (advance <= 0) advance = 0.6 * type_size(page, lines[ids.front()]);
  const double pitch = pitches.empty() ? 0 : median(pitches);
  auto spaces = [&](double width) {
    return static_cast<size_t>(std::max(0.0, std::round(width / advance)));
  };
  std::string out;
  for (size_t k = 0; k < ids.size(); ++k) {
    const TextLine& line = lines[ids[k]];
    if (k > 0) {
      out += '\n';
      const double step = line.box.t - lines[ids[k - 1]].box.t;
      if (pitch > 0 && step > 1.5 * pitch) {
        const auto blanks = static_cast<size_t>(std::round(step / pitch)) - 1;
        out.append(std::min<size_t>(blanks, 3), '\n');
      }
    }
    out.append(spaces(line.box.l - left), ' ');
    if (line.words.empty()) {
      out += line.text;
      continue;
    }
    for (size_t w = 0; w < line.words.size(); ++w) {
      if (w > 0) {
        out.append(std::max<size_t>(1, spaces(line.words[w].box.l - line.words[w - 1].box.r)), ' ');
      }
      out += line.words[w].text;
    }
  }
  return out;
}

// Where a list item's own text starts, right of its marker.
double item_text_left(const TextLine& line, const ListMarker& marker) {
  if (line.words.size() >= 2 && line.words[0].text == marker.marker) return line.words[1].box.l;
  const double per_byte =
      line.box.width() / static_cast<double>(std::max<size_t>(1, line.text.size()));
  return line.box.l + per_byte * static_cast<double>(marker.length);
}

// The lines top to bottom, lines that share a row (a gap split them) joined into one.
std::vector<TextLine> rows_of(const Page& page, std::vector<size_t> ids) {
  const auto& lines = page.lines;
  std::sort(ids.begin(), ids.end(), [&](size_t a, size_t b) {
    const Box &x = lines[a].box, &y = lines[b].box;
    if (x.shares_row_with(y)) return x.l < y.l;
    return x.t < y.t;
  });
  std::vector<TextLine> rows;
  std::vector<double> mono_chars, bold_chars, chars;
  for (size_t i : ids) {
    const TextLine& line = lines[i];
    const double n = static_cast<double>(codepoints(line.text));
    if (!rows.empty()) {
      TextLine& row = rows.back();
      if (row.box.shares_row_with(line.box) && line.box.l >= row.box.r - 1) {
        if (n > chars.back()) row.font_size = line.font_size;
        row.text += ' ';
        row.text += line.text;
        row.box = row.box.united(line.box);
        row.confidence = std::min(row.confidence, line.confidence);
        row.words.insert(row.words.end(), line.words.begin(), line.words.end());
        chars.back() += n;
        mono_chars.back() += line.monospace ? n : 0;
        bold_chars.back() += line.bold ? n : 0;
        row.monospace = mono_chars.back() > 0.8 * chars.back();
        row.bold = bold_chars.back() > 0.6 * chars.back();
        continue;
      }
    }
    rows.push_back(line);
    chars.push_back(n);
    mono_chars.push_back(line.monospace ? n : 0);
    bold_chars.push_back(line.bold ? n : 0);
  }
  return rows;
}

double first_word_width(const TextLine& line) {
  if (!line.words.empty()) return line.words.front().box.width();
  const auto space = line.text.find(' ');
  const size_t n = codepoints(line.text);
  const double word = static_cast<double>(space == std::string::npos ? n : space);
  return line.box.width() * word / static_cast<double>(std::max<size_t>(1, n));
}

enum class Kind { kText, kList, kCode };

}  // namespace

std::optional<ListMarker> list_marker(const std::string& text) {
  for (const char* bullet : kBullets) {
    const std::string b = bullet;
    if (text.rfind(b, 0) != 0) continue;
    const bool ascii = b.size() == 1;
    if (text.size() == b.size()) return std::nullopt;
    const bool spaced = text[b.size()] == ' ';
    // "-" and "*" must stand apart ("-5 degrees", "*args"); a real bullet may touch its text.
    if (ascii && !spaced) return std::nullopt;
    if (b == "\u2013" || b == "\u2014") {
      if (!spaced) return std::nullopt;
    }
    ListMarker m;
    m.marker = b;
    m.length = b.size() + (spaced ? 1 : 0);
    if (m.length >= text.size()) return std::nullopt;
    return m;
  }
  const auto space = text.find(' ');
  if (space == std::string::npos || space + 1 >= text.size()) return std::nullopt;
  const std::string first = text.substr(0, space);
  if (!enumerator(first)) return std::nullopt;
  ListMarker m;
  m.marker = first;
  m.enumerated = true;
  m.length = space + 1;
  return m;
}

bool has_dot_leaders(const std::string& text) {
  // Five dots in a row, or ". . . ." (dots each followed by a space).
  if (text.find(".....") != std::string::npos) return true;
  if (text.find(". . . .") != std::string::npos) return true;
  if (text.find("\u2026\u2026") != std::string::npos) return true;  // "……"
  // A long entry leaves room for only a few dots before its page number: "Title . . 8".
  size_t end = text.size();
  while (end > 0 && text[end - 1] >= '0' && text[end - 1] <= '9') --end;
  if (end == text.size() || end < 4) return false;
  const std::string before = text.substr(0, end);
  return before.ends_with(". . ") || before.ends_with("...") || before.ends_with(".. ");
}

std::string without_dot_leaders(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    // A leader: a run of dots, spaces and ellipses holding at least 3 dots.
    size_t j = i, dots = 0;
    while (j < text.size()) {
      if (text[j] == '.') {
        ++dots;
        ++j;
      } else if (text[j] == ' ') {
        ++j;
      } else if (text.compare(j, 3, "\u2026") == 0) {
        dots += 3;
        j += 3;
      } else {
        break;
      }
    }
    if (dots >= 3 && j > i) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (!out.empty() && j < text.size()) out += ' ';
      i = j;
      continue;
    }
    out += text[i++];
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool ends_sentence(const std::string& text) {
  size_t n = text.size();
  while (n > 0 && (text[n - 1] == ')' || text[n - 1] == '"' || text[n - 1] == '\'' ||
                   text[n - 1] == ']' || text[n - 1] == ' '))
    --n;
  // Closing curly quotes ’ ” end in 0x99 / 0x9D after E2 80.
  while (n >= 3 && static_cast<unsigned char>(text[n - 3]) == 0xE2 &&
         static_cast<unsigned char>(text[n - 2]) == 0x80 &&
         (static_cast<unsigned char>(text[n - 1]) == 0x99 ||
          static_cast<unsigned char>(text[n - 1]) == 0x9D))
    n -= 3;
  if (n == 0) return false;
  const char c = text[n - 1];
  return c == '.' || c == '!' || c == '?' || c == ':';
}

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

std::vector<Block> region_blocks(const Page& page, std::vector<size_t> ids,
                                 const BodyMeasures& body) {
  std::vector<Block> out;
  if (ids.empty()) return out;
  const auto lines = rows_of(page, std::move(ids));
  ids.resize(lines.size());
  std::iota(ids.begin(), ids.end(), 0);
  double left = 1e18, right = -1e18;
  for (size_t i : ids) {
    left = std::min(left, lines[i].box.l);
    right = std::max(right, lines[i].box.r);
  }

  std::vector<size_t> current;
  Kind kind = Kind::kText;
  std::optional<ListMarker> marker;
  double text_left = 0;
  bool toc = false;
  auto flush = [&] {
    if (current.empty()) return;
    Block block;
    block.ocr = page.ocr;
    block.box = lines[current.front()].box;
    std::vector<double> sizes;
    size_t bold = 0;
    for (size_t i : current) {
      block.box = block.box.united(lines[i].box);
      block.confidence = std::min(block.confidence, lines[i].confidence);
      sizes.push_back(type_size(page, lines[i]));
      bold += lines[i].bold ? 1 : 0;
    }
    block.font_size = median(sizes);
    block.bold = bold == current.size();
    block.line_count = static_cast<int>(current.size());
    if (kind == Kind::kCode) {
      block.label = Label::kCode;
      block.text = code_text(page, lines, current);
    } else {
      block.label = kind == Kind::kList ? Label::kListItem : Label::kText;
      for (size_t k = 0; k < current.size(); ++k) {
        std::string text = lines[current[k]].text;
        if (k == 0 && marker) text = text.substr(marker->length);
        if (toc) text = without_dot_leaders(text);
        append_line(block.text, text);
      }
      if (kind == Kind::kList) {
        block.marker = marker ? marker->marker : "-";
        block.enumerated = marker && marker->enumerated;
      }
    }
    out.push_back(std::move(block));
    current.clear();
  };

  for (size_t i : ids) {
    const TextLine& line = lines[i];
    const double size = type_size(page, line);
    const bool code = line.monospace && !page.ocr;
    const bool leaders = !code && has_dot_leaders(line.text);
    auto line_marker = code ? std::nullopt : list_marker(line.text);
    // A number that starts a line of running text ("161. With ...") is not a list marker: a
    // numbered item's wrapped lines hang under its text, not under its number.
    if (line_marker && line_marker->enumerated && i + 1 < lines.size()) {
      const TextLine& next = lines[i + 1];
      const double gap = next.box.t - line.box.b;
      if (!list_marker(next.text) && !next.monospace && same_style(page, line, next) &&
          gap < body.line_gap + 0.6 * line.box.height() &&
          next.box.l < item_text_left(line, *line_marker) - 0.3 * size) {
        line_marker.reset();
      }
    }
    bool start = current.empty();
    if (!start) {
      const TextLine& prev = lines[current.back()];
      const double h = std::max(prev.box.height(), line.box.height());
      const double gap = line.box.t - prev.box.b;
      const bool same_row = gap < -0.5 * h;
      if (code != (kind == Kind::kCode)) {
        start = true;
      } else if (same_row) {
        start = false;
      } else if (kind == Kind::kCode) {
        start = gap > 3.5 * h + body.line_gap;
      } else if (leaders && kind == Kind::kText && current.size() == 1 &&
                 line.box.l > prev.box.l + 0.3 * size && gap < body.line_gap + 0.6 * h) {
        // A contents entry too long for one line: its leaders come on the wrapped line.
        start = false;
        kind = Kind::kList;
        toc = true;
      } else if (line_marker || leaders || toc) {
        start = true;
      } else if (gap > body.line_gap * std::max(1.0, size / body.size) + 0.6 * h ||
                 !same_style(page, prev, line)) {
        start = true;
      } else if (kind == Kind::kList) {
        start = line.box.l < text_left - 0.3 * size;
      } else {
        const double indent = line.box.l - left;
        const double prev_indent = prev.box.l - left;
        // (Headings wrap with a hanging indent instead: not for type larger or bolder.)
        const bool body_type = size <= 1.1 * body.size && !line.bold;
        const bool first_line_indent =
            body_type && indent > 0.8 * size && indent < 8 * size && prev_indent < 0.5 * size;
        // The line before ended a sentence early: this line's first word would have fitted.
        const bool short_end =
            ends_sentence(prev.text) &&
            prev.box.r + 0.5 * size + first_word_width(line) < right - 0.5 * size;
        start = first_line_indent || short_end;
      }
    }
    if (start) {
      flush();
      kind = code ? Kind::kCode : (line_marker || leaders) ? Kind::kList : Kind::kText;
      marker = line_marker;
      toc = leaders;
      if (marker) text_left = item_text_left(line, *marker);
      if (toc) text_left = line.box.l;
    }
    current.push_back(i);
  }
  flush();
  return out;
}

}  // namespace ocrserve::document
