// What a file's first bytes say it is, for the message that refuses an unsupported one: "a
// plain-text file", "a ZIP archive (DOCX, XLSX, PPTX or ODF)", "an HTML page". Names only; the
// decoders decide what is accepted.
#pragma once

#include <string>
#include <string_view>

namespace ocrserve::document {

// A short description of the bytes' kind, with an article; "" when nothing is recognised.
std::string content_kind(std::string_view bytes);

// The sentence for a file that is neither a PDF nor a supported image: what it is (by its
// bytes, whatever its name says) and what is accepted.
std::string unsupported_file_message(std::string_view bytes, const std::string& filename);

}  // namespace ocrserve::document
