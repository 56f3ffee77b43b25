#include "testkit/word_metrics.h"

#include <gtest/gtest.h>

namespace ocrserve::testkit {
namespace {

TEST(NormalizedWords, StripsPunctuationAndWhitespace) {
  EXPECT_EQ(normalized_words("  Hello, (world)!\n\"quoted\"  3.5 x-ray  ... "),
            (std::vector<std::string>{"Hello", "world", "quoted", "3.5", "x-ray"}));
  EXPECT_EQ(normalized_words("ABC def", true), (std::vector<std::string>{"abc", "def"}));
  EXPECT_TRUE(normalized_words(" \t\n , . ").empty());
}

TEST(WordF1, IdenticalTextIsPerfect) {
  const auto s = word_f1("The quick brown fox.", "The quick brown fox.");
  EXPECT_DOUBLE_EQ(s.precision, 1.0);
  EXPECT_DOUBLE_EQ(s.recall, 1.0);
  EXPECT_DOUBLE_EQ(s.f1, 1.0);
  EXPECT_EQ(s.ref_words, 4u);
  EXPECT_EQ(s.hyp_words, 4u);
  EXPECT_EQ(s.matched, 4u);
}

TEST(WordF1, KnownAnswer) {
  // ref: a a b c d (5), hyp: a b b x (4); bag intersection = {a, b} = 2.
  const auto s = word_f1("a a b c d", "a, b b x");
  EXPECT_EQ(s.matched, 2u);
  EXPECT_DOUBLE_EQ(s.precision, 0.5);
  EXPECT_DOUBLE_EQ(s.recall, 0.4);
  EXPECT_DOUBLE_EQ(s.f1, 2 * 0.5 * 0.4 / 0.9);
}

TEST(WordF1, OrderIgnoredCaseOptional) {
  EXPECT_DOUBLE_EQ(word_f1("one two three", "three one two").f1, 1.0);
  EXPECT_DOUBLE_EQ(word_f1("Alpha Beta", "alpha beta").f1, 0.0);
  EXPECT_DOUBLE_EQ(word_f1("Alpha Beta", "alpha beta", true).f1, 1.0);
}

TEST(WordF1, EmptyConventions) {
  auto s = word_f1("", "");
  EXPECT_DOUBLE_EQ(s.f1, 1.0);
  s = word_f1("a b", "");
  EXPECT_DOUBLE_EQ(s.precision, 1.0);
  EXPECT_DOUBLE_EQ(s.recall, 0.0);
  EXPECT_DOUBLE_EQ(s.f1, 0.0);
  s = word_f1("", "a");
  EXPECT_DOUBLE_EQ(s.precision, 0.0);
  EXPECT_DOUBLE_EQ(s.recall, 1.0);
  EXPECT_DOUBLE_EQ(s.f1, 0.0);
}

TEST(WordAccuracy, KnownAnswers) {
  EXPECT_DOUBLE_EQ(word_accuracy("a b c d", "a b c d"), 1.0);
  EXPECT_DOUBLE_EQ(word_accuracy("a b c d", "a x c d"), 0.75);    // 1 substitution
  EXPECT_DOUBLE_EQ(word_accuracy("a b c d", "a c d"), 0.75);      // 1 deletion
  EXPECT_DOUBLE_EQ(word_accuracy("a b c d", "a b q c d"), 0.75);  // 1 insertion
  EXPECT_DOUBLE_EQ(word_accuracy("a b c d", "d c b a"), 0.0);     // 4 edits
  EXPECT_DOUBLE_EQ(word_accuracy("a b", "x y z w v u"), 0.0);     // clamped
  EXPECT_DOUBLE_EQ(word_accuracy("Hello, world.", "hello world", true), 1.0);
  EXPECT_DOUBLE_EQ(word_accuracy("", ""), 1.0);
  EXPECT_DOUBLE_EQ(word_accuracy("", "a"), 0.0);
}

TEST(AlnumF1, SplitsOnEverythingButLettersAndDigits) {
  EXPECT_EQ(alnum_tokens("parent-heses (x2), R_HOME."),
            (std::vector<std::string>{"parent", "heses", "x2", "R", "HOME"}));
  const auto s = alnum_f1("The file is find.txt", "The fle is find txt");
  EXPECT_EQ(s.ref_words, 5u);
  EXPECT_EQ(s.matched, 4u);
  EXPECT_DOUBLE_EQ(s.f1, 0.8);
  EXPECT_DOUBLE_EQ(alnum_f1("Row", "row").f1, 0.0);  // case is kept
}

TEST(CharErrorRate, KnownAnswers) {
  EXPECT_DOUBLE_EQ(char_error_rate("abcd", "abcd"), 0.0);
  EXPECT_DOUBLE_EQ(char_error_rate("abcd", "abed"), 0.25);
  EXPECT_DOUBLE_EQ(char_error_rate("a  b\n\nc", "a b c"), 0.0);  // white space runs are one
  EXPECT_DOUBLE_EQ(char_error_rate("ab", "abcd"), 1.0);
  EXPECT_DOUBLE_EQ(char_error_rate("", ""), 0.0);
  EXPECT_DOUBLE_EQ(char_error_rate("", "x"), 1.0);
}

}  // namespace
}  // namespace ocrserve::testkit
