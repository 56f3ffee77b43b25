// Document structure end to end: PDFs drawn by testkit/structure_pdfs with known headings,
// lists, code, tables, furniture, a table of contents and a captioned picture, through
// Converter::run; the Markdown must be exact and the DoclingDocument must hold the structure.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "conversion/converter.h"
#include "document/encoding.h"
#include "ocr/onnx_model.h"
#include "testkit/structure_pdfs.h"

namespace ocrserve::conversion {
namespace {

using nlohmann::json;
using testkit::StructurePdf;

Converter& converter() {
  static Converter c = [] {
    auto bundle = ocr::ModelBundle::load(ocr::ModelPaths::in_dir(OCRSERVE_MODELS_DIR));
    EXPECT_TRUE(bundle.ok()) << bundle.error().message;
    ocr::EngineOptions options;
    options.device = ocr::Device::kCpu;
    options.threads = 2;
    return Converter(bundle.ok() ? *bundle : nullptr, options);
  }();
  return c;
}

struct Converted {
  std::string md;
  json doc;
};

Converted convert(const std::string& bytes, const std::string& name,
                  ConversionRequest request = {}) {
  request.to_formats = {"md", "json"};
  auto out = converter().run(bytes, name, request);
  EXPECT_TRUE(out.ok()) << out.error().message;
  Converted c;
  if (!out.ok()) return c;
  EXPECT_EQ(out->ocr_pages, name.ends_with(".png") ? 1 : 0);
  for (const auto& [format, content] : out->formats) {
    if (format == "md") c.md = content;
  }
  c.doc = json::parse(out->document_json);
  return c;
}

const json& resolve(const json& doc, const json& ref) {
  const std::string path = ref["$ref"];  // "#/texts/3"
  if (path == "#/body") return doc["body"];
  const auto slash = path.rfind('/');
  const std::string list = path.substr(2, slash - 2);
  return doc[list][std::stoul(path.substr(slash + 1))];
}

std::vector<const json*> texts_labelled(const json& doc, const std::string& label) {
  std::vector<const json*> out;
  for (const auto& t : doc["texts"]) {
    if (t["label"] == label) out.push_back(&t);
  }
  return out;
}

// The table's cells as the fixture lists them: top-left position, spans, text, header flag.
std::vector<StructurePdf::Cell> cells_of(const json& table) {
  std::vector<StructurePdf::Cell> out;
  for (const auto& c : table["data"]["table_cells"]) {
    StructurePdf::Cell cell;
    cell.row = c["start_row_offset_idx"];
    cell.col = c["start_col_offset_idx"];
    cell.row_span = c["row_span"];
    cell.col_span = c["col_span"];
    EXPECT_EQ(c["end_row_offset_idx"].get<int>(), cell.row + cell.row_span);
    EXPECT_EQ(c["end_col_offset_idx"].get<int>(), cell.col + cell.col_span);
    cell.text = c["text"];
    cell.column_header = c["column_header"];
    out.push_back(cell);
  }
  return out;
}

std::string describe(const std::vector<StructurePdf::Cell>& cells) {
  std::string out;
  for (const auto& c : cells) {
    out += "[" + std::to_string(c.row) + "," + std::to_string(c.col) + " " +
           std::to_string(c.row_span) + "x" + std::to_string(c.col_span) +
           (c.column_header ? " h" : "") + "] " + c.text + "\n";
  }
  return out;
}

class StructureMarkdown : public ::testing::TestWithParam<std::string> {};

TEST_P(StructureMarkdown, IsExact) {
  const StructurePdf pdf = testkit::structure_pdf(GetParam());
  const Converted out = convert(pdf.pdf, pdf.name + ".pdf");
  EXPECT_EQ(out.md, pdf.markdown);
}

INSTANTIATE_TEST_SUITE_P(Documents, StructureMarkdown,
                         ::testing::ValuesIn(testkit::structure_pdf_names()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

class StructureTables : public ::testing::TestWithParam<std::string> {};

TEST_P(StructureTables, CellsSpansAndHeadersAreExact) {
  const StructurePdf pdf = testkit::structure_pdf(GetParam());
  const Converted out = convert(pdf.pdf, pdf.name + ".pdf");
  ASSERT_EQ(out.doc["tables"].size(), pdf.tables.size());
  for (size_t t = 0; t < pdf.tables.size(); ++t) {
    const json& table = out.doc["tables"][t];
    EXPECT_EQ(table["label"], "table");
    EXPECT_EQ(resolve(out.doc, table["parent"])["self_ref"], "#/body");
    EXPECT_EQ(describe(cells_of(table)), describe(pdf.tables[t]));
    int rows = 0, cols = 0;
    for (const auto& c : pdf.tables[t]) {
      rows = std::max(rows, c.row + c.row_span);
      cols = std::max(cols, c.col + c.col_span);
    }
    EXPECT_EQ(table["data"]["num_rows"].get<int>(), rows);
    EXPECT_EQ(table["data"]["num_cols"].get<int>(), cols);
    ASSERT_EQ(table["data"]["grid"].size(), static_cast<size_t>(rows));
    EXPECT_EQ(table["data"]["grid"][0].size(), static_cast<size_t>(cols));
  }
}

INSTANTIATE_TEST_SUITE_P(Tables, StructureTables,
                         ::testing::Values("ruled-grid", "spanning-cell", "background-table"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(Structure, ScannedRuledGridGivesTheSameTable) {
  const StructurePdf pdf = testkit::structure_pdf("ruled-grid");
  const testkit::RenderedPage raster = testkit::structure_page_raster("ruled-grid", 0, 200);
  Image image;
  image.width = raster.width;
  image.height = raster.height;
  image.rgb = raster.rgb;
  auto png = document::encode_png(image);
  ASSERT_TRUE(png.ok());
  const Converted out = convert(*png, "ruled-grid.png");
  ASSERT_EQ(out.doc["tables"].size(), 1u) << out.md;
  EXPECT_EQ(describe(cells_of(out.doc["tables"][0])), describe(pdf.tables[0]));
}

TEST(Structure, ListsAreGroupsWithMarkersAndNesting) {
  const Converted out = convert(testkit::structure_pdf("lists").pdf, "lists.pdf");
  const json& doc = out.doc;
  const auto items = texts_labelled(doc, "list_item");
  ASSERT_GE(items.size(), 6u);
  size_t bullets = 0, numbered = 0;
  for (const json* item : items) {
    const json& group = resolve(doc, (*item)["parent"]);
    EXPECT_EQ(group["label"], "list");
    if ((*item)["enumerated"].get<bool>()) {
      ++numbered;
      EXPECT_EQ((*item)["marker"].get<std::string>().back(), '.');
    } else {
      ++bullets;
      EXPECT_EQ((*item)["marker"], "\u2022");
    }
  }
  EXPECT_EQ(numbered, 3u);
  EXPECT_GE(bullets, 4u);
  // The nested list hangs under the numbered item above it.
  size_t nested = 0;
  for (const auto& group : doc["groups"]) {
    const json& parent = resolve(doc, group["parent"]);
    if (parent["self_ref"] == "#/body") continue;
    ++nested;
    EXPECT_EQ(parent["label"], "list_item");
    EXPECT_TRUE(parent["enumerated"].get<bool>());
  }
  EXPECT_EQ(nested, 1u);
}

TEST(Structure, CodeIsOneBlockWithItsLines) {
  const Converted out = convert(testkit::structure_pdf("code").pdf, "code.pdf");
  const auto code = texts_labelled(out.doc, "code");
  ASSERT_EQ(code.size(), 1u);
  const std::string text = (*code[0])["text"];
  EXPECT_EQ(text.rfind("int sum(const int* v, int n) {\n    int total = 0;\n", 0), 0u) << text;
  EXPECT_NE(text.find("}\n\n    return total;\n}"), std::string::npos) << text;
}

TEST(Structure, RunningHeadersAndPageNumbersAreFurniture) {
  const StructurePdf pdf = testkit::structure_pdf("running-headers");
  const Converted out = convert(pdf.pdf, "running-headers.pdf");
  std::vector<std::string> headers, footers;
  for (const auto* t : texts_labelled(out.doc, "page_header")) {
    headers.push_back((*t)["text"]);
    EXPECT_EQ((*t)["content_layer"], "furniture");
  }
  for (const auto* t : texts_labelled(out.doc, "page_footer")) footers.push_back((*t)["text"]);
  EXPECT_EQ(headers, pdf.page_headers);
  EXPECT_EQ(footers, pdf.page_footers);
  // The paragraph that crosses from page 1 to page 2 is one item with a place on each page.
  size_t crossing = 0;
  for (const auto* t : texts_labelled(out.doc, "text")) {
    EXPECT_EQ((*t)["content_layer"], "body");
    if ((*t)["prov"].size() == 2) {
      ++crossing;
      EXPECT_EQ((*t)["prov"][0]["page_no"], 1);
      EXPECT_EQ((*t)["prov"][1]["page_no"], 2);
    }
  }
  EXPECT_EQ(crossing, 1u);
  std::vector<int> levels;
  for (const auto* h : texts_labelled(out.doc, "section_header")) levels.push_back((*h)["level"]);
  EXPECT_EQ(levels, (std::vector<int>{1, 2}));
  EXPECT_TRUE(texts_labelled(out.doc, "title").empty());
}

TEST(Structure, TableOfContentsIsAListNotHeadings) {
  const Converted out = convert(testkit::structure_pdf("table-of-contents").pdf, "toc.pdf");
  const auto headers = texts_labelled(out.doc, "section_header");
  std::vector<std::string> texts;
  for (const auto* h : headers) texts.push_back((*h)["text"]);
  EXPECT_EQ(texts, (std::vector<std::string>{"Contents", "1 Introduction", "1.1 Scope", "1.2 Terms",
                                             "2 Methods", "2.1 Sampling", "3 Results"}));
  const auto entries = texts_labelled(out.doc, "list_item");
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ((*entries[0])["text"], "1 Introduction 2");
  for (const auto* e : entries)
    EXPECT_EQ((*e)["text"].get<std::string>().find(".."), std::string::npos);
}

TEST(Structure, PictureWithItsCaption) {
  const StructurePdf pdf = testkit::structure_pdf("picture-caption");
  const Converted out = convert(pdf.pdf, "picture.pdf");
  ASSERT_EQ(out.doc["pictures"].size(), 1u);
  const json& picture = out.doc["pictures"][0];
  const json& bbox = picture["prov"][0]["bbox"];
  EXPECT_NEAR(bbox["r"].get<double>() - bbox["l"].get<double>(), 200, 1);
  EXPECT_NEAR(bbox["t"].get<double>() - bbox["b"].get<double>(), 120, 1);
  ASSERT_EQ(picture["captions"].size(), 1u);
  const json& caption = resolve(out.doc, picture["captions"][0]);
  EXPECT_EQ(caption["label"], "caption");
  EXPECT_EQ(caption["text"], "Figure 1: A test pattern.");
  EXPECT_EQ(resolve(out.doc, caption["parent"])["self_ref"], picture["self_ref"]);
  // Embedded: the picture itself, cut from the page, as a data URI.
  ConversionRequest request;
  request.image_export_mode = "embedded";
  const Converted embedded = convert(pdf.pdf, "picture.pdf", request);
  EXPECT_NE(embedded.md.find("Figure 1: A test pattern.\n\n![Image](data:image/png;base64,"),
            std::string::npos)
      << embedded.md.substr(0, 400);
  EXPECT_EQ(embedded.md.find("![Page"), std::string::npos);
  EXPECT_EQ(embedded.doc["pictures"][0]["image"]["uri"].get<std::string>().rfind(
                "data:image/png;base64,", 0),
            0u);
}

TEST(Structure, AVectorChartIsAPictureWithItsLabels) {
  const Converted out = convert(testkit::structure_pdf("vector-chart").pdf, "chart.pdf");
  ASSERT_EQ(out.doc["pictures"].size(), 1u);
  const json& picture = out.doc["pictures"][0];
  ASSERT_EQ(picture["captions"].size(), 1u);
  EXPECT_EQ(resolve(out.doc, picture["captions"][0])["text"], "Figure 2: Deliveries per year.");
  // The year labels belong to the chart, not to the body.
  for (const auto& t : out.doc["texts"]) {
    EXPECT_EQ(t["text"].get<std::string>().find("2015"), std::string::npos) << t["text"];
  }
  // The drawing spans from its y axis (20 pt in) to the right end of its x axis.
  const json& bbox = picture["prov"][0]["bbox"];
  EXPECT_NEAR(bbox["r"].get<double>() - bbox["l"].get<double>(), 240, 4);
}

TEST(Structure, ReferencedPicturesAreFilesBesideTheExports) {
  const StructurePdf pdf = testkit::structure_pdf("picture-caption");
  ConversionRequest request;
  request.image_export_mode = "referenced";
  request.to_formats = {"md", "json"};
  auto out = converter().run(pdf.pdf, "report.pdf", request);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->artifacts.size(), 1u);
  EXPECT_EQ(out->artifacts[0].path, "report_artifacts/image_000001.png");
  EXPECT_EQ(out->artifacts[0].bytes.rfind("\x89PNG", 0), 0u);
  EXPECT_NE(out->formats[0].second.find("![Image](report_artifacts/image_000001.png)"),
            std::string::npos);
  const json doc = json::parse(out->document_json);
  const json& image = doc["pictures"][0]["image"];
  EXPECT_EQ(image["uri"], "report_artifacts/image_000001.png");
  EXPECT_EQ(image["mimetype"], "image/png");
  // The picture is 200 x 120 points; at the raster's resolution the file has that shape.
  const double ratio = image["size"]["width"].get<double>() / image["size"]["height"].get<double>();
  EXPECT_NEAR(ratio, 200.0 / 120.0, 0.05);
}

}  // namespace
}  // namespace ocrserve::conversion
