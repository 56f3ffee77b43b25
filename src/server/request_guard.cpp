#include "server/request_guard.h"

#include <arpa/inet.h>

#include <algorithm>

namespace ocrserve::server {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// "http://host:port" of the Origin header -> "host:port".
std::string origin_authority(const std::string& origin) {
  const auto scheme = origin.find("://");
  return scheme == std::string::npos ? "" : lower(origin.substr(scheme + 3));
}

bool changes_state(const ApiRequest& request) {
  return request.method == "POST" || request.path.rfind("/v1/clear/", 0) == 0;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  const std::string h = lower(host);
  if (h == "localhost" || h.ends_with(".localhost") || h == "::1") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

std::string host_of(const std::string& host_header) {
  std::string h = host_header;
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    return close == std::string::npos ? lower(h) : lower(h.substr(1, close - 1));
  }
  if (const auto colon = h.find(':'); colon != std::string::npos) h = h.substr(0, colon);
  return lower(h);
}

void check_host(const ApiRequest& request, const ServerSettings& settings) {
  const std::string given = request.header_value("host");
  if (given.empty()) return;  // HTTP/1.0 without Host: no browser sends that
  const std::string host = host_of(given);
  const auto& allowed = settings.allowed_hosts;
  if (!allowed.empty()) {
    if (contains(allowed, "*") || contains(allowed, host)) return;
  } else if (!is_loopback_host(settings.host) || is_loopback_host(host)) {
    return;
  }
  throw HttpError(403, "Host '" + host +
                           "' is not served here. Add it to --allowed-hosts "
                           "(OCRSERVE_ALLOWED_HOSTS) to reach this server by that name.");
}

std::string allowed_origin(const ApiRequest& request, const ServerSettings& settings) {
  const std::string origin = request.header_value("origin");
  if (origin.empty()) return "";
  if (contains(settings.cors_origins, "*")) return "*";
  return contains(settings.cors_origins, origin) ? origin : "";
}

void check_origin(const ApiRequest& request, const ServerSettings& settings) {
  if (!changes_state(request)) return;
  const std::string origin = request.header_value("origin");
  const std::string site = request.header_value("sec-fetch-site");
  if (origin.empty()) {
    // Browsers always send Origin on cross-site POSTs; a cross-site GET says so here.
    if (site != "cross-site") return;
  } else if (origin_authority(origin) == lower(request.header_value("host"))) {
    return;  // the server's own pages (/ui)
  }
  if (!allowed_origin(request, settings).empty()) return;
  throw HttpError(403, "Requests from the web origin '" + (origin.empty() ? site : origin) +
                           "' are refused. Add the origin to --cors-origins "
                           "(DOCLING_SERVE_CORS_ORIGINS) to let its pages use this server.");
}

}  // namespace ocrserve::server
