#include "server/options.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "common/untrusted_text.h"

namespace ocrserve::server {

using nlohmann::json;

namespace {

const std::set<std::string> kListFields = {"to_formats", "from_formats", "ocr_lang", "page_range"};
// Every string option and list is bounded, so that no request can make the task record large.
constexpr size_t kMaxStringOption = 1024;
constexpr size_t kMaxListOption = 64;

std::string join_quoted(const std::vector<std::string>& values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += i + 1 == values.size() ? " or " : ", ";
    s += "'" + values[i] + "'";
  }
  return s;
}

class Parser {
 public:
  Parser(const json& options, std::vector<json> loc) : options_(options), loc_(std::move(loc)) {}

  std::vector<json> errors;

  bool has(const char* key) const {
    return options_.is_object() && options_.contains(key) && !options_.at(key).is_null();
  }
  const json& at(const char* key) const { return options_.at(key); }

  void fail(std::vector<json> where, const std::string& msg, const std::string& type,
            const json& input) {
    std::vector<json> loc = loc_;
    loc.insert(loc.end(), where.begin(), where.end());
    // The input is echoed back, but never more than a line of it.
    const bool small = input.dump().size() <= 200;
    errors.push_back(validation_error(loc, msg, type, small ? input : json("(too long to show)")));
  }

  // pydantic's lax boolean: true/false, 0/1 and their usual spellings.
  bool boolean(const char* key, bool fallback) {
    if (!has(key)) return fallback;
    const json& v = at(key);
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_integer() && (v == 0 || v == 1)) return v == 1;
    if (v.is_string()) {
      std::string s = v.get<std::string>();
      std::transform(s.begin(), s.end(), s.begin(), ::tolower);
      if (s == "true" || s == "1" || s == "yes" || s == "on" || s == "t" || s == "y") return true;
      if (s == "false" || s == "0" || s == "no" || s == "off" || s == "f" || s == "n") {
        return false;
      }
    }
    fail({key}, "Input should be a valid boolean, unable to interpret input", "bool_parsing", v);
    return fallback;
  }

  std::optional<double> number(const json& v, std::vector<json> where) {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      try {
        size_t used = 0;
        const std::string s = v.get<std::string>();
        const double d = std::stod(s, &used);
        if (used == s.size() && std::isfinite(d)) return d;
      } catch (const std::exception&) {
      }
    }
    fail(std::move(where), "Input should be a valid number, unable to parse string as a number",
         "float_parsing", v);
    return std::nullopt;
  }

  std::optional<long long> integer(const json& v, std::vector<json> where) {
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_string()) {
      try {
        size_t used = 0;
        const std::string s = v.get<std::string>();
        const long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
      } catch (const std::exception&) {
      }
    }
    fail(std::move(where), "Input should be a valid integer, unable to parse string as an integer",
         "int_parsing", v);
    return std::nullopt;
  }

  std::optional<std::string> string(const char* key) {
    if (!has(key)) return std::nullopt;
    const json& v = at(key);
    if (!v.is_string()) {
      fail({key}, "Input should be a valid string", "string_type", v);
      return std::nullopt;
    }
    if (v.get_ref<const std::string&>().size() > kMaxStringOption) {
      too_long({key});
      return std::nullopt;
    }
    return v.get<std::string>();
  }

  void too_long(std::vector<json> where) {
    fail(std::move(where),
         "String should have at most " + std::to_string(kMaxStringOption) + " characters",
         "string_too_long", nullptr);
  }

  // One of `allowed`; `unsupported` values are valid docling values that ocrserve refuses.
  std::optional<std::string> choice(const char* key, const std::vector<std::string>& allowed,
                                    const std::vector<std::string>& unsupported = {}) {
    auto s = string(key);
    if (!s) return std::nullopt;
    return check_choice(*s, {key}, allowed, unsupported);
  }

  std::optional<std::string> check_choice(const std::string& s, std::vector<json> where,
                                          const std::vector<std::string>& allowed,
                                          const std::vector<std::string>& unsupported) {
    if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
    if (std::find(unsupported.begin(), unsupported.end(), s) != unsupported.end()) {
      fail(std::move(where),
           "Value '" + s + "' is not supported by ocrserve (supported: " + join_quoted(allowed) +
               ")",
           "value_error", s);
      return std::nullopt;
    }
    fail(std::move(where), "Input should be " + join_quoted(allowed), "enum", s);
    return std::nullopt;
  }

  std::optional<std::vector<std::string>> string_list(const char* key) {
    if (!has(key)) return std::nullopt;
    const json& v = at(key);
    if (!v.is_array()) {
      fail({key}, "Input should be a valid list", "list_type", v);
      return std::nullopt;
    }
    if (v.size() > kMaxListOption) {
      fail({key}, "List should have at most " + std::to_string(kMaxListOption) + " items",
           "too_long", nullptr);
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        fail({key, i}, "Input should be a valid string", "string_type", v[i]);
        return std::nullopt;
      }
      if (v[i].get_ref<const std::string&>().size() > kMaxStringOption) {
        too_long({key, i});
        return std::nullopt;
      }
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

 private:
  const json options_;
  std::vector<json> loc_;
};

}  // namespace

tasks::TaskOptions ConvertOptions::task_options() const {
  return {conversion::to_json(request), zip, document_timeout_s, abort_on_error, notes};
}

