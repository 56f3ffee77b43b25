// Deterministic pseudo-English prose for test pages (see page_renderer.h).
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "testkit/page_renderer.h"
#include "testkit/rng.h"

namespace ocrserve::testkit {
namespace {

constexpr std::array<std::string_view, 400> kVocabulary = {
    "the",         "of",          "and",       "to",         "in",          "is",
    "that",        "for",         "it",        "as",         "was",         "with",
    "be",          "by",          "on",        "not",        "he",          "this",
    "are",         "or",          "his",       "from",       "at",          "which",
    "but",         "have",        "an",        "had",        "they",        "you",
    "were",        "their",       "one",       "all",        "we",          "can",
    "her",         "has",         "there",     "been",       "if",          "more",
    "when",        "will",        "would",     "who",        "so",          "no",
    "she",         "other",       "its",       "may",        "these",       "what",
    "them",        "than",        "some",      "him",        "time",        "into",
    "only",        "do",          "out",       "any",        "then",        "about",
    "two",         "many",        "could",     "also",       "new",         "must",
    "first",       "like",        "over",      "such",       "our",         "man",
    "me",          "even",        "most",      "made",       "after",       "should",
    "did",         "years",       "through",   "before",     "where",       "way",
    "much",        "your",        "well",      "down",       "great",       "those",
    "each",        "people",      "state",     "how",        "because",     "world",
    "very",        "just",        "long",      "might",      "still",       "own",
    "under",       "never",       "work",      "life",       "being",       "same",
    "day",         "used",        "here",      "another",    "while",       "last",
    "yellow",      "house",       "country",   "between",    "both",        "school",
    "part",        "water",       "small",     "found",      "place",       "number",
    "without",     "again",       "against",   "three",      "public",      "general",
    "during",      "system",      "however",   "course",     "every",       "government",
    "always",      "given",       "company",   "family",     "group",       "local",
    "second",      "program",     "question",  "important",  "service",     "market",
    "office",      "report",      "business",  "history",    "development", "information",
    "social",      "children",    "example",   "process",    "interest",    "power",
    "order",       "point",       "several",   "national",   "within",      "support",
    "change",      "result",      "political", "economic",   "person",      "level",
    "body",        "north",       "city",      "river",      "morning",     "evening",
    "light",       "paper",       "letter",    "window",     "garden",      "table",
    "street",      "station",     "village",   "mountain",   "island",      "forest",
    "winter",      "summer",      "spring",    "autumn",     "weather",     "season",
    "language",    "music",       "picture",   "machine",    "engine",      "signal",
    "record",      "account",     "balance",   "budget",     "contract",    "customer",
    "delivery",    "invoice",     "payment",   "receipt",    "shipment",    "supplier",
    "quantity",    "price",       "total",     "amount",     "average",     "annual",
    "monthly",     "weekly",      "simple",    "careful",    "clear",       "early",
    "easy",        "final",       "free",      "full",       "happy",       "hard",
    "high",        "large",       "late",      "little",     "low",         "major",
    "modern",      "natural",     "necessary", "old",        "open",        "possible",
    "private",     "quick",       "ready",     "real",       "recent",      "right",
    "short",       "similar",     "special",   "strong",     "sure",        "true",
    "usual",       "whole",       "wide",      "young",      "quiet",       "bright",
    "accept",      "allow",       "answer",    "appear",     "apply",       "arrive",
    "become",      "begin",       "believe",   "build",      "carry",       "choose",
    "consider",    "continue",    "create",    "decide",     "describe",    "develop",
    "expect",      "explain",     "follow",    "happen",     "include",     "increase",
    "introduce",   "involve",     "keep",      "know",       "learn",       "leave",
    "measure",     "mention",     "move",      "notice",     "offer",       "perform",
    "prepare",     "present",     "produce",   "provide",    "reach",       "receive",
    "remain",      "remember",    "require",   "return",     "review",      "share",
    "show",        "suggest",     "travel",    "understand", "wonder",      "write",
    "written",     "spoken",      "known",     "shown",      "taken",       "broken",
    "quickly",     "slowly",      "rather",    "almost",     "already",     "perhaps",
    "often",       "usually",     "together",  "nearly",     "brown",       "fox",
    "jumps",       "lazy",        "dog",       "south",      "chapter",     "section",
    "figure",      "appendix",    "analysis",  "method",     "sample",      "value",
    "measurement", "study",       "theory",    "model",      "data",        "evidence",
    "research",    "science",     "nature",    "energy",     "material",    "surface",
    "pressure",    "temperature", "volume",    "distance",   "London",      "Paris",
    "Monday",      "Friday",      "January",   "October",    "English",     "European",
    "American",    "Pacific",     "committee", "council",    "member",      "director",
    "manager",     "student",     "teacher",   "doctor",     "author",      "reader",
    "document",    "page",        "line",      "word",       "character",   "image",
    "scanner",     "printer",     "screen",    "keyboard",
};

std::string capitalise(std::string_view w) {
  std::string s(w);
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string make_number(Rng& rng) {
  switch (rng.below(4)) {
    case 0:
      return std::to_string(1950 + rng.below(80));  // a year
    case 1:
      return std::to_string(1 + rng.below(99)) + "." + std::to_string(rng.below(10));
    case 2:
      return std::to_string(2 + rng.below(998));
    default:
      return std::to_string(10 + rng.below(90)) + "%";
  }
}

}  // namespace

std::vector<std::string> sample_words(uint32_t seed, size_t n) {
  Rng rng(0x5A3D1E00ull ^ (static_cast<uint64_t>(seed) << 17));
  std::vector<std::string> out;
  out.reserve(n);
  size_t sentence_left = 0;
  while (out.size() < n) {
    const bool starts_sentence = sentence_left == 0;
    if (starts_sentence) sentence_left = 5 + rng.below(12);
    std::string w;
    if (!starts_sentence && rng.chance(0.04)) {
      w = make_number(rng);
    } else {
      const auto v = kVocabulary[rng.below(kVocabulary.size())];
      w = starts_sentence ? capitalise(v) : std::string(v);
    }
    --sentence_left;
    if (sentence_left == 0 || out.size() + 1 == n) {
      w += rng.chance(0.1) ? "?" : ".";
    } else if (rng.chance(0.08)) {
      w += rng.chance(0.85) ? "," : ";";
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace ocrserve::testkit
