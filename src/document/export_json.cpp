// DoclingDocument JSON (docling-core schema 1.3): texts, groups (lists), tables, pictures, with
// captions as children of their table or picture and furniture under "furniture".
#include <cmath>
#include <nlohmann/json.hpp>

#include "document/body_items.h"
#include "document/encoding.h"
#include "document/export.h"

namespace ocrserve::document {

namespace {

using nlohmann::json;

json bbox_json(const Page& page, const Box& box) {
  // Docling's bbox for PDF pages: points, origin bottom-left (t > b).
  return {{"l", box.l},
          {"t", page.height - box.t},
          {"r", box.r},
          {"b", page.height - box.b},
          {"coord_origin", "BOTTOMLEFT"}};
}

json ref_to(const std::string& path) { return {{"$ref", path}}; }

class DoclingWriter {
 public:
  DoclingWriter(const std::vector<Page>& pages, const ExportOptions& options)
      : pages_(pages), options_(options) {}

  void write(json& doc) {
    // Reading order as docling keeps it: page headers and footers stay among the body's
    // children, in the furniture content layer.
    const auto items = body_items(pages_);
    size_t next = 0;
    std::vector<std::string> list_stack;  // group refs by depth
    std::string last_item_at_depth[16];
    for (const auto& page : pages_) {
      for (const auto& block : page.blocks) {
        if (is_furniture(block.label)) {
          body_children_.push_back(ref_to(add_text(page, block, "#/body", "furniture")));
          continue;
        }
        if (next >= items.size() || items[next].block != &block) continue;
        const BodyItem& item = items[next++];
        if (block.label != Label::kListItem) {
          list_stack.clear();
          add_body_item(item, "#/body", body_children_);
          continue;
        }
        // List groups: one per list and nesting level; a nested list's parent is the item
        // above it.
        const size_t depth = std::min<size_t>(static_cast<size_t>(block.depth), 15);
        if (item.list_start) list_stack.clear();
        if (list_stack.size() > depth + 1) list_stack.resize(depth + 1);
        while (list_stack.size() < depth + 1) {
          const size_t level = list_stack.size();
          const std::string parent = level == 0 ? "#/body" : last_item_at_depth[level - 1];
          const std::string group = "#/groups/" + std::to_string(groups_.size());
          groups_.push_back({{"self_ref", group},
                             {"parent", ref_to(parent)},
                             {"children", json::array()},
                             {"content_layer", "body"},
                             {"name", "list"},
                             {"label", "list"}});
          if (level == 0) {
            body_children_.push_back(ref_to(group));
          } else {
            children_of(parent).push_back(ref_to(group));
          }
          list_stack.push_back(group);
        }
        const std::string& group = list_stack[depth];
        const std::string text_ref = add_text(page, block, group, "body");
        last_item_at_depth[depth] = text_ref;
        children_of(group).push_back(ref_to(text_ref));
      }
    }
    doc["furniture"] = {{"self_ref", "#/furniture"},
                        {"children", json::array()},
                        {"content_layer", "furniture"},
                        {"name", "_root_"},
                        {"label", "unspecified"}};
    doc["body"] = {{"self_ref", "#/body"},
                   {"children", std::move(body_children_)},
                   {"content_layer", "body"},
                   {"name", "_root_"},
                   {"label", "unspecified"}};
    doc["groups"] = std::move(groups_);
    doc["texts"] = std::move(texts_);
    doc["pictures"] = std::move(pictures_);
    doc["tables"] = std::move(tables_);
  }

 private:
  json& children_of(const std::string& path) {
    const auto slash = path.rfind('/');
    const auto index = static_cast<size_t>(std::stoul(path.substr(slash + 1)));
    if (path.rfind("#/groups/", 0) == 0) return groups_[index]["children"];
    if (path.rfind("#/tables/", 0) == 0) return tables_[index]["children"];
    if (path.rfind("#/pictures/", 0) == 0) return pictures_[index]["children"];
    return texts_[index]["children"];
  }

  json prov(const Page& page, const Block& block, size_t chars) {
    json out = json::array({{{"page_no", page.page_no},
                             {"bbox", bbox_json(page, block.box)},
                             {"charspan", {0, chars}}}});
    for (const auto& c : block.continuation) {
      for (const auto& p : pages_) {
        if (p.page_no != c.page_no) continue;
        out.push_back(
            {{"page_no", c.page_no}, {"bbox", bbox_json(p, c.box)}, {"charspan", {0, chars}}});
      }
    }
    return out;
  }

  std::string add_text(const Page& page, const Block& block, const std::string& parent,
                       const char* layer) {
    const std::string self = "#/texts/" + std::to_string(texts_.size());
    json item;
    item["self_ref"] = self;
    item["parent"] = ref_to(parent);
    item["children"] = json::array();
    item["content_layer"] = layer;
    item["label"] = label_name(block.label);
    item["prov"] = prov(page, block, block.text.size());
    item["orig"] = block.text;
    item["text"] = block.text;
    if (block.label == Label::kSectionHeader) item["level"] = block.level;
    if (block.label == Label::kListItem) {
      item["enumerated"] = block.enumerated;
      item["marker"] = block.marker;
    }
    if (block.label == Label::kCode) {
      item["captions"] = json::array();
      item["references"] = json::array();
      item["footnotes"] = json::array();
      item["code_language"] = "unknown";
    }
    if (block.ocr) item["confidence"] = block.confidence;
    texts_.push_back(std::move(item));
    return self;
  }

