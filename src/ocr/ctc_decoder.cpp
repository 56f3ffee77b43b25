#include "ocr/ctc_decoder.h"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

namespace ocrserve::ocr {

CtcDecoder::CtcDecoder(std::vector<std::string> characters) : characters_(std::move(characters)) {}

CtcDecoder CtcDecoder::from_keys(const std::string& keys_text) {
  std::vector<std::string> chars{"<blank>"};
  std::istringstream in(keys_text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    chars.push_back(line);
  }
  chars.emplace_back(" ");
  return CtcDecoder(std::move(chars));
}

namespace {

// Characters outside ASCII (CJK, full-width punctuation) are written without spaces.
bool is_ascii(std::string_view s) { return !s.empty() && static_cast<unsigned char>(s[0]) < 0x80; }

// The model writes Chinese (full-width) punctuation even in English text; after an ASCII
// character it stands for the ASCII mark.
const char* ascii_punctuation(std::string_view s) {
  static const std::pair<const char*, const char*> kMarks[] = {
      {"\uFF0C", ","}, {"\u3002", "."},  {"\uFF1A", ":"},  {"\uFF1B", ";"}, {"\uFF01", "!"},
      {"\uFF1F", "?"}, {"\uFF08", "("},  {"\uFF09", ")"},  {"\u3001", ","}, {"\u2018", "'"},
      {"\u2019", "'"}, {"\u201C", "\""}, {"\u201D", "\""}, {"\uFF05", "%"}, {"\uFF0E", "."},
      {"\uFF3B", "["}, {"\uFF3D", "]"},  {"\uFF0D", "-"},  {"\u2014", "-"}, {"\uFF0F", "/"}};
  for (const auto& [wide, ascii] : kMarks) {
    if (s == wide) return ascii;
  }
  return nullptr;
}

// No word space goes before closing punctuation or after an opening bracket.
bool closes(std::string_view ch) {
  return ch.size() == 1 && std::string_view(".,;:!?)]}%'\"").find(ch[0]) != std::string_view::npos;
}
bool opens(char c) { return c == '(' || c == '[' || c == '{'; }

// How much surer the space class must be for a space where the characters sit at the line's
// usual pitch than where the gap is wide.
constexpr float kTightGapFactor = 5;

}  // namespace

DecodedText CtcDecoder::decode(const float* probs, int steps, int classes,
                               float space_threshold) const {
  DecodedText out;
  const int space = static_cast<int>(characters_.size()) - 1;
  const bool recover_spaces = space_threshold > 0 && space < classes;
  // Greedy decoding first: each kept character with the step it starts at and the highest
  // space probability since the character before it.
  struct Emission {
    std::string_view ch;
    int t;
    float prob;
    float space_before;
    bool is_space;
  };
  std::vector<Emission> emitted;
  int previous = -1;
  float space_since_last = 0;
  bool last_ascii = false;
  for (int t = 0; t < steps; ++t) {
    const float* row = probs + static_cast<ptrdiff_t>(t) * classes;
    const int best = static_cast<int>(std::max_element(row, row + classes) - row);
    if (recover_spaces) space_since_last = std::max(space_since_last, row[space]);
    if (best != 0 && best != previous && best < static_cast<int>(characters_.size())) {
      std::string_view ch = characters_[best];
      if (last_ascii) {
        if (const char* ascii = ascii_punctuation(ch)) ch = ascii;
      }
      emitted.push_back({ch, t, row[best], space_since_last, best == space});
      last_ascii = is_ascii(ch);
      space_since_last = 0;
    }
    previous = best;
  }
  // The line's character pitch: the median step distance between two characters of one word.
  // A recovered space needs a gap wider than that; at the usual pitch it needs much stronger
  // evidence, or fixed-pitch text ("istream" in a code font) falls apart into "ist ream".
  std::vector<int> gaps;
  for (size_t i = 1; i < emitted.size(); ++i) {
    if (!emitted[i].is_space && !emitted[i - 1].is_space)
      gaps.push_back(emitted[i].t - emitted[i - 1].t);
  }
  double pitch = 0;
  if (gaps.size() >= 4) {
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2),
                     gaps.end());
    pitch = gaps[gaps.size() / 2];
  }
  double prob_sum = 0;
  for (size_t i = 0; i < emitted.size(); ++i) {
    const Emission& e = emitted[i];
    if (recover_spaces && i > 0) {
      const Emission& last = emitted[i - 1];
      const bool between_latin =
          is_ascii(last.ch) && is_ascii(e.ch) && !last.is_space && !e.is_space;
      // Wide: against the line's pitch, and against the gaps on either side, which tell a
      // word in a code font amid proportional text ("ist ream") from a real space.
      const int gap = e.t - last.t;
      int neighbours = 0;
      if (i >= 2 && !emitted[i - 2].is_space && !last.is_space) {
        neighbours = std::max(neighbours, last.t - emitted[i - 2].t);
      }
      if (i + 1 < emitted.size() && !emitted[i + 1].is_space) {
        neighbours = std::max(neighbours, emitted[i + 1].t - e.t);
      }
      // After a sentence or clause mark a space is the rule ("spoken. Prepare", "their, then").
      const char before = last.ch.empty() ? '\0' : last.ch.back();
      const bool after_mark = before == '.' || before == ',' || before == ';' || before == ':' ||
                              before == '!' || before == '?' || before == ')';
      const bool wide =
          pitch <= 0 || after_mark || (gap >= 1.4 * pitch && gap >= 1.25 * neighbours);
      const float needed = wide ? space_threshold : kTightGapFactor * space_threshold;
      if (between_latin && e.space_before > needed && !closes(e.ch) &&
          !opens(last.ch.empty() ? '\0' : last.ch.back())) {
        out.recovered_spaces.push_back(out.text.size());
        out.text += ' ';
        ++out.spaces_inserted;
      }
    }
    out.text += e.ch;
    prob_sum += e.prob;
  }
  if (!emitted.empty())
    out.confidence = static_cast<float>(prob_sum / static_cast<double>(emitted.size()));
  return out;
}

}  // namespace ocrserve::ocr
