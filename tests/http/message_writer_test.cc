#include "asycamore/http/message_writer.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "asycamore/http/http_message.h"
#include "asycamore/http/request_parser.h"
#include "asycamore/http/response_parser.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(BuildHttpRequest, WritesHostHeadersAndContentLength) {
  const HttpHeader headers[] = {{"Accept", "*/*"}, {"X-Id", "7"}};
  absl::StatusOr<std::string> r = BuildHttpRequest({.method = "POST",
                                                    .target = "/echo",
                                                    .host = "localhost:8080",
                                                    .headers = headers,
                                                    .body = "hello"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r,
            "POST /echo HTTP/1.1\r\nHost: localhost:8080\r\nAccept: "
            "*/*\r\nX-Id: 7\r\n"
            "Content-Length: 5\r\n\r\nhello");
  absl::StatusOr<std::string> get = BuildHttpRequest({.host = "h"});
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(*get, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
      << "no Content-Length without a body";
  absl::StatusOr<std::string> empty_post =
      BuildHttpRequest({.method = "POST", .host = "h"});
  ASSERT_TRUE(empty_post.ok());
  EXPECT_EQ(*empty_post,
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

TEST(BuildHttpRequest, TheRequestParserReadsBackWhatItWrote) {
  struct Capture : HttpRequestHandler {
    void OnRequest(const HttpRequestView& r) override {
      got = std::string(r.method_name) + " " + std::string(r.target) + " " +
            std::string(FindHeader(r.headers, "host").value_or("?")) + " " +
            std::string(r.body);
    }
    std::string got;
  } capture;
  HttpRequestParser parser(capture);
  absl::StatusOr<std::string> r = BuildHttpRequest(
      {.method = "PUT", .target = "/k?v=1", .host = "h:1", .body = "data"});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(parser.Feed(*r).ok());
  EXPECT_EQ(capture.got, "PUT /k?v=1 h:1 data");
}

// A value with CR or LF would let caller data start a header or a second
// message (request or response splitting).
TEST(BuildHttpRequest, RefusesInputThatWouldSplitTheMessage) {
  const HttpHeader crlf[] = {{"X", "a\r\nInjected: 1"}};
  const HttpHeader bad_name[] = {{"Bad Name", "v"}};
  const HttpHeader framing[] = {{"content-length", "3"}};
  const HttpHeader host[] = {{"Host", "h"}};
  const std::vector<std::pair<HttpRequestSpec, std::string>> cases = {
      {{.method = "G T", .host = "h"}, "method \"G T\" is not a token"},
      {{.target = "/a b", .host = "h"}, "target \"/a b\""},
      {{.target = "", .host = "h"}, "target \"\""},
      {{.host = ""}, "requires a Host header"},
      {{.host = "h", .headers = crlf},
       "the value of header X holds a control character"},
      {{.host = "h", .headers = bad_name},
       "header name \"Bad Name\" is not a token"},
      {{.host = "h", .headers = framing},
       "header content-length is written by the builder"},
      {{.host = "h", .headers = host}, "give the host in .host"},
  };
  for (const auto& [spec, message] : cases) {
    absl::StatusOr<std::string> r = BuildHttpRequest(spec);
    ASSERT_FALSE(r.ok()) << message;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(message), std::string_view::npos)
        << r.status();
    EXPECT_NE(r.status().message().find("BuildHttpRequest: "),
              std::string_view::npos);
  }
}

TEST(AppendHttpResponseHead, AppendsStatusLineHeadersAndLength) {
  std::string out = "previous;";
  const HttpHeader headers[] = {{"Server", "asycamore"}};
  ASSERT_TRUE(
      AppendHttpResponseHead(
          {.status = 200, .headers = headers, .content_length = 13}, out)
          .ok());
  EXPECT_EQ(out,
            "previous;HTTP/1.1 200 OK\r\nServer: asycamore\r\nContent-Length: "
            "13\r\n\r\n");
  out.clear();
  ASSERT_TRUE(AppendHttpResponseHead({.status = 431, .close = true}, out).ok());
  EXPECT_EQ(
      out,
      "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n");
  out.clear();
  ASSERT_TRUE(
      AppendHttpResponseHead({.status = 299, .reason = "Custom"}, out).ok());
  EXPECT_EQ(out, "HTTP/1.1 299 Custom\r\nContent-Length: 0\r\n\r\n");
}

TEST(AppendHttpResponseHead, WritesNoContentLengthWhereNoBodyMayFollow) {
  for (int status : {100, 103, 204, 304}) {
    std::string out;
    ASSERT_TRUE(
        AppendHttpResponseHead({.status = status, .content_length = 5}, out)
            .ok());
    EXPECT_EQ(out.find("Content-Length"), std::string::npos) << out;
  }
}

TEST(AppendHttpResponseHead, RefusedInputLeavesTheBufferAsItWas) {
  const HttpHeader crlf[] = {{"Set-Cookie", "a\nb"}};
  std::string out = "kept";
  for (const HttpResponseSpec& spec :
       {HttpResponseSpec{.status = 42}, HttpResponseSpec{.reason = "O\r\nK"},
        HttpResponseSpec{.headers = crlf}}) {
    const absl::Status s = AppendHttpResponseHead(spec, out);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_NE(s.message().find("AppendHttpResponseHead: "),
              std::string_view::npos)
        << s;
    EXPECT_EQ(out, "kept");
  }
}

TEST(AppendHttpResponseHead, TheResponseParserReadsBackAPipelineOfThem) {
  std::string stream;
  for (int status : {200, 204, 404}) {
    ASSERT_TRUE(
        AppendHttpResponseHead({.status = status, .content_length = 2}, stream)
            .ok());
    if (status != 204) stream.append("ok");
  }
  struct Capture : HttpResponseHandler {
    std::optional<HttpMethod> PendingRequestMethod() override {
      return HttpMethod::kGet;
    }
    void OnResponse(const HttpResponseView& r) override {
      got.push_back(std::to_string(r.status_code) + ":" + std::string(r.body));
    }
    std::vector<std::string> got;
  } capture;
  HttpResponseParser parser(capture);
  ASSERT_TRUE(parser.Feed(stream).ok());
  EXPECT_EQ(capture.got,
            (std::vector<std::string>{"200:ok", "204:", "404:ok"}));
}

}  // namespace
}  // namespace asycamore
