#include "load_request.h"

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "load_options.h"
#include "parse_args.h"

namespace asycamore {
namespace {

using testing::OptionsFrom;

std::size_t Count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos;
       at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

TEST(LoadRequest, CarriesTheUrlsTargetAndAuthority) {
  absl::StatusOr<std::string> r =
      BuildLoadRequest(OptionsFrom({"http://h:8080/a?b=1"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rfind("GET /a?b=1 HTTP/1.1\r\nHost: h:8080\r\n", 0), 0u) << *r;
  EXPECT_EQ(r->substr(r->size() - 4), "\r\n\r\n");
  EXPECT_EQ(Count(*r, "Content-Length"), 0u) << "a GET without a body";
}

TEST(LoadRequest, AHostHeaderReplacesTheUrlsAndTheOthersKeepTheirOrder) {
  absl::StatusOr<std::string> r =
      BuildLoadRequest(OptionsFrom({"-H", "X-B: 2", "-H", "host: other.example",
                                    "-H", "X-A: 1", "http://[::1]:8080/"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Count(*r, "ost: "), 1u) << *r;
  EXPECT_NE(r->find("Host: other.example\r\n"), std::string::npos) << *r;
  EXPECT_LT(r->find("X-B: 2"), r->find("X-A: 1"));
}

TEST(LoadRequest, TheBodyGetsItsContentLength) {
  const std::string path = ::testing::TempDir() + "load_request_body";
  std::ofstream(path, std::ios::binary) << "hello";
  absl::StatusOr<std::string> r = BuildLoadRequest(
      OptionsFrom({"-m", "POST", "--body", path, "http://h/"}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rfind("POST / HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(r->find("Content-Length: 5\r\n"), std::string::npos) << *r;
  EXPECT_EQ(r->substr(r->size() - 9), "\r\n\r\nhello");
}

TEST(LoadRequest, OptionsMadeByHandAreCheckedByTheWriter) {
  LoadOptions o;
  o.url.host = "h";
  o.method = "GE T";
  EXPECT_FALSE(BuildLoadRequest(o).ok());
}

}  // namespace
}  // namespace asycamore
