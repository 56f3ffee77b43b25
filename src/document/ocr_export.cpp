#include "document/ocr_export.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace ocrserve::document {

namespace {
float top(const ocr::TextLine& l) { return std::min(l.quad[0].y, l.quad[1].y); }
float bottom(const ocr::TextLine& l) { return std::max(l.quad[2].y, l.quad[3].y); }
float left(const ocr::TextLine& l) { return std::min(l.quad[0].x, l.quad[3].x); }
}  // namespace

std::vector<std::vector<const ocr::TextLine*>> paragraphs(const OcrPage& page) {
  std::vector<std::vector<const ocr::TextLine*>> out;
  const ocr::TextLine* previous = nullptr;
  for (const auto& line : page.lines) {
    const float height = bottom(line) - top(line);
    const bool same_row = previous && top(line) < bottom(*previous) - 0.5f * height;
    const bool close_below = previous && top(line) - bottom(*previous) < 0.5f * height &&
                             std::abs(left(line) - left(*previous)) < 3 * height;
    if (previous && (same_row || close_below)) {
      out.back().push_back(&line);
    } else {
      out.push_back({&line});
    }
    previous = &line;
  }
  return out;
}

std::string to_text(const std::vector<OcrPage>& pages) {
  std::string out;
  for (const auto& page : pages) {
    for (const auto& line : page.lines) {
      out += line.text;
      out += '\n';
    }
  }
  return out;
}

std::string to_markdown(const std::vector<OcrPage>& pages) {
  std::string out;
  for (const auto& page : pages) {
    for (const auto& paragraph : paragraphs(page)) {
      if (!out.empty()) out += "\n";
      for (size_t i = 0; i < paragraph.size(); ++i) {
        if (i > 0) out += ' ';
        out += paragraph[i]->text;
      }
      out += "\n";
    }
  }
  return out;
}

std::string to_json(const std::string& filename, const std::vector<OcrPage>& pages) {
  nlohmann::json doc;
  doc["name"] = filename;
  doc["pages"] = nlohmann::json::array();
  for (const auto& page : pages) {
    nlohmann::json p;
    p["page_no"] = page.page_no;
    p["size"] = {{"width", page.width}, {"height", page.height}};
    p["lines"] = nlohmann::json::array();
    for (const auto& line : page.lines) {
      nlohmann::json quad = nlohmann::json::array();
      for (const auto& pt : line.quad) quad.push_back({pt.x, pt.y});
      p["lines"].push_back({{"text", line.text}, {"confidence", line.confidence}, {"quad", quad}});
    }
    doc["pages"].push_back(std::move(p));
  }
  return doc.dump(2) + "\n";
}

}  // namespace ocrserve::document
