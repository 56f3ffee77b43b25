#include "server/source_fetch.h"

#include <gtest/gtest.h>

namespace ocrserve::server {
namespace {

TEST(SourceFetch, PrivateAddressesAreRecognised) {
  for (const char* ip :
       {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "not-an-ip"}) {
    EXPECT_TRUE(is_private_address(ip)) << ip;
  }
  for (const char* ip :
       {"8.8.8.8", "172.32.0.1", "192.169.0.1", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(is_private_address(ip)) << ip;
  }
}

TEST(SourceFetch, OnlyHttpAndHttpsAreFetched) {
  auto r = fetch_source("file:///etc/passwd", {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("only http and https"), std::string::npos);
  r = fetch_source("gopher://127.0.0.1/", {}, {});
  EXPECT_FALSE(r.ok());
}

TEST(SourceFetch, LoopbackIsRefusedBeforeConnecting) {
  auto r = fetch_source("http://localhost:9/doc.pdf", {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("refused"), std::string::npos) << r.error().message;
  // The message names the fix: the flag and its environment variable.
  EXPECT_NE(r.error().message.find("--allow-private-sources (DOCLING_SERVE_ALLOW_PRIVATE_SOURCES"),
            std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace ocrserve::server
