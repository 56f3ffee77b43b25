// /ui (with --enable-ui): the static files of src/server/ui/, built into the binary.
#include <cstring>

#include "server/api.h"

namespace ocrserve::server {

ApiResponse Api::ui(const ApiRequest&) {
  if (!settings_.enable_ui) throw HttpError(404, "Not Found (start the server with --enable-ui)");
  ApiResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::string(server::ui_asset("index.html"));
  return r;
}

namespace {

// A built-in static file by name, with its content type; 404 when there is none.
ApiResponse static_file(const ApiRequest& request) {
  const auto it = request.path_params.find("name");
  const std::string name = it == request.path_params.end() ? "" : it->second;
  const std::string_view body = server::ui_asset(name);
  if (body.empty() || name == "index.html") throw HttpError(404, "Not Found");
  ApiResponse r;
  const auto ends = [&](const char* ext) {
    return name.size() > std::strlen(ext) &&
           name.compare(name.size() - std::strlen(ext), std::string::npos, ext) == 0;
  };
  r.content_type = ends(".js")    ? "text/javascript; charset=utf-8"
                   : ends(".css") ? "text/css; charset=utf-8"
                                  : "text/plain; charset=utf-8";
  r.body = std::string(body);
  return r;
}

}  // namespace

ApiResponse Api::ui_asset(const ApiRequest& request) {
  if (!settings_.enable_ui) throw HttpError(404, "Not Found (start the server with --enable-ui)");
  return static_file(request);
}

ApiResponse Api::docs_asset(const ApiRequest& request) {
  const auto it = request.path_params.find("name");
  if (it == request.path_params.end() || it->second.rfind("swagger-ui", 0) != 0) {
    throw HttpError(404, "Not Found");
  }
  return static_file(request);
}

ApiResponse Api::workers(const ApiRequest&) { return ApiResponse::json(engine_.workers()); }

}  // namespace ocrserve::server
