#include "server/source_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace ocrserve::server {

namespace {

bool private_v4(uint32_t a) {  // host order
  const auto in = [&](uint32_t net, int bits) {
    return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits));
  };
  return in(0x00000000, 8) || in(0x7f000000, 8) || in(0x0a000000, 8) || in(0xac100000, 12) ||
         in(0xc0a80000, 16) || in(0xa9fe0000, 16) || in(0x64400000, 10) || in(0xc6120000, 15) ||
         in(0xe0000000, 4) || in(0xf0000000, 4);
}

bool private_v6(const in6_addr& a) {
  const uint8_t* b = a.s6_addr;
  static const uint8_t zero[16] = {};
  if (std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a)) {
    return private_v4((uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) | (uint32_t(b[14]) << 8) |
                      b[15]);
  }
  if ((b[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 unique local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;  // fec0::/10 site-local
  if (b[0] == 0xff) return true;                           // multicast
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return true;  // NAT64
  return false;
}

struct Transfer {
  const FetchLimits* limits = nullptr;
  std::string body;
  bool too_big = false;
  std::string refused;  // the address the guard refused
};

size_t on_data(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->body.size() + size * n > size_t(t->limits->max_bytes)) {
    t->too_big = true;
    return 0;
  }
  t->body.append(data, size * n);
  return size * n;
}

curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->limits->allow_private) {
    char text[INET6_ADDRSTRLEN] = {};
    bool refuse = true;  // anything but IPv4/IPv6 is refused
    if (address->family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(&address->addr);
      inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text);
      refuse = private_v4(ntohl(sin->sin_addr.s_addr));
    } else if (address->family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
      inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
      refuse = private_v6(sin6->sin6_addr);
    }
    if (refuse) {
      t->refused = text[0] ? text : "a non-IP address";
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

std::string filename_from_url(const std::string& url) {
  std::string path = url;
  if (auto q = path.find_first_of("?#"); q != std::string::npos) path.resize(q);
  const auto scheme = path.find("://");
  const auto first_slash = path.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (first_slash == std::string::npos) return "document";
  const auto slash = path.rfind('/');
  std::string name = path.substr(slash + 1);
  std::string clean;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') clean += c;
  }
  return clean.empty() || clean == "." || clean == ".." ? "document" : clean;
}

}  // namespace

bool is_private_address(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return private_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) return private_v6(v6);
  return true;
}

Result<FetchedDocument> fetch_source(const std::string& url,
                                     const std::map<std::string, std::string>& headers,
                                     const FetchLimits& limits) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return make_error("source " + url + ": only http and https URLs are fetched");
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return make_error("source " + url + ": cannot start a download");
  Transfer t;
  t.limits = &limits;
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list,
                                                                          curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, limits.max_redirects);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(limits.connect_timeout_s * 1000));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(limits.total_timeout_s * 1000));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.max_bytes));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // no proxy: the guard must see the real address
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ocrserve");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
  const CURLcode rc = curl_easy_perform(c);
  const std::string where = "source " + url + ": ";
  if (!t.refused.empty()) {
    return make_error(where + "refused: the address " + t.refused +
                      " is loopback, link-local or private. To let the server fetch from internal "
                      "networks, start it with --allow-private-sources "
                      "(DOCLING_SERVE_ALLOW_PRIVATE_SOURCES=true).");
  }
  if (t.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
    return make_error(where + "larger than the limit of " + std::to_string(limits.max_bytes >> 20) +
                      " MiB");
  }
  if (rc == CURLE_TOO_MANY_REDIRECTS) {
    return make_error(where + "more than " + std::to_string(limits.max_redirects) + " redirects");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) return make_error(where + "the download timed out");
  if (rc != CURLE_OK) return make_error(where + curl_easy_strerror(rc));
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code >= 300) {
    return make_error(where + "the server answered HTTP " + std::to_string(code));
  }
  char* effective = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
  return FetchedDocument{filename_from_url(effective ? effective : url), std::move(t.body)};
}

}  // namespace ocrserve::server
