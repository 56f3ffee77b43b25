// Checks for text that comes from outside (request bodies, file names, worker messages) before
// it reaches a parser or a store that would trip on it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ocrserve {

// Nesting depth of a JSON text ({ and [ outside strings), without parsing it. Deeply nested
// input would make the copies and comparisons of a parsed value recurse past the stack.
size_t json_nesting_depth(std::string_view text);
constexpr size_t kMaxJsonDepth = 64;

// The text with every invalid UTF-8 sequence replaced by '_' (JSON and SQLite want UTF-8).
std::string valid_utf8(std::string_view text);

// At most max_bytes of the text's end, cut at a character boundary (keeps a file extension).
std::string utf8_tail(std::string_view text, size_t max_bytes);

}  // namespace ocrserve
