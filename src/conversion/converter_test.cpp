// Documents end to end: PDFs made here with known text, through Converter::run.
#include "conversion/converter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "document/encoding.h"
#include "document/paragraphs.h"
#include "ocr/onnx_model.h"
#include "testkit/bad_pdfs.h"
#include "testkit/page_renderer.h"
#include "testkit/pdf_renderer.h"
#include "testkit/word_metrics.h"

namespace ocrserve::conversion {
namespace {

using nlohmann::json;
using testkit::PdfPageSpec;
using testkit::PdfPageTruth;

std::shared_ptr<const ocr::ModelBundle> models() {
  static auto bundle = ocr::ModelBundle::load(ocr::ModelPaths::in_dir(OCRSERVE_MODELS_DIR));
  EXPECT_TRUE(bundle.ok()) << bundle.error().message;
  return bundle.ok() ? *bundle : nullptr;
}

// One converter for the whole suite: its engine is made once, on the first OCR'd page.
Converter& converter() {
  static Converter c = [] {
    ocr::EngineOptions options;
    options.device = ocr::Device::kCpu;
    options.threads = 2;
    return Converter(models(), options);
  }();
  return c;
}

PdfPageSpec page_spec(int columns, uint32_t seed, size_t words = 700) {
  PdfPageSpec spec;
  spec.columns = columns;
  spec.paragraphs = testkit::split_paragraphs(testkit::sample_words(seed, words), 45);
  // A paragraph ends a sentence, as in real text; one that a column or page break cuts reads on.
  for (auto& p : spec.paragraphs) {
    if (!document::ends_sentence(p.back())) p.back() += '.';
  }
  return spec;
}

struct Item {
  std::string label, text, layer;
};

std::vector<Item> items(const std::string& docling_json) {
  const json doc = json::parse(docling_json);
  std::vector<Item> out;
  for (const auto& child : doc["body"]["children"]) {
    const std::string ref = child["$ref"];
    const auto& t = doc["texts"][std::stoul(ref.substr(ref.rfind('/') + 1))];
    out.push_back({t["label"], t["text"], t["content_layer"]});
  }
  return out;
}

// What a reader should give for these pages, in reading order: page header, title, body
// blocks, page footer (furniture only when asked). A paragraph that a column or page break cuts
// mid-sentence and that goes on in lowercase is one block.
std::vector<Item> expected_items(const std::vector<PdfPageTruth>& truth, bool furniture) {
  std::vector<Item> out;
  auto last_body = [&]() -> Item* {
    for (auto it = out.rbegin(); it != out.rend(); ++it) {
      if (it->layer == "body") return &*it;
    }
    return nullptr;
  };
  bool continued = false;
  for (const auto& page : truth) {
    if (furniture && !page.header.empty()) out.push_back({"page_header", page.header, "furniture"});
    if (!page.title.empty()) {
      out.push_back({"title", page.title, "body"});
      continued = false;
    }
    for (size_t i = 0; i < page.blocks.size(); ++i) {
      const std::string& text = page.blocks[i];
      Item* open = last_body();
      if (continued && open && open->label == "text" && !document::ends_sentence(open->text) &&
          text[0] >= 'a' && text[0] <= 'z') {
        document::append_line(open->text, text);
      } else {
        out.push_back({"text", text, "body"});
      }
      continued = page.continued[i];
    }
    if (furniture && !page.footer.empty()) out.push_back({"page_footer", page.footer, "furniture"});
  }
  return out;
}

std::vector<std::string> expected_blocks(const std::vector<PdfPageTruth>& truth) {
  std::vector<std::string> out;
  for (auto& item : expected_items(truth, false)) {
    if (item.label == "text") out.push_back(std::move(item.text));
  }
  return out;
}

// The body text blocks (label text) of a DoclingDocument, in reading order.
std::vector<std::string> text_blocks(const std::string& docling_json) {
  std::vector<std::string> out;
  for (const auto& item : items(docling_json)) {
    if (item.label == "text") out.push_back(item.text);
  }
  return out;
}

Output run_ok(const std::string& pdf, ConversionRequest request = {}) {
  if (request.to_formats == std::vector<std::string>{"md"}) request.to_formats = {"md", "json"};
  auto out = converter().run(pdf, "doc.pdf", request);
  EXPECT_TRUE(out.ok()) << out.error().message;
  return out.ok() ? std::move(out).value() : Output{};
}

std::string format(const Output& out, const std::string& name) {
  for (const auto& [n, content] : out.formats) {
    if (n == name) return content;
  }
  return "";
}

// --- text layer: exact text and order, no OCR ---

class TextLayer : public ::testing::TestWithParam<int> {};

TEST_P(TextLayer, ColumnsReadInOrderWithExactText) {
  const int sessions = ocr::onnx_sessions_created();
  std::vector<PdfPageTruth> truth;
  const std::string pdf = testkit::render_pdf({page_spec(GetParam(), 10 + GetParam())}, &truth);
  const Output out = run_ok(pdf);
  EXPECT_EQ(out.pages, 1);
  EXPECT_EQ(out.ocr_pages, 0);
  EXPECT_EQ(text_blocks(out.document_json), expected_blocks(truth));
  EXPECT_EQ(ocr::onnx_sessions_created(), sessions) << "a text-layer PDF created an ORT session";
}

INSTANTIATE_TEST_SUITE_P(OneTwoThree, TextLayer, ::testing::Values(1, 2, 3));

TEST(TextLayerPdf, TitleOverColumnsHeaderFooterAndHyphenation) {
  const int sessions = ocr::onnx_sessions_created();
  std::vector<PdfPageSpec> specs = {page_spec(2, 21), page_spec(3, 22)};
  specs[0].title = "Annual Report on River Bridges";
  for (size_t i = 0; i < specs.size(); ++i) {
    specs[i].header = "Bridges Quarterly - Volume 12";
    specs[i].footer = std::to_string(i + 1);
    specs[i].hyphenate = true;
  }
  std::vector<PdfPageTruth> truth;
  const std::string pdf = testkit::render_pdf(specs, &truth);
  ASSERT_GT(truth[0].hyphenated + truth[1].hyphenated, 5) << "the page kit did not hyphenate";

  ConversionRequest request;
  request.to_formats = {"md", "json", "text", "html"};
  request.md_page_break_placeholder = "<!-- page break -->";
  const Output out = run_ok(pdf, request);
  EXPECT_EQ(out.pages, 2);
  EXPECT_EQ(out.ocr_pages, 0);
  EXPECT_EQ(ocr::onnx_sessions_created(), sessions);

  // Reading order: header, title, the blocks, footer; page 2 likewise without a title.
  const std::vector<Item> expected = expected_items(truth, true);
  const auto got = items(out.document_json);
  for (size_t i = 0; i < std::min(got.size(), expected.size()); ++i) {
    EXPECT_EQ(got[i].label, expected[i].label) << i;
    EXPECT_EQ(got[i].text, expected[i].text) << i;
    EXPECT_EQ(got[i].layer, expected[i].layer) << i;
  }
  EXPECT_EQ(got.size(), expected.size());

  // Markdown: a heading, paragraphs, the page break; no furniture.
  const std::string md = format(out, "md");
  EXPECT_EQ(md.rfind("# Annual Report on River Bridges\n\n", 0), 0u) << md.substr(0, 200);
  EXPECT_NE(md.find("\n<!-- page break -->\n"), std::string::npos);
  EXPECT_EQ(md.find("Bridges Quarterly"), std::string::npos);
  EXPECT_NE(md.find(truth[1].blocks.front() + "\n"), std::string::npos);
  const std::string text = format(out, "text");
  EXPECT_EQ(text.rfind("Annual Report on River Bridges\n\n" + truth[0].blocks[0] + "\n", 0), 0u);
  const std::string html = format(out, "html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<h1>Annual Report on River Bridges</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>" + truth[0].blocks[0] + "</p>"), std::string::npos);
}

TEST(TextLayerPdf, SectionHeadingsBySize) {
  PdfPageSpec spec = page_spec(1, 31, 120);
  spec.title = "Methods";
  spec.title_pt = 15;
  std::vector<PdfPageTruth> truth;
  PdfPageSpec first = page_spec(1, 30, 200);
  const Output out = run_ok(testkit::render_pdf({first, spec}, &truth));
  const auto got = items(out.document_json);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front().label, "text");
  bool found = false;
  for (const auto& item : got) {
    if (item.text == "Methods") {
      EXPECT_EQ(item.label, "section_header");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_NE(format(out, "md").find("\n## Methods\n"), std::string::npos);
}

TEST(TextLayerPdf, PageRange) {
  std::vector<PdfPageTruth> truth;
  const std::string pdf = testkit::render_pdf(
      {page_spec(1, 41, 60), page_spec(1, 42, 60), page_spec(1, 43, 60)}, &truth);
  ConversionRequest request;
  request.page_from = 2;
  request.page_to = 3;
  const Output out = run_ok(pdf, request);
  EXPECT_EQ(out.pages, 2);
  const json doc = json::parse(out.document_json);
  EXPECT_TRUE(doc["pages"].contains("2"));
  EXPECT_TRUE(doc["pages"].contains("3"));
  EXPECT_FALSE(doc["pages"].contains("1"));
  EXPECT_EQ(text_blocks(out.document_json), expected_blocks({truth[1], truth[2]}));
  request.page_from = 4;
  request.page_to = 0;
  auto past = converter().run(pdf, "doc.pdf", request);
  ASSERT_FALSE(past.ok());
  EXPECT_NE(past.error().message.find("page 4 does not exist"), std::string::npos);
}

// --- DoclingDocument JSON ---

TEST(DoclingJson, RefsResolveAndBoxesLieInsideTheirPages) {
  std::vector<PdfPageSpec> specs = {page_spec(2, 51), page_spec(1, 52, 200)};
  specs[0].title = "A Title";
  specs[0].header = "Header";
  specs[1].footer = "Page 2";
  const std::string pdf = testkit::render_pdf(specs);
  const Output out = run_ok(pdf);
  const json doc = json::parse(out.document_json);
  EXPECT_EQ(doc["schema_name"], "DoclingDocument");
  EXPECT_EQ(doc["version"], "1.3.0");
  EXPECT_EQ(doc["name"], "doc");
  EXPECT_EQ(doc["origin"]["mimetype"], "application/pdf");
  EXPECT_EQ(doc["origin"]["filename"], "doc.pdf");
  EXPECT_TRUE(doc["origin"]["binary_hash"].is_number_unsigned());
  EXPECT_EQ(doc["body"]["self_ref"], "#/body");
  for (const char* key : {"groups", "pictures", "tables"}) EXPECT_TRUE(doc[key].is_array());
  ASSERT_EQ(doc["pages"].size(), 2u);
  for (const auto& [key, page] : doc["pages"].items()) {
    EXPECT_EQ(std::to_string(page["page_no"].get<int>()), key);
    EXPECT_DOUBLE_EQ(page["size"]["width"].get<double>(), 612);
    EXPECT_DOUBLE_EQ(page["size"]["height"].get<double>(), 792);
  }
  std::set<std::string> referenced;
  for (const auto& child : doc["body"]["children"]) {
    const std::string ref = child["$ref"];
    ASSERT_EQ(ref.rfind("#/texts/", 0), 0u) << ref;
    const size_t index = std::stoul(ref.substr(8));
    ASSERT_LT(index, doc["texts"].size());
    EXPECT_EQ(doc["texts"][index]["self_ref"], ref);
    EXPECT_TRUE(referenced.insert(ref).second) << "referenced twice: " << ref;
  }
  EXPECT_EQ(referenced.size(), doc["texts"].size());
  const std::set<std::string> labels = {"title", "section_header", "text", "page_header",
                                        "page_footer"};
  for (const auto& t : doc["texts"]) {
    EXPECT_EQ(t["parent"]["$ref"], "#/body");
    EXPECT_TRUE(labels.count(t["label"].get<std::string>())) << t["label"];
    EXPECT_EQ(t["orig"], t["text"]);
    ASSERT_GE(t["prov"].size(), 1u);  // a paragraph crossing a page has one per page
    for (const auto& prov : t["prov"]) {
      const auto& page = doc["pages"][std::to_string(prov["page_no"].get<int>())];
      ASSERT_FALSE(page.is_null());
      const auto& bbox = prov["bbox"];
      EXPECT_EQ(bbox["coord_origin"], "BOTTOMLEFT");
      const double l = bbox["l"], t_ = bbox["t"], r = bbox["r"], b = bbox["b"];
      EXPECT_LE(0, l);
      EXPECT_LT(l, r);
      EXPECT_LE(r, page["size"]["width"].get<double>());
      EXPECT_LE(0, b);
      EXPECT_LT(b, t_);
      EXPECT_LE(t_, page["size"]["height"].get<double>());
      EXPECT_EQ(prov["charspan"], json::array({0, t["text"].get<std::string>().size()}));
    }
  }
  const auto got = items(out.document_json);
  EXPECT_EQ(got.front().label, "page_header");
  EXPECT_EQ(got.back().label, "page_footer");
  EXPECT_EQ(got.back().text, "Page 2");
}

TEST(DoclingJson, BinaryHashIsDoclings) {
  const std::string pdf = testkit::one_page_pdf();
  auto out = converter().run(pdf, "a.pdf", {});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(json::parse(out->document_json)["origin"]["binary_hash"].get<std::uint64_t>(),
            document::docling_binary_hash(pdf));
}

TEST(Exports, EmbeddedPageImagesAreDataUris) {
  ConversionRequest request;
  request.to_formats = {"md", "html"};
  request.image_export_mode = "embedded";
  request.dpi = 72;
  const Output out = run_ok(testkit::render_pdf({page_spec(1, 61, 40)}), request);
  // A text-layer page is text, not a picture: no page image.
  EXPECT_EQ(format(out, "md").find("![Page 1]"), std::string::npos);
  EXPECT_EQ(out.ocr_pages, 0);
  // An OCR'd page comes with its image.
  request.force_ocr = true;
  const Output ocr = run_ok(testkit::render_pdf({page_spec(1, 61, 40)}), request);
  EXPECT_NE(format(ocr, "md").find("![Page 1](data:image/png;base64,iVBORw0KGgo"),
            std::string::npos);
  EXPECT_NE(format(ocr, "html").find("<img class=\"page\" src=\"data:image/png;base64,iVBORw0KGgo"),
            std::string::npos);
}

// --- OCR path ---

TEST(OcrPath, ForcedOcrReadsTwoColumnsInOrder) {
  PdfPageSpec spec = page_spec(2, 71);
  spec.title = "Survey of Coastal Stations";
  spec.header = "Field Notes 2024";
  spec.footer = "Page 3 of 9";
  std::vector<PdfPageTruth> truth;
  const std::string pdf = testkit::render_pdf({spec}, &truth);
  ConversionRequest request;
  request.force_ocr = true;
  request.to_formats = {"json", "text"};
  const Output out = run_ok(pdf, request);
  EXPECT_EQ(out.ocr_pages, 1);
  const std::string text = format(out, "text");
  const double accuracy = testkit::word_accuracy(truth[0].body_text(), text);
  EXPECT_GE(accuracy, 0.97) << text;
  // Column order: each block's first words appear after the previous block's.
  const auto hyp = testkit::normalized_words(text);
  auto at = hyp.begin();
  for (const auto& block : truth[0].blocks) {
    const auto words = testkit::normalized_words(block);
    const auto found = std::search(at, hyp.end(), words.begin(), words.begin() + 3);
    EXPECT_NE(found, hyp.end()) << "block out of order: " << block.substr(0, 40);
    if (found != hyp.end()) at = found;
  }
  const auto got = items(out.document_json);
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got.front().label, "page_header");
  EXPECT_EQ(got[1].label, "title");
  EXPECT_EQ(got.back().label, "page_footer");
  const json doc = json::parse(out.document_json);
  for (const auto& t : doc["texts"]) {
    ASSERT_TRUE(t.contains("confidence"));
    EXPECT_GT(t["confidence"].get<double>(), 0.5);
  }
}

TEST(OcrPath, MixedDocumentOcrsOnlyTheScannedPage) {
  PdfPageSpec text_page = page_spec(1, 81, 150);
  PdfPageSpec scanned = page_spec(3, 82, 450);
  scanned.scanned = true;
  std::vector<PdfPageTruth> truth;
  const std::string pdf = testkit::render_pdf({text_page, scanned}, &truth);
  const Output out = run_ok(pdf);
  EXPECT_EQ(out.pages, 2);
  EXPECT_EQ(out.ocr_pages, 1);
  const auto blocks = text_blocks(out.document_json);
  std::string page2;
  for (size_t i = truth[0].blocks.size(); i < blocks.size(); ++i) page2 += blocks[i] + "\n";
  EXPECT_GE(testkit::word_accuracy(truth[1].body_text(), page2), 0.97) << page2;
  EXPECT_EQ(std::vector<std::string>(blocks.begin(), blocks.begin() + static_cast<std::ptrdiff_t>(
                                                                          truth[0].blocks.size())),
            truth[0].blocks);
}

// Pages OCR'd several at a time (as on CUDA) give the same document as one at a time, with a
// text-layer page among them and a last group that is not full.
TEST(OcrPath, PagesReadInGroupsGiveTheSameDocument) {
  std::vector<PdfPageSpec> specs;
  for (uint32_t seed : {101u, 102u, 103u, 104u, 105u}) {
    specs.push_back(page_spec(1, seed, 120));
    specs.back().scanned = seed != 102;
  }
  const std::string pdf = testkit::render_pdf(specs);
  ocr::EngineOptions options;
  options.device = ocr::Device::kCpu;
  options.threads = 2;
  options.pages_per_run = 3;
  Converter grouped(models(), options);
  ConversionRequest request;
  request.to_formats = {"md", "json"};
  auto out = grouped.run(pdf, "doc.pdf", request);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const Output one_by_one = run_ok(pdf, request);
  EXPECT_EQ(out->ocr_pages, 4);
  EXPECT_EQ(one_by_one.ocr_pages, 4);
  EXPECT_EQ(format(*out, "md"), format(one_by_one, "md"));
  EXPECT_EQ(out->document_json, one_by_one.document_json);
}

// --- documents that must be refused ---

std::string error_of(const std::string& bytes, ConversionRequest request = {}) {
  auto out = converter().run(bytes, "bad.pdf", request);
  return out.ok() ? "(no error)" : out.error().message;
}

TEST(BadDocuments, EachGetsAClearError) {
  const std::string good = testkit::render_pdf({page_spec(1, 91, 300)});
  EXPECT_NE(error_of(testkit::encrypted_pdf()).find("encrypted"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, good.size() / 2)).find("truncated"), std::string::npos);
  EXPECT_NE(error_of(testkit::zero_page_pdf()).find("no pages"), std::string::npos);
  EXPECT_NE(error_of(testkit::page_count_claim_pdf(100000)).find("claims more pages"),
            std::string::npos);
  EXPECT_NE(error_of(testkit::one_page_pdf(200000, 200000)).find("over the limit"),
            std::string::npos);
  EXPECT_NE(error_of("%PDF-1.7\nnothing else\n%%EOF\n").find("damaged"), std::string::npos);
  ConversionRequest one_page;
  one_page.max_pages = 2;
  const std::string three =
      testkit::render_pdf({page_spec(1, 92, 20), page_spec(1, 93, 20), page_spec(1, 94, 20)});
  EXPECT_NE(error_of(three, one_page).find("3 pages, over the limit of 2"), std::string::npos);
}

TEST(BadDocuments, RefusedBeforeAnyOcr) {
  const int sessions = ocr::onnx_sessions_created();
  PdfPageSpec big = page_spec(1, 95, 10);
  big.scanned = true;
  big.scan_dpi = 20;
  big.width_pt = big.height_pt = 14000;  // 27 000 x 27 000 pixels at 144 dpi
  Converter fresh(models(), {});
  auto out = fresh.run(testkit::render_pdf({big}), "big.pdf", {});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("pixels per page"), std::string::npos) << out.error().message;
  EXPECT_FALSE(fresh.engine_created());
  EXPECT_EQ(ocr::onnx_sessions_created(), sessions);
}

TEST(Request, JsonRoundTrip) {
  ConversionRequest r;
  r.to_formats = {"md", "html"};
  r.force_ocr = true;
  r.page_from = 2;
  r.page_to = 5;
  r.dpi = 200;
  r.image_export_mode = "embedded";
  r.md_page_break_placeholder = "---";
  auto back = request_from_json(to_json(r));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(to_json(*back), to_json(r));
  EXPECT_FALSE(request_from_json(json{{"dpi", "high"}}).ok());
}

}  // namespace
}  // namespace ocrserve::conversion
