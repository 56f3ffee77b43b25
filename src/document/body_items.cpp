#include "document/body_items.h"

namespace ocrserve::document {

std::vector<BodyItem> body_items(const std::vector<Page>& pages) {
  std::vector<BodyItem> items;
  std::vector<int> counters;  // per depth, in the current list
  for (const auto& page : pages) {
    for (const auto& block : page.blocks) {
      if (is_furniture(block.label) || block.merged_into_previous) continue;
      if (block.label == Label::kCaption) continue;
      BodyItem item;
      item.page = &page;
      item.block = &block;
      if (block.caption >= 0 && static_cast<size_t>(block.caption) < page.blocks.size()) {
        item.caption = &page.blocks[static_cast<size_t>(block.caption)];
      }
      if (block.label == Label::kListItem) {
        const bool first = items.empty() || items.back().block->label != Label::kListItem;
        if (first) counters.clear();
        const auto depth = static_cast<size_t>(block.depth);
        counters.resize(depth + 1, 0);
        ++counters[depth];
        item.number = counters[depth];
        item.list_start = first;
      } else if (!items.empty() && items.back().block->label == Label::kListItem) {
        items.back().list_end = true;
      }
      items.push_back(item);
    }
  }
  if (!items.empty() && items.back().block->label == Label::kListItem) items.back().list_end = true;
  return items;
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<std::vector<std::string>> table_grid(const Table& table) {
  std::vector<std::vector<std::string>> grid(
      static_cast<size_t>(table.num_rows),
      std::vector<std::string>(static_cast<size_t>(table.num_cols)));
  for (const auto& cell : table.cells) {
    for (int r = cell.row; r < cell.row + cell.row_span && r < table.num_rows; ++r) {
      for (int c = cell.col; c < cell.col + cell.col_span && c < table.num_cols; ++c) {
        grid[static_cast<size_t>(r)][static_cast<size_t>(c)] = cell.text;
      }
    }
  }
  return grid;
}

}  // namespace ocrserve::document
