// What asycamore-httpd answers, without sockets: the date format, the
// routes and the headers.
#include <string>

#include "gtest/gtest.h"
#include "http_date.h"
#include "httpd_client.h"
#include "httpd_responses.h"

namespace asycamore {
namespace {

const absl::Time kRfcExample = absl::FromUnixSeconds(784111777);

TEST(HttpDate, IsAnImfFixdate) {
  EXPECT_EQ(FormatHttpDate(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(absl::FromUnixSeconds(0)),
            "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpdResponses, TheDateChangesWithTheSecondOnly) {
  HttpdResponses responses(kRfcExample);
  EXPECT_EQ(responses.date(), "Sun, 06 Nov 1994 08:49:37 GMT");
  responses.SetNow(kRfcExample + absl::Milliseconds(999));
  EXPECT_EQ(responses.date(), "Sun, 06 Nov 1994 08:49:37 GMT");
  responses.SetNow(kRfcExample + absl::Seconds(1));
  EXPECT_EQ(responses.date(), "Sun, 06 Nov 1994 08:49:38 GMT");
}

HttpRequestView Request(HttpMethod method, std::string_view target) {
  HttpRequestView request;
  request.method = method;
  request.target = target;
  return request;
}

TEST(HttpdResponses, RoutesPlaintextEchoAndTheRest) {
  HttpdResponses responses(kRfcExample);
  std::string out;
  responses.AppendAnswer(Request(HttpMethod::kGet, "/plaintext"), out);
  HttpRequestView echo = Request(HttpMethod::kPost, "/echo");
  echo.body = "echoed";
  responses.AppendAnswer(echo, out);
  responses.AppendAnswer(Request(HttpMethod::kGet, "/echo"), out);
  responses.AppendAnswer(Request(HttpMethod::kPost, "/plaintext"), out);
  responses.AppendAnswer(Request(HttpMethod::kGet, "/plaintext?x=1"), out);
  const testing::ParsedAnswers parsed = testing::ParseAnswers(out);
  ASSERT_TRUE(parsed.complete);
  ASSERT_EQ(parsed.answers.size(), 5u);
  EXPECT_EQ(parsed.answers[0].body, "Hello, World!");
  EXPECT_EQ(parsed.answers[0].content_type, "text/plain");
  EXPECT_EQ(parsed.answers[1].body, "echoed");
  EXPECT_EQ(parsed.answers[2].status, 404);
  EXPECT_EQ(parsed.answers[3].status, 404);
  EXPECT_EQ(parsed.answers[4].body, "Hello, World!");
  EXPECT_NE(out.find("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("Server: asycamore\r\n"), std::string::npos);
}

TEST(HttpdResponses, HeadGetsTheHeadersOfGetWithoutTheBody) {
  HttpdResponses responses(kRfcExample);
  std::string out;
  responses.AppendAnswer(Request(HttpMethod::kHead, "/plaintext"), out);
  EXPECT_NE(out.find("Content-Length: 13\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Hello"), std::string::npos);
}

TEST(HttpdResponses, ErrorsSayClose) {
  HttpdResponses responses(kRfcExample);
  std::string out;
  responses.AppendError(431, out);
  const testing::ParsedAnswers parsed = testing::ParseAnswers(out);
  ASSERT_EQ(parsed.answers.size(), 1u);
  EXPECT_EQ(parsed.answers[0].status, 431);
  EXPECT_FALSE(parsed.answers[0].keep_alive);
}

}  // namespace
}  // namespace asycamore
