#include "conversion/request.h"

namespace ocrserve::conversion {

const std::vector<FormatInfo>& output_formats() {
  static const std::vector<FormatInfo> formats{{Format::kMarkdown, "md", "md"},
                                               {Format::kJson, "json", "json"},
                                               {Format::kHtml, "html", "html"},
                                               {Format::kText, "text", "txt"}};
  return formats;
}

std::vector<std::string> output_format_names() {
  std::vector<std::string> names;
  for (const auto& f : output_formats()) names.emplace_back(f.name);
  return names;
}

std::string output_format_list() {
  std::string list;
  for (const auto& f : output_formats()) list += (list.empty() ? "" : ", ") + std::string(f.name);
  return list;
}

Result<Format> parse_format(const std::string& name) {
  const std::string wanted = name == "markdown" ? "md" : name == "txt" ? "text" : name;
  for (const auto& f : output_formats()) {
    if (wanted == f.name) return f.format;
  }
  return make_error("unknown output format '" + name + "' (expected " + output_format_list() + ")");
}

const char* format_name(Format format) {
  for (const auto& f : output_formats()) {
    if (f.format == format) return f.name;
  }
  return "?";
}

const char* format_extension(Format format) {
  for (const auto& f : output_formats()) {
    if (f.format == format) return f.extension;
  }
  return "out";
}

Result<void> validate(const ConversionRequest& r) {
  if (r.to_formats.empty()) return make_error("to_formats: at least one format is needed");
  for (const auto& f : r.to_formats) {
    const auto format = parse_format(f);  // the canonical names only: md, not markdown
    if (!format || f != format_name(*format)) {
      return make_error("to_formats: unknown format '" + f + "' (expected " + output_format_list() +
                        ")");
    }
  }
  if (r.page_from < 1) return make_error("page_range: pages start at 1");
  if (r.page_to != 0 && r.page_to < r.page_from) {
    return make_error("page_range: the last page is before the first");
  }
  if (r.dpi < 36 || r.dpi > 600) return make_error("dpi: must be 36..600");
  if (r.image_export_mode != "placeholder" && r.image_export_mode != "embedded" &&
      r.image_export_mode != "referenced") {
    return make_error("image_export_mode: expected placeholder, embedded or referenced");
  }
  if (r.max_pages < 1) return make_error("max_pages: must be >= 1");
  if (r.max_pixels_per_page < 1) return make_error("max_pixels_per_page: must be >= 1");
  return {};
}

nlohmann::json to_json(const ConversionRequest& r) {
  return {{"to_formats", r.to_formats},
          {"do_ocr", r.do_ocr},
          {"force_ocr", r.force_ocr},
          {"page_from", r.page_from},
          {"page_to", r.page_to},
          {"dpi", r.dpi},
          {"image_export_mode", r.image_export_mode},
          {"md_page_break_placeholder", r.md_page_break_placeholder},
          {"max_pages", r.max_pages},
          {"max_pixels_per_page", r.max_pixels_per_page}};
}

Result<ConversionRequest> request_from_json(const nlohmann::json& j) {
  ConversionRequest r;
  if (!j.is_object()) return make_error("conversion request: expected an object");
  try {
    auto get = [&](const char* key, auto& field) {
      if (j.contains(key)) j.at(key).get_to(field);
    };
    get("to_formats", r.to_formats);
    get("do_ocr", r.do_ocr);
    get("force_ocr", r.force_ocr);
    get("page_from", r.page_from);
    get("page_to", r.page_to);
    get("dpi", r.dpi);
    get("image_export_mode", r.image_export_mode);
    get("md_page_break_placeholder", r.md_page_break_placeholder);
    get("max_pages", r.max_pages);
    get("max_pixels_per_page", r.max_pixels_per_page);
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("conversion request: ") + e.what());
  }
  if (auto ok = validate(r); !ok) return ok.error();
  return r;
}

}  // namespace ocrserve::conversion
