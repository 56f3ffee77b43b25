#include "document/content_kind.h"

#include <algorithm>
#include <cctype>

namespace ocrserve::document {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

// Mostly printable characters (UTF-8 bytes count as printable) and no NUL.
bool looks_like_text(std::string_view head) {
  if (head.empty()) return false;
  size_t printable = 0;
  for (unsigned char c : head) {
    if (c == 0) return false;
    printable += c >= 0x20 || c == '\n' || c == '\r' || c == '\t';
  }
  return printable * 100 >= head.size() * 95;
}

}  // namespace

std::string content_kind(std::string_view bytes) {
  const std::string_view head = bytes.substr(0, 512);
  if (bytes.empty()) return "an empty file";
  if (starts_with(head, "PK\x03\x04")) return "a ZIP archive (DOCX, XLSX, PPTX or ODF)";
  if (starts_with(head, "\x1f\x8b")) return "a gzip file";
  if (starts_with(head, "\xd0\xcf\x11\xe0")) return "an old Microsoft Office file (DOC, XLS)";
  if (starts_with(head, "{\\rtf")) return "an RTF document";
  if (starts_with(head, "%!PS")) return "a PostScript file";
  if (starts_with(head, "\x00\x00\x00") && head.size() > 8 && head.substr(4, 4) == "ftyp") {
    return "an MP4/HEIF file";
  }
  if (looks_like_text(head)) {
    const std::string text = lower(head);
    if (text.find("<!doctype html") != std::string::npos ||
        text.find("<html") != std::string::npos) {
      return "an HTML page";
    }
    if (text.find("<svg") != std::string::npos) return "an SVG image";
    if (text.find("<?xml") != std::string::npos) return "an XML file";
    return "a plain-text file";
  }
  return "";
}

std::string unsupported_file_message(std::string_view bytes, const std::string& filename) {
  std::string kind = content_kind(bytes);
  std::string message = kind.empty() ? "not a PDF or a supported image" : "this is " + kind;
  const auto dot = filename.rfind('.');
  const std::string extension = dot == std::string::npos ? "" : lower(filename.substr(dot + 1));
  if (!kind.empty() && !extension.empty()) {
    message += ", whatever its name (." + extension + ") says";
  }
  return message + "; accepted: PDF, PNG, JPEG, TIFF, WebP, BMP, GIF, PNM";
}

}  // namespace ocrserve::document
