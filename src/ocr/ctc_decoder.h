// CTC greedy decoding of the recogniser's output, with word-space recovery. Immutable after
// construction; decode() is thread-safe.
#pragma once

#include <string>
#include <vector>

namespace ocrserve::ocr {

struct DecodedText {
  std::string text;         // UTF-8
  float confidence = 0;     // mean of the kept characters' probabilities (0 when empty)
  int spaces_inserted = 0;  // spaces recovered from frame gaps
  std::vector<size_t> recovered_spaces;  // their byte offsets in text
};

class CtcDecoder {
 public:
  // characters: the model's classes in order; index 0 is the CTC blank.
  explicit CtcDecoder(std::vector<std::string> characters);

  // PP-OCR's dictionary: blank + one character per line of keys_text + " ".
  static CtcDecoder from_keys(const std::string& keys_text);

  // probs: steps x classes softmax outputs, row-major. Greedy decoding: argmax per step, drop
  // repeats and blanks. Word-space recovery: the Chinese+English model often drops the space
  // between English words, yet the space class still rises in the blank frames between them
  // (0.01..0.2 there, under 0.003 inside words). When space_threshold > 0, a space is inserted
  // between two ASCII characters when the space probability in the frames from the first to the
  // second exceeded it (and neither is a space already); unless the two characters are clearly
  // further apart than the line's usual pitch (the median distance between characters) and
  // than their neighbours, the probability must exceed 5 times the threshold, so that letter
  // spacing in a fixed-pitch font does not split words ("ist ream").
  DecodedText decode(const float* probs, int steps, int classes, float space_threshold) const;

  size_t size() const { return characters_.size(); }

 private:
  std::vector<std::string> characters_;
};

}  // namespace ocrserve::ocr
