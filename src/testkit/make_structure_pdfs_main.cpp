// ocrserve-make-structure-pdfs OUTDIR
// Writes the known-answer structure documents (see structure_pdfs.h) into OUTDIR: NAME.pdf and
// NAME.md (the expected Markdown) for each, and ruled-grid.png, the ruled grid's page as an
// image-only raster at 200 dpi for OCR.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "testkit/image_io.h"
#include "testkit/structure_pdfs.h"

namespace tk = ocrserve::testkit;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: ocrserve-make-structure-pdfs OUTDIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::cerr << "ocrserve-make-structure-pdfs: cannot create " << out << ": " << ec.message()
              << "\n";
    return 1;
  }
  for (const auto& doc : tk::structure_pdfs()) {
    std::ofstream(out / (doc.name + ".pdf"), std::ios::binary) << doc.pdf;
    std::ofstream(out / (doc.name + ".md"), std::ios::binary) << doc.markdown;
    std::cout << doc.name << ".pdf\n";
  }
  if (!tk::write_png((out / "ruled-grid.png").string(), tk::structure_page_raster("ruled-grid"))) {
    std::cerr << "ocrserve-make-structure-pdfs: cannot write ruled-grid.png\n";
    return 1;
  }
  std::cout << "ruled-grid.png\n";
  return 0;
}