ConvertOptions parse_options(const json& options, const OptionLimits& limits,
                             const std::vector<json>& loc) {
  ConvertOptions out;
  auto& r = out.request;
  if (!options.is_null() && !options.is_object()) {
    throw HttpError(422, json::array({validation_error(loc, "Input should be a valid dictionary",
                                                       "dict_type", options)}));
  }
  Parser p(options.is_null() ? json::object() : options, loc);
  if (auto formats = p.string_list("to_formats")) {
    r.to_formats.clear();
    for (size_t i = 0; i < formats->size(); ++i) {
      std::string f = (*formats)[i];
      if (f == "txt") f = "text";
      if (auto ok = p.check_choice(f, {"to_formats", i}, conversion::output_format_names(),
                                   {"doctags", "yaml", "html_split_page", "vtt"})) {
        if (std::find(r.to_formats.begin(), r.to_formats.end(), *ok) == r.to_formats.end()) {
          r.to_formats.push_back(*ok);
        }
      }
    }
    if (formats->empty()) r.to_formats = {"md"};
  }
  if (auto from = p.string_list("from_formats")) {
    const std::vector<std::string> known = {
        "docx", "pptx",      "html",     "image",    "pdf",          "asciidoc", "md",  "csv",
        "xlsx", "xml_uspto", "xml_jats", "mets_gbs", "json_docling", "audio",    "vtt", "xml_xbrl"};
    for (size_t i = 0; i < from->size(); ++i)
      p.check_choice((*from)[i], {"from_formats", i}, known, {});
  }
  r.do_ocr = p.boolean("do_ocr", true);
  r.force_ocr = p.boolean("force_ocr", false);
  out.abort_on_error = p.boolean("abort_on_error", false);
  for (const char* ignored :
       {"include_images", "do_table_structure", "do_code_enrichment", "do_formula_enrichment",
        "do_picture_classification", "do_picture_description", "generate_picture_images"}) {
    p.boolean(ignored, false);
  }
  p.choice("ocr_engine", {"auto", "easyocr", "tesseract_cli", "tesseract", "rapidocr", "ocrmac"});
  if (auto langs = p.string_list("ocr_lang"); langs && !langs->empty()) {
    out.notes.push_back("ocr_lang is ignored: the PP-OCRv4 models read Chinese and English");
  }
  p.string("pdf_backend");
  p.choice("table_mode", {"fast", "accurate"});
  p.choice("pipeline", {"standard"}, {"vlm", "asr", "legacy"});
  if (p.has("page_range")) {
    const json& v = p.at("page_range");
    if (!v.is_array() || v.size() != 2) {
      p.fail({"page_range"}, "page_range should be a list of two page numbers [from, to]",
             "value_error", v);
    } else {
      auto from = p.integer(v[0], {"page_range", 0});
      auto to = p.integer(v[1], {"page_range", 1});
      if (from && to) {
        if (*from < 1 || *to < *from) {
          p.fail({"page_range"}, "page_range should be [from, to] with 1 <= from <= to",
                 "value_error", v);
        } else {
          r.page_from = int(std::min<long long>(*from, 1 << 30));
          r.page_to = int(std::min<long long>(*to, 1 << 30));
        }
      }
    }
  }
  if (p.has("document_timeout")) {
    if (auto t = p.number(p.at("document_timeout"), {"document_timeout"})) {
      if (*t <= 0) {
        p.fail({"document_timeout"}, "Input should be greater than 0", "greater_than", *t);
      } else if (limits.max_document_timeout_s > 0 && *t > limits.max_document_timeout_s) {
        p.fail({"document_timeout"},
               "document_timeout is above the server's maximum of " +
                   std::to_string(int(limits.max_document_timeout_s)) + " s",
               "less_than_equal", *t);
      } else {
        out.document_timeout_s = *t;
      }
    }
  }
  if (auto mode = p.choice("image_export_mode", {"placeholder", "embedded", "referenced"})) {
    r.image_export_mode = *mode;
  }
  if (p.has("images_scale")) {
    if (auto s = p.number(p.at("images_scale"), {"images_scale"})) {
      if (*s <= 0 || *s > 2.0) {
        p.fail({"images_scale"}, "images_scale should be > 0 and <= 2.0", "value_error", *s);
      } else {
        r.dpi = std::max(36.0, 72.0 * *s);
      }
    }
  }
  if (auto placeholder = p.string("md_page_break_placeholder")) {
    r.md_page_break_placeholder = *placeholder;
  }
  if (auto target = p.choice("target_type", {"inbody", "zip"})) out.zip = *target == "zip";
  if (limits.max_num_pages > 0) r.max_pages = limits.max_num_pages;
  if (p.errors.empty()) {
    if (auto ok = conversion::validate(r); !ok) {
      p.fail({}, ok.error().message, "value_error", nullptr);
    }
  }
  if (!p.errors.empty()) throw HttpError(422, json(p.errors));
  return out;
}

json form_to_options(const std::vector<FormPart>& form) {
  json options = json::object();
  for (const auto& part : form) {
    if (!part.filename.empty() || part.name == "files") continue;
    const std::string name = valid_utf8(part.name), value = valid_utf8(part.value);
    if (kListFields.count(name)) {
      if (!options.contains(name)) options[name] = json::array();
      options[name].push_back(value);
    } else {
      options[name] = value;
    }
  }
  return options;
}

}  // namespace ocrserve::server
