#include "document/markdown_table.h"

#include <algorithm>
#include <cstdlib>

#include "document/body_items.h"
#include "document/layout_math.h"

namespace ocrserve::document {

namespace {

bool is_int(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i >= s.size()) return false;
  return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool is_number(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && s.find_first_of("0123456789") != std::string::npos &&
         s.find_first_of("xXpP") == std::string::npos;  // no hex floats
}

// Digits after the decimal point, -1 for none (tabulate's _afterpoint).
int after_point(const std::string& s) {
  if (is_int(s)) return -1;
  auto pos = s.rfind('.');
  if (pos == std::string::npos) pos = s.find_last_of("eE");
  if (pos == std::string::npos) return -1;
  return static_cast<int>(s.size() - pos - 1);
}

std::string cell_text(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string markdown_table(const Table& table) {
  auto grid = table_grid(table);
  if (grid.empty() || grid.front().empty()) return {};
  for (auto& row : grid) {
    for (auto& cell : row) cell = cell_text(cell);
  }
  const size_t cols = grid.front().size();
  std::vector<size_t> width(cols, 0);
  std::vector<bool> numeric(cols, true);
  for (size_t c = 0; c < cols; ++c) {
    bool any = false;
    int decimals = -1;
    for (size_t r = 1; r < grid.size(); ++r) {
      const std::string& s = grid[r][c];
      if (s.empty()) continue;
      any = true;
      if (!is_number(s)) numeric[c] = false;
      decimals = std::max(decimals, after_point(s));
    }
    numeric[c] = numeric[c] && any;
    if (numeric[c] && decimals >= 0) {
      // Decimal alignment: pad each number on the right to the same digits after the point.
      for (size_t r = 1; r < grid.size(); ++r) {
        std::string& s = grid[r][c];
        if (s.empty()) continue;
        s.append(static_cast<size_t>(decimals - after_point(s)), ' ');
      }
    }
    width[c] = codepoints(grid[0][c]) + 2;
    for (size_t r = 1; r < grid.size(); ++r) width[c] = std::max(width[c], codepoints(grid[r][c]));
  }
  auto pad = [&](const std::string& s, size_t c) {
    const size_t fill = width[c] - std::min(width[c], codepoints(s));
    return numeric[c] ? std::string(fill, ' ') + s : s + std::string(fill, ' ');
  };
  std::string out;
  for (size_t r = 0; r < grid.size(); ++r) {
    out += '|';
    for (size_t c = 0; c < cols; ++c) out += ' ' + pad(grid[r][c], c) + " |";
    out += '\n';
    if (r == 0) {
      out += '|';
      for (size_t c = 0; c < cols; ++c) out += std::string(width[c] + 2, '-') + '|';
      out += '\n';
    }
  }
  out.pop_back();
  return out;
}

}  // namespace ocrserve::document
