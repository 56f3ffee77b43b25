#include "server/options.h"

#include <gtest/gtest.h>

namespace ocrserve::server {
namespace {

using nlohmann::json;

std::vector<FormPart> form(std::initializer_list<std::pair<const char*, const char*>> fields) {
  std::vector<FormPart> parts;
  for (const auto& [k, v] : fields) parts.push_back({k, v, "", ""});
  return parts;
}

json errors_of(const json& options, OptionLimits limits = {}) {
  try {
    parse_options(options, limits, {"body"});
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status(), 422);
    return e.detail();
  }
  return json::array();
}

TEST(Options, OpenWebUiFormIsAccepted) {
  const auto parts = form({{"to_formats", "md"},
                           {"image_export_mode", "placeholder"},
                           {"table_mode", "accurate"},
                           {"do_ocr", "true"},
                           {"force_ocr", "false"},
                           {"ocr_engine", "tesseract"},
                           {"ocr_lang", "eng"},
                           {"pdf_backend", "dlparse_v4"}});
  const auto o = parse_options(form_to_options(parts), {}, {"body"});
  EXPECT_EQ(o.request.to_formats, std::vector<std::string>{"md"});
  EXPECT_TRUE(o.request.do_ocr);
  EXPECT_FALSE(o.request.force_ocr);
  EXPECT_EQ(o.request.image_export_mode, "placeholder");
  EXPECT_FALSE(o.zip);
  EXPECT_EQ(o.notes.size(), 1u);  // ocr_lang
}

TEST(Options, RepeatedFormFieldsMakeLists) {
  const auto parts = form({{"to_formats", "md"},
                           {"to_formats", "json"},
                           {"page_range", "2"},
                           {"page_range", "3"},
                           {"images_scale", "1.0"},
                           {"target_type", "zip"}});
  const auto o = parse_options(form_to_options(parts), {}, {"body"});
  EXPECT_EQ(o.request.to_formats, (std::vector<std::string>{"md", "json"}));
  EXPECT_EQ(o.request.page_from, 2);
  EXPECT_EQ(o.request.page_to, 3);
  EXPECT_DOUBLE_EQ(o.request.dpi, 72);
  EXPECT_TRUE(o.zip);
}

TEST(Options, BadValuesAnswer422WithTheirLocation) {
  auto e = errors_of({{"to_formats", {"md", "docx"}}, {"do_ocr", "maybe"}});
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0]["loc"], json({"body", "to_formats", 1}));
  EXPECT_EQ(e[0]["type"], "enum");
  EXPECT_EQ(e[1]["loc"], json({"body", "do_ocr"}));
  EXPECT_EQ(e[1]["type"], "bool_parsing");
  e = errors_of({{"ocr_engine", "paddle"}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0]["msg"].get<std::string>().find("'rapidocr'"), std::string::npos);
  e = errors_of({{"to_formats", {"doctags"}}});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0]["msg"].get<std::string>().find("not supported"), std::string::npos);
  EXPECT_EQ(errors_of({{"images_scale", 3}}).size(), 1u);
  EXPECT_EQ(errors_of({{"page_range", {3, 1}}}).size(), 1u);
  EXPECT_EQ(errors_of({{"page_range", {"a", 1}}})[0]["type"], "int_parsing");
  EXPECT_EQ(errors_of({{"to_formats", "md"}})[0]["type"], "list_type");
  EXPECT_EQ(errors_of({{"document_timeout", 100}}, {50, 0}).size(), 1u);
  EXPECT_EQ(errors_of({{"document_timeout", 10}}, {50, 0}).size(), 0u);
}

TEST(Options, IgnoredOptionsAreAccepted) {
  EXPECT_EQ(errors_of({{"do_table_structure", true},
                       {"pipeline", "standard"},
                       {"do_code_enrichment", false},
                       {"do_picture_description", false},
                       {"ocr_engine", "rapidocr"},
                       {"unknown_field", 3}})
                .size(),
            0u);
  EXPECT_EQ(errors_of({{"pipeline", "vlm"}}).size(), 1u);
}

TEST(Options, ServerPageCapTravelsInTheRequest) {
  const auto o = parse_options(json::object(), {0, 5}, {"body"});
  EXPECT_EQ(o.request.max_pages, 5);
}

// The OpenAPI schema and the parser come from one table: every option the schema lists is
// checked by the parser (a value of the wrong kind is refused at that option's location), and
// a value the schema allows is accepted.
TEST(Options, EveryDocumentedOptionIsParsed) {
  const json schema = options_schema();
  ASSERT_GE(schema["properties"].size(), 20u);
  for (const auto& [name, field] : schema["properties"].items()) {
    const std::string type = field.value("type", "");
    json bad, good;
    if (type == "boolean") {
      bad = "maybe";
      good = true;
    } else if (type == "number") {
      bad = "abc";
      good = 1;
    } else if (type == "array") {
      bad = json::object({{"not", "a list"}});
      good = name == "page_range"              ? json::array({1, 2})
             : field["items"].contains("enum") ? json::array({field["items"]["enum"][0]})
                                               : json::array({"x"});
    } else if (field.contains("enum")) {
      bad = "no-such-value";
      good = field["enum"][0];
    } else {
      bad = json::array({1});
      good = "x";
    }
    const json errors = errors_of({{name, bad}});
    ASSERT_FALSE(errors.empty()) << name << " accepted " << bad;
    EXPECT_EQ(errors[0]["loc"][1], name) << errors.dump();
    EXPECT_TRUE(errors_of({{name, good}}).empty()) << name << " refused " << good;
  }
}

}  // namespace
}  // namespace ocrserve::server
