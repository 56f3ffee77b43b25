// Downloads an `http` source with libcurl: connect and total timeouts, a redirect limit, a size
// cap enforced while downloading, http/https only, no proxies, and an SSRF guard that checks
// every address curl connects to (redirects included): loopback, link-local, private, CGNAT,
// multicast and unspecified addresses are refused unless allow_private.
//
// Thread safety: fetch() may run on many threads at once.
#pragma once

#include <map>
#include <string>

#include "common/result.h"

namespace ocrserve::server {

struct FetchLimits {
  double connect_timeout_s = 10;
  double total_timeout_s = 60;
  long max_redirects = 5;
  long long max_bytes = 100LL << 20;
  bool allow_private = false;
};

struct FetchedDocument {
  std::string filename;  // from the URL's path, else "document"
  std::string bytes;
};

// Errors are sentences for the user naming the URL's problem.
Result<FetchedDocument> fetch_source(const std::string& url,
                                     const std::map<std::string, std::string>& headers,
                                     const FetchLimits& limits);

// True for addresses the SSRF guard refuses (exposed for tests). `ip` is numeric.
bool is_private_address(const std::string& ip);

}  // namespace ocrserve::server
