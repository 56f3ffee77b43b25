#include "document/export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "document/body_items.h"
#include "document/encoding.h"
#include "document/markdown_table.h"
#include "document/tables.h"

namespace ocrserve::document {

namespace {

std::string heading_marks(const Block& block) {
  if (block.label == Label::kTitle) return "#";
  return std::string(static_cast<size_t>(std::clamp(block.level, 1, 5) + 1), '#');
}

// Where a picture's image is: a data URI (embedded), a file path (referenced), or nowhere.
std::string picture_source(const Page& page, const Block& block, const ExportOptions& options,
                           size_t index) {
  if (page.image.empty()) return {};
  if (options.image_mode == ImageMode::kEmbedded)
    return png_data_uri(picture_image(page, block.box));
  if (options.image_mode == ImageMode::kReferenced) return picture_path(options, index);
  return {};
}

std::string picture_markdown(const Page& page, const Block& block, const ExportOptions& options,
                             size_t index) {
  const std::string src = picture_source(page, block, options, index);
  return src.empty() ? "<!-- image -->" : "![Image](" + src + ")";
}

std::string list_line(const BodyItem& item) {
  const Block& b = *item.block;
  std::string line(static_cast<size_t>(4 * b.depth), ' ');
  // Numbered items keep the number they were printed with, as docling does.
  line += b.enumerated ? b.marker + " " : "- ";
  return line + b.text;
}

}  // namespace

Image picture_image(const Page& page, const Box& box) {
  Image out;
  if (page.image.empty() || page.width <= 0 || page.height <= 0) return out;
  const double sx = page.image.width / page.width, sy = page.image.height / page.height;
  const int x0 = std::clamp(static_cast<int>(std::floor(box.l * sx)), 0, page.image.width);
  const int y0 = std::clamp(static_cast<int>(std::floor(box.t * sy)), 0, page.image.height);
  const int x1 = std::clamp(static_cast<int>(std::ceil(box.r * sx)), 0, page.image.width);
  const int y1 = std::clamp(static_cast<int>(std::ceil(box.b * sy)), 0, page.image.height);
  if (x1 <= x0 || y1 <= y0) return out;
  out.width = x1 - x0;
  out.height = y1 - y0;
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y) {
    const auto* src =
        page.image.rgb.data() + (static_cast<size_t>(y0 + y) * page.image.width + x0) * 3;
    std::copy(src, src + static_cast<size_t>(out.width) * 3,
              out.rgb.data() + static_cast<size_t>(y) * out.width * 3);
  }
  return out;
}

std::string document_stem(const std::string& filename) {
  const auto slash = filename.find_last_of('/');
  std::string base = slash == std::string::npos ? filename : filename.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base;
}

std::string picture_path(const ExportOptions& options, size_t n) {
  char name[32];
  std::snprintf(name, sizeof name, "image_%06zu.png", n + 1);
  return options.artifacts_dir.empty() ? name : options.artifacts_dir + "/" + name;
}

std::vector<Artifact> picture_artifacts(const std::vector<Page>& pages,
                                        const ExportOptions& options) {
  std::vector<Artifact> out;
  if (options.image_mode != ImageMode::kReferenced) return out;
  size_t n = 0;
  for (const auto& item : body_items(pages)) {
    if (item.block->label != Label::kPicture) continue;
    const size_t index = n++;
    auto png = encode_png(picture_image(*item.page, item.block->box));
    if (png) out.push_back({picture_path(options, index), std::move(png).value()});
  }
  return out;
}

std::string mimetype_of(const std::string& format) {
  if (format == "pdf") return "application/pdf";
  if (format == "jpeg") return "image/jpeg";
  if (format == "pnm") return "image/x-portable-anymap";
  if (format.empty()) return "application/octet-stream";
  return "image/" + format;
}

std::string to_markdown(const std::vector<Page>& pages, const ExportOptions& options) {
  std::string out;
  auto add = [&](const std::string& chunk) {
    if (!out.empty()) out += "\n";
    out += chunk;
    out += "\n";
  };
  const auto items = body_items(pages);
  size_t next = 0, pictures = 0;
  std::string list;
  for (size_t p = 0; p < pages.size(); ++p) {
    const Page& page = pages[p];
    if (p > 0 && !options.page_break_placeholder.empty()) add(options.page_break_placeholder);
    if (options.image_mode == ImageMode::kEmbedded && !page.image.empty() && page.ocr) {
      add("![Page " + std::to_string(page.page_no) + "](" + png_data_uri(page.image) + ")");
    }
    for (; next < items.size() && items[next].page == &page; ++next) {
      const BodyItem& item = items[next];
      const Block& block = *item.block;
      if (item.caption && block.label != Label::kListItem) add(item.caption->text);
      switch (block.label) {
        case Label::kTitle:
        case Label::kSectionHeader:
          add(heading_marks(block) + " " + block.text);
          break;
        case Label::kListItem:
          if (!list.empty()) list += "\n";
          list += list_line(item);
          if (item.list_end) {
            add(list);
            list.clear();
          }
          break;
        case Label::kCode:
          add("```\n" + block.text + "\n```");
          break;
        case Label::kTable:
          add(markdown_table(block.table));
          break;
        case Label::kPicture:
          add(picture_markdown(page, block, options, pictures++));
          break;
        default:
          add(block.text);
      }
    }
  }
  if (!list.empty()) add(list);
  return out;
}

