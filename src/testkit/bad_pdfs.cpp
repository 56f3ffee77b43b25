#include "testkit/bad_pdfs.h"

#include <cstdio>

namespace ocrserve::testkit {

namespace {

std::string content_stream(const std::string& text) {
  const std::string ops = "BT /F1 12 Tf 72 700 Td (" + text + ") Tj ET\n";
  return "<< /Length " + std::to_string(ops.size()) + " >>\nstream\n" + ops + "endstream";
}

const char* kFont = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string assemble_pdf(const std::vector<std::string>& objects,
                         const std::string& trailer_extra) {
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R " +
         trailer_extra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string one_page_pdf(double width_pt, double height_pt) {
  return assemble_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + num(width_pt) + " " + num(height_pt) +
           "] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
       content_stream("Hello"), kFont});
}

std::string encrypted_pdf() {
  const std::string o(64, 'A');  // 32 bytes in hex: no password opens these
  const std::string u(64, 'B');
  return assemble_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
       content_stream("Secret"),
       "<< /Filter /Standard /V 1 /R 2 /O <" + o + "> /U <" + u + "> /P -44 >>"},
      "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]");
}

std::string zero_page_pdf() {
  return assemble_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"});
}

std::string page_count_claim_pdf(long long claimed) {
  return assemble_pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                       "<< /Type /Pages /Kids [3 0 R] /Count " + std::to_string(claimed) + " >>",
                       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                       "/Resources << /Font << /F1 5 0 R >> >> >>",
                       content_stream("Hello"), kFont});
}

}  // namespace ocrserve::testkit
