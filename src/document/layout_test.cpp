#include "document/layout.h"

#include <gtest/gtest.h>

namespace ocrserve::document {
namespace {

TEST(AppendLine, MendsHyphenatedBreaksOnly) {
  std::string p = "an exam-";
  append_line(p, "ple of it");
  EXPECT_EQ(p, "an example of it");
  p = "the North-";
  append_line(p, "East wind");  // a capital after the hyphen: a real compound
  EXPECT_EQ(p, "the North- East wind");
  p = "pages 10-";
  append_line(p, "and more");
  EXPECT_EQ(p, "pages 10- and more");
  p = "";
  append_line(p, "first");
  EXPECT_EQ(p, "first");
}

// A page of 10-unit-high lines: body rows every 12 units.
Page page_of(std::vector<TextLine> lines) {
  Page page;
  page.width = 600;
  page.height = 800;
  page.lines = std::move(lines);
  return page;
}

TextLine line(const std::string& text, double l, double t, double r, double h = 10) {
  TextLine out;
  out.text = text;
  out.box = {l, t, r, t + h};
  return out;
}

std::vector<std::string> texts(const Page& page) {
  std::vector<std::string> out;
  for (const auto& b : page.blocks) out.push_back(std::string(label_name(b.label)) + ":" + b.text);
  return out;
}

TEST(Layout, ThreeColumnsUnderATitleWithHeaderAndFooter) {
  std::vector<TextLine> lines = {line("Running head", 50, 20, 200, 8), line("7", 295, 770, 305, 8),
                                 line("Big Title", 50, 60, 550, 24)};
  // Rows interleave across columns, as a detector reports them; each line is running text.
  std::string a, b, c;
  for (int row = 0; row < 4; ++row) {
    const double t = 110 + 12 * row;
    const std::string words = std::to_string(row) + " of the running text" + (row == 3 ? "." : "");
    lines.push_back(line("a" + words, 50, t, 210));
    lines.push_back(line("b" + words, 230, t, 390));
    lines.push_back(line("c" + words, 410, t, 550));
    for (auto [column, letter] : {std::pair{&a, "a"}, {&b, "b"}, {&c, "c"}}) {
      *column += (row ? " " : "") + (letter + words);
    }
  }
  Page page = page_of(lines);
  layout_page(page);
  EXPECT_EQ(texts(page),
            (std::vector<std::string>{"page_header:Running head", "title:Big Title", "text:" + a,
                                      "text:" + b, "text:" + c, "page_footer:7"}));
  std::vector<Page> pages{page};
  layout_document(pages);
  EXPECT_EQ(pages[0].blocks[1].label, Label::kTitle);
}

TEST(Layout, ParagraphGapsSplitBlocksAndTopLinesCloseToTheBodyAreNotHeaders) {
  Page page = page_of({line("first line of text", 50, 50, 550), line("second", 50, 62, 300),
                       line("next paragraph", 50, 90, 550), line("ends", 50, 102, 200)});
  layout_page(page);
  EXPECT_EQ(texts(page), (std::vector<std::string>{"text:first line of text second",
                                                   "text:next paragraph ends"}));
}

TEST(Layout, EmptyPageHasNoBlocks) {
  Page page = page_of({});
  layout_page(page);
  EXPECT_TRUE(page.blocks.empty());
}

}  // namespace
}  // namespace ocrserve::document
