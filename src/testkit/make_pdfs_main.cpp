// ocrserve-make-pdfs OUTDIR [--count N] [--columns C] [--seed S] [--scanned] [--plain]
// Writes known-answer one-page PDFs doc-001.pdf ... (US letter, DejaVu Sans 11 pt, C columns
// under a full-width title, a page header and footer, hyphenated line breaks; --plain drops
// title, header and footer; --scanned makes image-only pages), and beside each a ground truth:
// doc-001.txt, the title and every body block in reading order, one block per paragraph
// separated by blank lines (header and footer left out, hyphenated words whole).
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "testkit/page_renderer.h"
#include "testkit/pdf_renderer.h"

namespace tk = ocrserve::testkit;
namespace fs = std::filesystem;

namespace {

int usage() {
  std::cerr << "usage: ocrserve-make-pdfs OUTDIR [--count N] [--columns C] [--seed S]"
               " [--scanned] [--plain]\n";
  return 2;
}

bool parse_uint(std::string_view s, uint32_t& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const fs::path out = argv[1];
  uint32_t count = 4, columns = 2, seed = 1;
  bool scanned = false, plain = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--scanned") {
      scanned = true;
    } else if (a == "--plain") {
      plain = true;
    } else if (i + 1 < argc && (a == "--count" || a == "--columns" || a == "--seed")) {
      uint32_t& target = a == "--count" ? count : a == "--columns" ? columns : seed;
      if (!parse_uint(argv[++i], target)) return usage();
    } else {
      return usage();
    }
  }
  if (columns < 1 || columns > 4) return usage();
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::cerr << "ocrserve-make-pdfs: cannot create " << out << ": " << ec.message() << "\n";
    return 1;
  }
  for (uint32_t i = 0; i < count; ++i) {
    tk::PdfPageSpec spec;
    spec.columns = static_cast<int>(columns);
    spec.hyphenate = true;
    spec.scanned = scanned;
    if (!plain) {
      spec.title = "Report " + std::to_string(seed + i) + " on Regional Stations";
      spec.header = "Known-answer document " + std::to_string(seed + i);
      spec.footer = "Page " + std::to_string(i + 1);
    }
    spec.paragraphs = tk::split_paragraphs(tk::sample_words(seed + i, 1200), 30 + 7 * (i % 4));
    std::vector<tk::PdfPageTruth> truth;
    const std::string pdf = tk::render_pdf({spec}, &truth);
    char stem[32];
    std::snprintf(stem, sizeof stem, "doc-%03u", i + 1);
    std::ofstream(out / (std::string(stem) + ".pdf"), std::ios::binary) << pdf;
    std::ofstream txt(out / (std::string(stem) + ".txt"), std::ios::binary);
    if (!truth[0].title.empty()) txt << truth[0].title << "\n\n";
    for (size_t b = 0; b < truth[0].blocks.size(); ++b) {
      txt << truth[0].blocks[b] << (b + 1 < truth[0].blocks.size() ? "\n\n" : "\n");
    }
    std::cout << stem << ".pdf\n";
  }
  return 0;
}
