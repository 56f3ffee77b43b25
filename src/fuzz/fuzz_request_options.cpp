// libFuzzer: the conversion options of a request. The input is read twice: as a JSON options
// object for parse_options, and as form fields ("name=value" lines; "@name=value" is a file part)
// for form_to_options + parse_options. HttpError (422) and std::invalid_argument are the
// documented ways to refuse; anything else escaping is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_types.h"
#include "server/options.h"

namespace server = ocrserve::server;
using nlohmann::json;

namespace {

void check(const json& options, const server::OptionLimits& limits, const std::vector<json>& loc) {
  try {
    const server::ConvertOptions out = server::parse_options(options, limits, loc);
    (void)out.to_json().dump();
  } catch (const server::HttpError& e) {
    (void)e.detail().dump();
  } catch (const std::invalid_argument&) {
  }
}

std::vector<server::FormPart> form_of(std::string_view text) {
  std::vector<server::FormPart> form;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    server::FormPart part;
    if (!line.empty() && line[0] == '@') {
      line.remove_prefix(1);
      part.filename = "file.bin";
    }
    const size_t eq = line.find('=');
    part.name = std::string(line.substr(0, eq));
    if (eq != std::string_view::npos) part.value = std::string(line.substr(eq + 1));
    form.push_back(std::move(part));
  }
  return form;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const server::OptionLimits none;
  server::OptionLimits capped;
  capped.max_document_timeout_s = 600;
  capped.max_num_pages = 50;

  const json options = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!options.is_discarded()) {
    check(options, none, {"body", "options"});
    check(options, capped, {"body", "options"});
  }
  const json fields = server::form_to_options(form_of(text));
  check(fields, capped, {"body"});
  return 0;
}
