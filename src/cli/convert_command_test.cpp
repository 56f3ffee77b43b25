// Black-box tests of `ocrserve convert`: the real binary, real files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testkit/bad_pdfs.h"
#include "testkit/image_io.h"
#include "testkit/page_renderer.h"
#include "testkit/pdf_renderer.h"
#include "testkit/test_dir.h"

namespace fs = std::filesystem;

namespace {

struct CommandResult {
  int status;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ConvertCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = ocrserve::testkit::fresh_test_dir("cli"); }
  void TearDown() override { fs::remove_all(dir_); }

  CommandResult run(const std::string& args) {
    const std::string cmd = std::string(OCRSERVE_BUILD_DIR) + "/ocrserve " + args + " >" +
                            (dir_ / "stdout").string() + " 2>" + (dir_ / "stderr").string() +
                            " </dev/null";
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(dir_ / "stdout"), slurp(dir_ / "stderr")};
  }

  // A small page with known text.
  std::string page(const std::string& name, const std::vector<std::string>& words) {
    ocrserve::testkit::PageSpec spec;
    spec.width_px = 900;
    spec.height_px = 200;
    spec.font_pt = 12;
    spec.margin_in = 0.2;
    auto rendered = ocrserve::testkit::render_text_page(spec, words);
    const auto path = (dir_ / name).string();
    EXPECT_TRUE(ocrserve::testkit::write_png(path, rendered));
    return path;
  }

  std::string file(const std::string& name, const std::string& bytes) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  fs::path dir_;
};

TEST_F(ConvertCli, OneFileOneFormatPrintsToStdout) {
  const auto png = page("hello.png", {"Quarterly", "report", "about", "the", "river", "bridge"});
  const CommandResult r = run("convert " + png + " --to text --device cpu");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Quarterly report about the river bridge"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("OCR on cpu"), std::string::npos) << r.err;
}

TEST_F(ConvertCli, OcrTuningFlagsReachTheWorkers) {
  const auto png = page("tuned.png", {"Quarterly", "report", "about", "the", "river", "bridge"});
  // A text score no line reaches leaves nothing: the flag got to the worker that ran OCR.
  CommandResult r = run("convert " + png + " --to text --device cpu --text-score 0.99999");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("river"), std::string::npos) << r.out;
  r = run("convert " + png + " --to text --device cpu --det-max-side 1600 --cls off --no-rec-pad");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Quarterly report about the river bridge"), std::string::npos) << r.out;
  // A value out of range stops before any worker starts.
  r = run("convert " + png + " --device cpu --det-max-side 5");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("max_side_len"), std::string::npos) << r.err;
  EXPECT_NE(run("convert --help").out.find("--space-threshold"), std::string::npos);
}

TEST_F(ConvertCli, BadFilesGetOneClearLineAndTheOthersAreStillConverted) {
  const auto good = page("good.png", {"Morning", "delivery", "arrived", "early"});
  const std::string png = slurp(good);
  const auto empty = file("empty.png", "");
  const auto truncated = file("truncated.png", png.substr(0, png.size() / 3));
  const auto text = file("notes.png", "these are notes, not an image\n");
  const auto missing = (dir_ / "missing.png").string();
  const auto out = dir_ / "out";
  const CommandResult r = run("convert " + missing + " " + empty + " " + truncated + " " + text +
                              " " + good + " --to md,json -o " + out.string() + " --device cpu");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(missing + ": no such file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(empty + ": the file is empty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(truncated + ": the png"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(text + ": this is a plain-text file, whatever its name (.png) says"),
            std::string::npos)
      << r.err;
  EXPECT_NE(slurp(out / "good.md").find("Morning delivery arrived early"), std::string::npos);
  EXPECT_NE(r.err.find("wrote " + (out / "good.md").string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wrote " + (out / "good.json").string()), std::string::npos) << r.err;
  EXPECT_NE(slurp(out / "good.json").find("\"confidence\""), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "empty.md"));
}

TEST_F(ConvertCli, PdfTextLayerToEveryFormatWithoutOcr) {
  ocrserve::testkit::PdfPageSpec spec;
  spec.columns = 2;
  spec.title = "Harbour Survey";
  spec.paragraphs =
      ocrserve::testkit::split_paragraphs(ocrserve::testkit::sample_words(5, 300), 40);
  std::vector<ocrserve::testkit::PdfPageTruth> truth;
  const auto pdf = file("survey.pdf", ocrserve::testkit::render_pdf({spec, spec}, &truth));
  const auto out = dir_ / "out";
  const CommandResult r =
      run("convert --in-process " + pdf + " --to md,json,html,text --pages 2 -o " + out.string() +
          " --device cpu");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("OCR on"), std::string::npos) << "no page needed OCR: " << r.err;
  EXPECT_EQ(slurp(out / "survey.md").rfind("# Harbour Survey\n\n" + truth[1].blocks[0] + "\n", 0),
            0u);
  EXPECT_EQ(slurp(out / "survey.html").rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(slurp(out / "survey.json").find("\"schema_name\": \"DoclingDocument\""),
            std::string::npos);
  EXPECT_NE(slurp(out / "survey.json").find("\"page_no\": 2"), std::string::npos);
  EXPECT_NE(slurp(out / "survey.txt").find(truth[1].blocks.back()), std::string::npos);
}

TEST_F(ConvertCli, BadPdfsGetOneClearLine) {
  const auto encrypted = file("locked.pdf", ocrserve::testkit::encrypted_pdf());
  const auto empty = file("zero.pdf", ocrserve::testkit::zero_page_pdf());
  const auto huge = file("huge.pdf", ocrserve::testkit::one_page_pdf(200000, 200000));
  const CommandResult r = run("convert --in-process " + encrypted + " " + empty + " " + huge +
                              " -o " + (dir_ / "out").string() + " --device cpu");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(encrypted + ": the PDF is encrypted"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(empty + ": the PDF has no pages"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(huge + ": page 1 is 200000x200000 points"), std::string::npos) << r.err;
}

TEST_F(ConvertCli, BadPageRangeIsAUsageError) {
  const auto pdf = file("a.pdf", ocrserve::testkit::one_page_pdf());
  const CommandResult r = run("convert --in-process " + pdf + " --pages 3-1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("page_range"), std::string::npos) << r.err;
}

TEST_F(ConvertCli, UnknownFormatIsAUsageError) {
  const auto png = page("a.png", {"word"});
  const CommandResult r = run("convert " + png + " --to pdfx");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown output format 'pdfx'"), std::string::npos) << r.err;
}

TEST_F(ConvertCli, NoFilesIsAUsageError) {
  const CommandResult r = run("convert");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("files"), std::string::npos) << r.err;
}

}  // namespace
