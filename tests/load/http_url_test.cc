#include "http_url.h"

#include <string>

#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(HttpUrl, ParsesHostPortPathAndQuery) {
  absl::StatusOr<HttpUrl> u = ParseHttpUrl("http://example.com:8080/a/b?c=d&e");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->host, "example.com");
  EXPECT_FALSE(u->ipv6_literal);
  EXPECT_EQ(u->port, 8080);
  EXPECT_TRUE(u->port_given);
  EXPECT_EQ(u->target, "/a/b?c=d&e");
  EXPECT_EQ(u->Authority(), "example.com:8080");
  EXPECT_EQ(u->ToString(), "http://example.com:8080/a/b?c=d&e");
}

TEST(HttpUrl, WithoutAPortOrPathItIsPort80AndSlash) {
  absl::StatusOr<HttpUrl> u = ParseHttpUrl("HTTP://Example.com");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->port, 80);
  EXPECT_FALSE(u->port_given);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->Authority(), "Example.com") << "no :80 in the Host header";
}

TEST(HttpUrl, AQueryWithoutAPathGetsASlashAndTheFragmentIsNotSent) {
  EXPECT_EQ(ParseHttpUrl("http://h?x=1")->target, "/?x=1");
  EXPECT_EQ(ParseHttpUrl("http://h/p?q#frag")->target, "/p?q");
  EXPECT_EQ(ParseHttpUrl("http://h#frag")->target, "/");
}

TEST(HttpUrl, AnIpv6LiteralIsInBrackets) {
  absl::StatusOr<HttpUrl> u = ParseHttpUrl("http://[::1]:8080/plaintext");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->host, "::1");
  EXPECT_TRUE(u->ipv6_literal);
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->Authority(), "[::1]:8080");
  u = ParseHttpUrl("http://[2001:db8::7]/");
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->Authority(), "[2001:db8::7]");
}

TEST(HttpUrl, RefusesWhatItCannotLoadNamingTheUrl) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://h/", "https is not supported"},
      {"ftp://h/", "'ftp'"},
      {"h:8080/", "expected http://"},
      {"http://", "the host is empty"},
      {"http://:80/", "the host is empty"},
      {"http://user@h/", "user information"},
      {"http://[::1/", "no closing ']'"},
      {"http://[zz::]/", "not an IPv6 address"},
      {"http://[127.0.0.1]/", "not an IPv6 address"},
      {"http://[::1]x/", "expected ':port'"},
      {"http://::1/", "must be in brackets"},
      {"http://h:0/", "port 0"},
      {"http://h:65536/", "65536"},
      {"http://h:/", "ParsePort(\"\")"},
      {"http://h:8o/", "8o"},
      {"http://ho st/", "the character ' '"},
      {"http://h/a b", "0x20 at offset 2"},
      {"http://h/\x7f", "0x7f"},
      {"http://h/\xc3\xa9", "0xc3"},
  };
  for (const auto& [url, why] : cases) {
    absl::StatusOr<HttpUrl> u = ParseHttpUrl(url);
    ASSERT_FALSE(u.ok()) << url;
    EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(u.status().message().find("URL '"), std::string::npos)
        << u.status();
    EXPECT_NE(u.status().message().find(why), std::string::npos)
        << "'" << u.status().message() << "' lacks '" << why << "'";
  }
}

}  // namespace
}  // namespace asycamore