std::string to_text(const std::vector<Page>& pages) {
  std::string out;
  for (const auto& item : body_items(pages)) {
    const Block& block = *item.block;
    if (!out.empty()) out += "\n";
    if (item.caption) out += item.caption->text + "\n\n";
    if (block.label == Label::kTable) {
      out += table_text(block.table);
    } else if (block.label == Label::kListItem) {
      out += list_line(item);
    } else {
      out += block.text;
    }
    out += "\n";
  }
  return out;
}

std::string to_html(const DocumentSource& source, const std::vector<Page>& pages,
                    const ExportOptions& options) {
  std::string out =
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>" +
      html_escape(document_stem(source.filename)) +
      "</title>\n<style>\nbody { max-width: 50em; margin: 2em auto; font-family: sans-serif; "
      "line-height: 1.5; }\nimg.page { max-width: 100%; border: 1px solid #ccc; }\n"
      "table { border-collapse: collapse; }\nth, td { border: 1px solid #999; padding: 0.2em "
      "0.5em; }\npre { background: #f4f4f4; padding: 0.5em; }\n"
      "</style>\n</head>\n<body>\n<div class='page'>\n";
  const auto items = body_items(pages);
  size_t next = 0, pictures = 0;
  std::vector<std::string> open_lists;  // closing tags of the lists open, innermost last
  auto close_lists = [&](size_t keep) {
    while (open_lists.size() > keep) {
      out += "</li>\n" + open_lists.back() + "\n";
      open_lists.pop_back();
    }
  };
  for (size_t p = 0; p < pages.size(); ++p) {
    const Page& page = pages[p];
    if (p > 0) out += "</div>\n<div class='page'>\n";
    if (options.image_mode == ImageMode::kEmbedded && !page.image.empty() && page.ocr) {
      out += "<figure><img class=\"page\" src=\"" + png_data_uri(page.image) + "\" alt=\"Page " +
             std::to_string(page.page_no) + "\"></figure>\n";
    }
    for (; next < items.size() && items[next].page == &page; ++next) {
      const BodyItem& item = items[next];
      const Block& block = *item.block;
      const std::string text = html_escape(block.text);
      if (block.label == Label::kListItem) {
        const size_t depth = static_cast<size_t>(block.depth) + 1;
        if (open_lists.size() >= depth) {
          close_lists(depth);
          out += "</li>\n";
        }
        while (open_lists.size() < depth) {
          out += block.enumerated ? "<ol>\n" : "<ul>\n";
          open_lists.push_back(block.enumerated ? "</ol>" : "</ul>");
        }
        out += "<li>" + text;
        if (item.list_end) close_lists(0);
        continue;
      }
      close_lists(0);
      switch (block.label) {
        case Label::kTitle:
          out += "<h1>" + text + "</h1>\n";
          break;
        case Label::kSectionHeader: {
          const std::string h = "h" + std::to_string(std::clamp(block.level, 1, 5) + 1);
          out += "<" + h + ">" + text + "</" + h + ">\n";
          break;
        }
        case Label::kCode:
          out += "<pre><code>" + text + "</code></pre>\n";
          break;
        case Label::kTable: {
          out += "<table>\n";
          if (item.caption) out += "<caption>" + html_escape(item.caption->text) + "</caption>\n";
          int row = -1;
          for (const auto& cell : block.table.cells) {
            if (cell.row != row) {
              if (row >= 0) out += "</tr>\n";
              out += "<tr>";
              row = cell.row;
            }
            const char* tag = cell.column_header ? "th" : "td";
            out += std::string("<") + tag;
            if (cell.row_span > 1) out += " rowspan=\"" + std::to_string(cell.row_span) + "\"";
            if (cell.col_span > 1) out += " colspan=\"" + std::to_string(cell.col_span) + "\"";
            out += ">" + html_escape(cell.text) + "</" + tag + ">";
          }
          if (row >= 0) out += "</tr>\n";
          out += "</table>\n";
          break;
        }
        case Label::kPicture: {
          out += "<figure>";
          const std::string src = picture_source(page, block, options, pictures++);
          if (!src.empty()) out += "<img src=\"" + html_escape(src) + "\" alt=\"\">";
          if (item.caption) {
            out += "<figcaption>" + html_escape(item.caption->text) + "</figcaption>";
          }
          out += "</figure>\n";
          break;
        }
        case Label::kFootnote:
          out += "<p class=\"footnote\">" + text + "</p>\n";
          break;
        default:
          out += "<p>" + text + "</p>\n";
      }
    }
  }
  close_lists(0);
  out += "</div>\n</body>\n</html>\n";
  return out;
}

}  // namespace ocrserve::document
