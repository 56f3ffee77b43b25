#include "ocr/split_words.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ocrserve::ocr {
namespace {

// A page's lines, each with its recovered spaces marked by '|' ("st|ream" is "st ream" with a
// recovered space, "a b" an ordinary one); rejoined and written back the same way.
struct Page {
  std::vector<std::string> texts;
  std::vector<std::vector<size_t>> spaces;

  explicit Page(const std::vector<std::string>& marked) {
    for (const auto& m : marked) {
      std::string text;
      std::vector<size_t> at;
      for (char c : m) {
        if (c == '|') at.push_back(text.size());
        text += c == '|' ? ' ' : c;
      }
      texts.push_back(text);
      spaces.push_back(at);
    }
  }
  int rejoin(const WordList& words) {
    std::vector<RecoveredText> lines;
    for (size_t i = 0; i < texts.size(); ++i) lines.push_back({&texts[i], &spaces[i]});
    return rejoin_split_words(lines, words);
  }
  std::vector<std::string> marked() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < texts.size(); ++i) {
      std::string m = texts[i];
      for (size_t s : spaces[i]) m[s] = '|';
      out.push_back(m);
    }
    return out;
  }
};

const WordList& english() {
  static const WordList words =
      WordList::of({"stream", "missing", "when", "other", "mi", "hen", "her", "for", "mat",
                    "format", "in", "to", "into", "ream", "the", "axis", "W"});
  return words;
}

TEST(SplitWords, RejoinsAWordWhosePiecesAreNotBothWords) {
  Page page({"the ist|ream class|and mi|ssing values", "W|hen the ot|her"});
  EXPECT_EQ(page.rejoin(english()), 3);
  // "ist ream": "istream" is neither listed nor on the page, so the space stays.
  EXPECT_EQ(page.marked(),
            (std::vector<std::string>{"the ist|ream class|and missing values", "When the other"}));
}

TEST(SplitWords, KeepsTheSpaceBetweenTwoWords) {
  Page page({"for|mat in|to the x|axis"});
  EXPECT_EQ(page.rejoin(english()), 0);
  EXPECT_EQ(page.marked(), std::vector<std::string>{"for|mat in|to the x|axis"});
}

TEST(SplitWords, AWordTheRestOfThePageHasWholeIsKnown) {
  // "streambuf" is no dictionary word, but the page has it whole.
  Page page({"the st|reambuf, which", "use that streambuf in"});
  EXPECT_EQ(page.rejoin(english()), 1);
  EXPECT_EQ(page.marked(),
            (std::vector<std::string>{"the streambuf, which", "use that streambuf in"}));
  // Pieces next to a recovered space do not count as the page's words.
  Page alone({"st|reambuf and st|reambuf"});
  EXPECT_EQ(alone.rejoin(english()), 0);
}

TEST(SplitWords, OrdinarySpacesAreNeverTouched) {
  Page page({"mi ssing st ream"});
  EXPECT_EQ(page.rejoin(english()), 0);
  EXPECT_EQ(page.marked(), std::vector<std::string>{"mi ssing st ream"});
}

TEST(SplitWords, OffsetsFollowEachJoin) {
  Page page({"mi|ssing mi|ssing x|axis"});
  EXPECT_EQ(page.rejoin(english()), 2);
  EXPECT_EQ(page.marked(), std::vector<std::string>{"missing missing x|axis"});
}

TEST(SplitWords, LoadsAListOnePerLine) {
  const auto path = std::filesystem::temp_directory_path() / "ocrserve-split-words-test.txt";
  std::ofstream(path) << "stream\r\nmissing\n\n";
  auto list = WordList::load(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->size(), 2u);
  EXPECT_TRUE(list->contains("Stream"));
  EXPECT_FALSE(list->contains("str"));
  EXPECT_FALSE(WordList::load("/nonexistent/words").ok());
}

}  // namespace
}  // namespace ocrserve::ocr
