#include "ocr/ctc_decoder.h"

#include <gtest/gtest.h>

namespace ocrserve::ocr {
namespace {

// Classes: 0 blank, 1 'a', 2 'b', 3 'c', 4 full-width comma, 5 CJK char, 6 space.
const std::vector<std::string> kChars{"<blank>", "a", "b", "c", "\uFF0C", "\u4E2D", " "};
constexpr int kClasses = 7;

// One frame per entry: the argmax class, its probability, and the space class' probability.
struct Frame {
  int best;
  float p = 0.9f;
  float space = 0.0f;
};

std::vector<float> frames(const std::vector<Frame>& fs) {
  std::vector<float> probs;
  for (const auto& f : fs) {
    std::vector<float> row(kClasses, 0.0f);
    row[6] = f.space;
    row[f.best] = f.p;
    const float rest = 1.0f - f.p - (f.best == 6 ? 0.0f : f.space);
    row[f.best == 0 ? 1 : 0] += std::max(0.0f, rest);
    probs.insert(probs.end(), row.begin(), row.end());
  }
  return probs;
}

DecodedText decode(const std::vector<Frame>& fs, float space_threshold = 0.008f) {
  const auto p = frames(fs);
  return CtcDecoder(kChars).decode(p.data(), static_cast<int>(fs.size()), kClasses,
                                   space_threshold);
}

TEST(CtcDecoder, DropsRepeatsAndBlanks) {
  const auto d = decode({{1}, {1}, {0}, {1}, {2}, {2}, {0}, {3}});
  EXPECT_EQ(d.text, "aabc");
}

TEST(CtcDecoder, ConfidenceIsTheMeanOfKeptCharacters) {
  const auto d = decode({{1, 0.8f}, {1, 0.99f}, {0}, {2, 0.6f}});
  EXPECT_NEAR(d.confidence, 0.7f, 1e-5);  // first frame of each run: 0.8 and 0.6
}

TEST(CtcDecoder, EmptyWhenAllBlank) {
  const auto d = decode({{0}, {0}, {0}});
  EXPECT_EQ(d.text, "");
  EXPECT_EQ(d.confidence, 0.0f);
}

TEST(CtcDecoder, RecoversASpaceFromTheSpaceProbabilityBetweenWords) {
  const std::vector<Frame> f{{1}, {0, 0.9f, 0.001f}, {2}, {0, 0.9f, 0.05f}, {0}, {3}};
  const auto d = decode(f);
  EXPECT_EQ(d.text, "ab c");
  EXPECT_EQ(d.spaces_inserted, 1);
  EXPECT_EQ(d.recovered_spaces, std::vector<size_t>{2});
  EXPECT_EQ(decode(f, 0.0f).text, "abc");  // recovery off
}

TEST(CtcDecoder, FixedPitchLetterSpacingIsNotASpace) {
  // "abcab ca": every character two steps apart, the space class at 0.02 in each gap; only the
  // gap twice as wide is a word space.
  std::vector<Frame> f;
  for (int c : {1, 2, 3, 1, 2}) {
    f.push_back({c});
    f.push_back({0, 0.9f, 0.02f});
  }
  f.push_back({0, 0.9f, 0.02f});
  f.push_back({0, 0.9f, 0.02f});
  for (int c : {3, 1}) {
    f.push_back({c});
    f.push_back({0, 0.9f, 0.02f});
  }
  EXPECT_EQ(decode(f).text, "abcab ca");
}

TEST(CtcDecoder, NoRecoveredSpaceBeforePunctuation) {
  // Classes: 4 is a full-width comma (',' after Latin): no space before it even when the space
  // class rose in the gap.
  EXPECT_EQ(decode({{1}, {0, 0.9f, 0.05f}, {4}}).text, "a,");
}

TEST(CtcDecoder, KeepsAnExplicitSpaceSingle) {
  const auto d = decode({{1}, {6, 0.9f}, {0, 0.9f, 0.05f}, {2}});
  EXPECT_EQ(d.text, "a b");
}

TEST(CtcDecoder, NoSpacesBetweenCjkCharacters) {
  const auto d = decode({{5}, {0, 0.9f, 0.05f}, {5}});
  EXPECT_EQ(d.text, "\u4E2D\u4E2D");
}

TEST(CtcDecoder, FullWidthPunctuationAfterLatinBecomesAscii) {
  EXPECT_EQ(decode({{1}, {4}, {0, 0.9f, 0.05f}, {2}}).text, "a, b");
  EXPECT_EQ(decode({{5}, {4}}).text, "\u4E2D\uFF0C");  // Chinese text keeps its comma
}

TEST(CtcDecoder, DictionaryFromKeysHasBlankAndSpace) {
  const CtcDecoder d = CtcDecoder::from_keys("a\nb\r\nc\n");
  EXPECT_EQ(d.size(), 5u);  // blank, a, b, c, space
}

}  // namespace
}  // namespace ocrserve::ocr
