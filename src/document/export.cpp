#include "document/export.h"

#include <nlohmann/json.hpp>

#include "document/encoding.h"

namespace ocrserve::document {

namespace {

std::string page_image_uri(const Page& page) {
  auto png = encode_png(page.image);
  if (!png) return {};
  return "data:image/png;base64," + base64(*png);
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

std::string stem(const std::string& filename) {
  const auto slash = filename.find_last_of('/');
  std::string base = slash == std::string::npos ? filename : filename.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  return base;
}

}  // namespace

std::string mimetype_of(const std::string& format) {
  if (format == "pdf") return "application/pdf";
  if (format == "jpeg") return "image/jpeg";
  if (format == "pnm") return "image/x-portable-anymap";
  if (format.empty()) return "application/octet-stream";
  return "image/" + format;
}

std::string to_markdown(const std::vector<Page>& pages, const ExportOptions& options) {
  std::string out;
  auto add = [&](const std::string& item) {
    if (!out.empty()) out += "\n";
    out += item;
    out += "\n";
  };
  for (size_t p = 0; p < pages.size(); ++p) {
    const Page& page = pages[p];
    if (p > 0 && !options.page_break_placeholder.empty()) add(options.page_break_placeholder);
    if (options.embed_page_images && !page.image.empty()) {
      add("![Page " + std::to_string(page.page_no) + "](" + page_image_uri(page) + ")");
    }
    for (const auto& block : page.blocks) {
      switch (block.label) {
        case Label::kTitle:
          add("# " + block.text);
          break;
        case Label::kSectionHeader:
          add("## " + block.text);
          break;
        case Label::kText:
          add(block.text);
          break;
        case Label::kPageHeader:
        case Label::kPageFooter:
          break;
      }
    }
  }
  return out;
}

std::string to_text(const std::vector<Page>& pages) {
  std::string out;
  for (const auto& page : pages) {
    for (const auto& block : page.blocks) {
      if (is_furniture(block.label)) continue;
      if (!out.empty()) out += "\n";
      out += block.text;
      out += "\n";
    }
  }
  return out;
}

std::string to_html(const DocumentSource& source, const std::vector<Page>& pages,
                    const ExportOptions& options) {
  std::string out =
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>" +
      html_escape(stem(source.filename)) +
      "</title>\n<style>\nbody { max-width: 50em; margin: 2em auto; font-family: sans-serif; "
      "line-height: 1.5; }\nimg.page { max-width: 100%; border: 1px solid #ccc; }\n"
      "</style>\n</head>\n<body>\n<div class='page'>\n";
  for (size_t p = 0; p < pages.size(); ++p) {
    const Page& page = pages[p];
    if (p > 0) out += "</div>\n<div class='page'>\n";
    if (options.embed_page_images && !page.image.empty()) {
      out += "<figure><img class=\"page\" src=\"" + page_image_uri(page) + "\" alt=\"Page " +
             std::to_string(page.page_no) + "\"></figure>\n";
    }
    for (const auto& block : page.blocks) {
      const std::string text = html_escape(block.text);
      switch (block.label) {
        case Label::kTitle:
          out += "<h1>" + text + "</h1>\n";
          break;
        case Label::kSectionHeader:
          out += "<h2>" + text + "</h2>\n";
          break;
        case Label::kText:
          out += "<p>" + text + "</p>\n";
          break;
        case Label::kPageHeader:
        case Label::kPageFooter:
          break;
      }
    }
  }
  out += "</div>\n</body>\n</html>\n";
  return out;
}

std::string to_docling_json(const DocumentSource& source, const std::vector<Page>& pages) {
  using nlohmann::json;
  json doc;
  doc["schema_name"] = "DoclingDocument";
  doc["version"] = "1.3.0";
  doc["name"] = stem(source.filename);
  doc["origin"] = {{"mimetype", source.mimetype},
                   {"binary_hash", source.binary_hash},
                   {"filename", source.filename}};
  json body_children = json::array();
  json texts = json::array();
  json pages_json = json::object();
  for (const auto& page : pages) {
    pages_json[std::to_string(page.page_no)] = {
        {"size", {{"width", page.width}, {"height", page.height}}}, {"page_no", page.page_no}};
    for (const auto& block : page.blocks) {
      const std::string ref = "#/texts/" + std::to_string(texts.size());
      json item;
      item["self_ref"] = ref;
      item["parent"] = {{"$ref", "#/body"}};
      item["children"] = json::array();
      item["content_layer"] = is_furniture(block.label) ? "furniture" : "body";
      item["label"] = label_name(block.label);
      // Docling's bbox for PDF pages: points, origin bottom-left (t > b).
      item["prov"] = json::array({{{"page_no", page.page_no},
                                   {"bbox",
                                    {{"l", block.box.l},
                                     {"t", page.height - block.box.t},
                                     {"r", block.box.r},
                                     {"b", page.height - block.box.b},
                                     {"coord_origin", "BOTTOMLEFT"}}},
                                   {"charspan", {0, block.text.size()}}}});
      item["orig"] = block.text;
      item["text"] = block.text;
      if (block.label == Label::kSectionHeader) item["level"] = 1;
      if (block.ocr) item["confidence"] = block.confidence;
      texts.push_back(std::move(item));
      body_children.push_back({{"$ref", ref}});
    }
  }
  doc["furniture"] = {{"self_ref", "#/furniture"},
                      {"children", json::array()},
                      {"content_layer", "furniture"},
                      {"name", "_root_"},
                      {"label", "unspecified"}};
  doc["body"] = {{"self_ref", "#/body"},
                 {"children", std::move(body_children)},
                 {"content_layer", "body"},
                 {"name", "_root_"},
                 {"label", "unspecified"}};
  doc["groups"] = json::array();
  doc["texts"] = std::move(texts);
  doc["pictures"] = json::array();
  doc["tables"] = json::array();
  doc["key_value_items"] = json::array();
  doc["form_items"] = json::array();
  doc["pages"] = std::move(pages_json);
  return doc.dump(2) + "\n";
}

}  // namespace ocrserve::document
