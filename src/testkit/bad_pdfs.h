// Contract: hand-written hostile or broken PDFs for tests. Each is small and well-formed enough
// for a parser to get past the header and cross-reference table; what is wrong is in the name.
#pragma once

#include <string>
#include <vector>

namespace ocrserve::testkit {

// A PDF from object bodies (object i+1 is objects[i]) with a correct xref table; the trailer
// gets /Root 1 0 R plus `trailer_extra`.
std::string assemble_pdf(const std::vector<std::string>& objects,
                         const std::string& trailer_extra = "");

// One page of text ("Hello") on a width x height point MediaBox.
std::string one_page_pdf(double width_pt = 612, double height_pt = 792);
// Standard security handler (RC4, revision 2) whose user password is not empty.
std::string encrypted_pdf();
// A page tree with /Count 0 and no kids.
std::string zero_page_pdf();
// A page tree whose /Count claims `claimed` pages (it holds one).
std::string page_count_claim_pdf(long long claimed);

}  // namespace ocrserve::testkit
