#include "document/content_kind.h"

#include <gtest/gtest.h>

namespace ocrserve::document {
namespace {

TEST(ContentKind, NamesWhatTheBytesAre) {
  EXPECT_EQ(content_kind("Dear reader,\nthis is text.\n"), "a plain-text file");
  EXPECT_EQ(content_kind("<!DOCTYPE html><html><body>hi</body></html>"), "an HTML page");
  EXPECT_EQ(content_kind(std::string("PK\x03\x04\x14\x00", 6)),
            "a ZIP archive (DOCX, XLSX, PPTX or ODF)");
  EXPECT_EQ(content_kind(std::string("\x01\x02\x00\xff", 4)), "");
}

TEST(ContentKind, TheMessageSaysWhatTheFileIsAndWhatIsAccepted) {
  EXPECT_EQ(unsupported_file_message("hello, just text\n", "report.pdf"),
            "this is a plain-text file, whatever its name (.pdf) says; accepted: PDF, PNG, JPEG, "
            "TIFF, WebP, BMP, GIF, PNM");
  EXPECT_EQ(unsupported_file_message(std::string("\x01\x02\x00\xff", 4), "x.bin"),
            "not a PDF or a supported image; accepted: PDF, PNG, JPEG, TIFF, WebP, BMP, GIF, PNM");
}

}  // namespace
}  // namespace ocrserve::document
