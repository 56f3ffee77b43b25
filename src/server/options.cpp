#include "server/options.h"

#include <algorithm>
#include <cmath>
#include <functional>
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

namespace {

const std::vector<std::string> kOcrEngines = {"auto",      "easyocr",  "tesseract_cli",
                                              "tesseract", "rapidocr", "ocrmac"};
const std::vector<std::string> kImageExportModes = {"placeholder", "embedded", "referenced"};
const std::vector<std::string> kTableModes = {"fast", "accurate"};
const std::vector<std::string> kTargetTypes = {"inbody", "zip"};
const std::vector<std::string> kInputFormats = {
    "docx", "pptx",      "html",     "image",    "pdf",          "asciidoc", "md",  "csv",
    "xlsx", "xml_uspto", "xml_jats", "mets_gbs", "json_docling", "audio",    "vtt", "xml_xbrl"};
// docling-serve's options that ocrserve accepts (and checks) but that change nothing here.
const char* const kIgnoredBooleans[] = {
    "include_images",         "do_table_structure",        "do_code_enrichment",
    "do_formula_enrichment",  "do_picture_classification", "do_picture_description",
    "generate_picture_images"};

// One request option: its OpenAPI schema and how it is read (checked, then applied).
struct OptionField {
  const char* name;
  json schema;
  std::function<void(Parser&, ConvertOptions&, const OptionLimits&)> read;
};

json enum_of(const std::vector<std::string>& values) {
  return {{"type", "string"}, {"enum", values}};
}

void read_to_formats(Parser& p, ConvertOptions& out, const OptionLimits&) {
  auto formats = p.string_list("to_formats");
  if (!formats) return;
  auto& wanted = out.request.to_formats;
  wanted.clear();
  for (size_t i = 0; i < formats->size(); ++i) {
    std::string f = (*formats)[i];
    if (f == "txt") f = "text";
    if (auto ok = p.check_choice(f, {"to_formats", i}, conversion::output_format_names(),
                                 {"doctags", "yaml", "html_split_page", "vtt"})) {
      if (std::find(wanted.begin(), wanted.end(), *ok) == wanted.end()) wanted.push_back(*ok);
    }
  }
  if (formats->empty()) wanted = {"md"};
}

void read_page_range(Parser& p, ConvertOptions& out, const OptionLimits&) {
  if (!p.has("page_range")) return;
  const json& v = p.at("page_range");
  if (!v.is_array() || v.size() != 2) {
    p.fail({"page_range"}, "page_range should be a list of two page numbers [from, to]",
           "value_error", v);
    return;
  }
  auto from = p.integer(v[0], {"page_range", 0});
  auto to = p.integer(v[1], {"page_range", 1});
  if (!from || !to) return;
  if (*from < 1 || *to < *from) {
    p.fail({"page_range"}, "page_range should be [from, to] with 1 <= from <= to", "value_error",
           v);
    return;
  }
  out.request.page_from = int(std::min<long long>(*from, 1 << 30));
  out.request.page_to = int(std::min<long long>(*to, 1 << 30));
}

void read_document_timeout(Parser& p, ConvertOptions& out, const OptionLimits& limits) {
  if (!p.has("document_timeout")) return;
  auto t = p.number(p.at("document_timeout"), {"document_timeout"});
  if (!t) return;
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

void read_images_scale(Parser& p, ConvertOptions& out, const OptionLimits&) {
  if (!p.has("images_scale")) return;
  auto s = p.number(p.at("images_scale"), {"images_scale"});
  if (!s) return;
  if (*s <= 0 || *s > 2.0) {
    p.fail({"images_scale"}, "images_scale should be > 0 and <= 2.0", "value_error", *s);
  } else {
    out.request.dpi = std::max(36.0, 72.0 * *s);
  }
}

const std::vector<OptionField>& option_fields() {
  static const std::vector<OptionField> fields = [] {
    const json str{{"type", "string"}};
    const json boolean{{"type", "boolean"}};
    std::vector<OptionField> f = {
        {"to_formats",
         {{"type", "array"},
          {"items", enum_of(conversion::output_format_names())},
          {"default", {"md"}}},
         read_to_formats},
        {"from_formats",
         {{"type", "array"}, {"items", enum_of(kInputFormats)}},
         [](Parser& p, ConvertOptions&, const OptionLimits&) {
           if (auto from = p.string_list("from_formats")) {
             for (size_t i = 0; i < from->size(); ++i) {
               p.check_choice((*from)[i], {"from_formats", i}, kInputFormats, {});
             }
           }
         }},
        {"do_ocr", boolean,
         [](Parser& p, ConvertOptions& o, const OptionLimits&) {
           o.request.do_ocr = p.boolean("do_ocr", true);
         }},
        {"force_ocr", boolean,
         [](Parser& p, ConvertOptions& o, const OptionLimits&) {
           o.request.force_ocr = p.boolean("force_ocr", false);
         }},
        {"abort_on_error", boolean,
         [](Parser& p, ConvertOptions& o, const OptionLimits&) {
           o.abort_on_error = p.boolean("abort_on_error", false);
         }},
        {"ocr_engine",
         {{"type", "string"},
          {"enum", kOcrEngines},
          {"description", "every value runs PP-OCRv4 (what rapidocr is)"}},
         [](Parser& p, ConvertOptions&, const OptionLimits&) {
           p.choice("ocr_engine", kOcrEngines);
         }},
        {"ocr_lang",
         {{"type", "array"}, {"items", str}, {"description", "ignored"}},
         [](Parser& p, ConvertOptions& o, const OptionLimits&) {
           if (auto langs = p.string_list("ocr_lang"); langs && !langs->empty()) {
             o.notes.push_back("ocr_lang is ignored: the PP-OCRv4 models read Chinese and English");
           }
         }},
        {"pdf_backend", str,
         [](Parser& p, ConvertOptions&, const OptionLimits&) { p.string("pdf_backend"); }},
        {"table_mode", enum_of(kTableModes),
         [](Parser& p, ConvertOptions&, const OptionLimits&) {
           p.choice("table_mode", kTableModes);
         }},
        {"pipeline", enum_of({"standard"}),
         [](Parser& p, ConvertOptions&, const OptionLimits&) {
           p.choice("pipeline", {"standard"}, {"vlm", "asr", "legacy"});
         }},
        {"page_range",
         {{"type", "array"}, {"items", {{"type", "integer"}}}, {"minItems", 2}, {"maxItems", 2}},
         read_page_range},
        {"document_timeout", {{"type", "number"}, {"exclusiveMinimum", 0}}, read_document_timeout},
        {"image_export_mode", enum_of(kImageExportModes),
         [](Parser& p, ConvertOptions& o, const OptionLimits&) {
           if (auto mode = p.choice("image_export_mode", kImageExportModes)) {
             o.request.image_export_mode = *mode;
           }
         }},
        {"images_scale",
         {{"type", "number"}, {"exclusiveMinimum", 0}, {"maximum", 2.0}},
         read_images_scale},
        {"md_page_break_placeholder", str,
         [](Parser& p, ConvertOptions& o, const OptionLimits&) {
           if (auto text = p.string("md_page_break_placeholder")) {
             o.request.md_page_break_placeholder = *text;
           }
         }},
        {"target_type", enum_of(kTargetTypes),
         [](Parser& p, ConvertOptions& o, const OptionLimits&) {
           if (auto target = p.choice("target_type", kTargetTypes)) o.zip = *target == "zip";
         }},
    };
    for (const char* name : kIgnoredBooleans) {
      f.push_back(
          {name,
           {{"type", "boolean"}, {"description", "accepted; changes nothing in ocrserve"}},
           [name](Parser& p, ConvertOptions&, const OptionLimits&) { p.boolean(name, false); }});
    }
    return f;
  }();
  return fields;
}

}  // namespace

json options_schema() {
  json properties = json::object();
  for (const auto& field : option_fields()) properties[field.name] = field.schema;
  return {{"type", "object"}, {"properties", properties}};
}

ConvertOptions parse_options(const json& options, const OptionLimits& limits,
                             const std::vector<json>& loc) {
  if (!options.is_null() && !options.is_object()) {
    throw HttpError(422, json::array({validation_error(loc, "Input should be a valid dictionary",
                                                       "dict_type", options)}));
  }
  ConvertOptions out;
  Parser p(options.is_null() ? json::object() : options, loc);
  for (const auto& field : option_fields()) field.read(p, out, limits);
  if (limits.max_num_pages > 0) out.request.max_pages = limits.max_num_pages;
  if (p.errors.empty()) {
    if (auto ok = conversion::validate(out.request); !ok) {
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