  void add_body_item(const BodyItem& item, const std::string& parent, json& siblings) {
    const Page& page = *item.page;
    const Block& b = *item.block;
    if (b.label != Label::kTable && b.label != Label::kPicture) {
      siblings.push_back(ref_to(add_text(page, b, parent, "body")));
      return;
    }
    const bool table = b.label == Label::kTable;
    json& list = table ? tables_ : pictures_;
    const std::string self =
        std::string(table ? "#/tables/" : "#/pictures/") + std::to_string(list.size());
    json out;
    out["self_ref"] = self;
    out["parent"] = ref_to(parent);
    out["children"] = json::array();
    out["content_layer"] = "body";
    out["label"] = label_name(b.label);
    out["prov"] = prov(page, b, 0);
    out["captions"] = json::array();
    out["references"] = json::array();
    out["footnotes"] = json::array();
    if (table) {
      out["data"] = table_data(page, b.table);
    } else {
      out["annotations"] = json::array();
      if (auto image = picture_json(page, b, picture_count_++); !image.is_null())
        out["image"] = image;
    }
    list.push_back(std::move(out));
    siblings.push_back(ref_to(self));
    if (item.caption) {
      const std::string caption = add_text(page, *item.caption, self, "body");
      json& owner = list.back();
      owner["children"].push_back(ref_to(caption));
      owner["captions"].push_back(ref_to(caption));
    }
  }

  // The picture's image as docling's ImageRef: a data URI (embedded) or its file (referenced).
  json picture_json(const Page& page, const Block& b, size_t index) const {
    if (options_.image_mode == ImageMode::kPlaceholder || page.image.empty()) return nullptr;
    const Image image = picture_image(page, b.box);
    if (image.empty()) return nullptr;
    std::string uri;
    if (options_.image_mode == ImageMode::kReferenced) {
      uri = picture_path(options_, index);
    } else {
      uri = png_data_uri(image);
      if (uri.empty()) return nullptr;
    }
    const double dpi = page.width > 0 ? 72.0 * page.image.width / page.width : 72.0;
    return {{"mimetype", "image/png"},
            {"dpi", static_cast<int>(std::lround(dpi))},
            {"size", {{"width", image.width}, {"height", image.height}}},
            {"uri", uri}};
  }

  static json table_data(const Page& page, const Table& table) {
    json cells = json::array();
    std::vector<std::vector<json>> grid(static_cast<size_t>(table.num_rows),
                                        std::vector<json>(static_cast<size_t>(table.num_cols)));
    for (const auto& c : table.cells) {
      json cell = {{"bbox", bbox_json(page, c.box)},
                   {"row_span", c.row_span},
                   {"col_span", c.col_span},
                   {"start_row_offset_idx", c.row},
                   {"end_row_offset_idx", c.row + c.row_span},
                   {"start_col_offset_idx", c.col},
                   {"end_col_offset_idx", c.col + c.col_span},
                   {"text", c.text},
                   {"column_header", c.column_header},
                   {"row_header", false},
                   {"row_section", false}};
      for (int r = c.row; r < c.row + c.row_span && r < table.num_rows; ++r) {
        for (int k = c.col; k < c.col + c.col_span && k < table.num_cols; ++k) {
          grid[static_cast<size_t>(r)][static_cast<size_t>(k)] = cell;
        }
      }
      cells.push_back(std::move(cell));
    }
    json grid_json = json::array();
    for (auto& row : grid) grid_json.push_back(std::move(row));
    return {{"table_cells", std::move(cells)},
            {"num_rows", table.num_rows},
            {"num_cols", table.num_cols},
            {"grid", std::move(grid_json)}};
  }

  const std::vector<Page>& pages_;
  const ExportOptions& options_;
  size_t picture_count_ = 0;
  json texts_ = json::array();
  json groups_ = json::array();
  json tables_ = json::array();
  json pictures_ = json::array();
  json body_children_ = json::array();
};

}  // namespace

std::string to_docling_json(const DocumentSource& source, const std::vector<Page>& pages,
                            const ExportOptions& options) {
  json doc;
  doc["schema_name"] = "DoclingDocument";
  doc["version"] = "1.3.0";
  doc["name"] = document_stem(source.filename);
  doc["origin"] = {{"mimetype", source.mimetype},
                   {"binary_hash", source.binary_hash},
                   {"filename", source.filename}};
  DoclingWriter(pages, options).write(doc);
  json pages_json = json::object();
  for (const auto& page : pages) {
    pages_json[std::to_string(page.page_no)] = {
        {"size", {{"width", page.width}, {"height", page.height}}}, {"page_no", page.page_no}};
  }
  doc["key_value_items"] = json::array();
  doc["form_items"] = json::array();
  doc["pages"] = std::move(pages_json);
  return doc.dump(2) + "\n";
}

}  // namespace ocrserve::document
