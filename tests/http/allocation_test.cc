// Steady-state allocation of the parsers and the response writer, counted
// by replacing the global operator new in this program: once the buffers have
// grown to the largest message, parsing a pipeline of any framing, in any
// chunks, must allocate nothing (the per-event hot path rule).
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asycamore/http/message_writer.h"
#include "asycamore/http/request_parser.h"
#include "asycamore/http/response_parser.h"
#include "counting_new.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

using testing::AllocationCounter;

// Guards the other tests: a counter that never counts would pass them all.
TEST(HttpAllocation, TheCounterSeesAnAllocation) {
  const AllocationCounter counter;
  std::string* volatile s = new std::string(1000, 'x');
  delete s;
  EXPECT_GE(counter.Count(), 1);
}

// Splits `text` into pieces of 1..13 bytes, cycling (before measuring).
std::vector<std::string_view> Pieces(std::string_view text) {
  std::vector<std::string_view> pieces;
  std::size_t n = 1;
  for (std::size_t at = 0; at < text.size(); at += pieces.back().size()) {
    pieces.push_back(text.substr(at, n));
    n = n % 13 + 1;
  }
  return pieces;
}

struct CountingResponses : HttpResponseHandler {
  std::optional<HttpMethod> PendingRequestMethod() override {
    return (answered % 4 == 1) ? HttpMethod::kHead : HttpMethod::kGet;
  }
  void OnInterimResponse(const HttpResponseView&) override { ++interim; }
  void OnResponse(const HttpResponseView& r) override {
    ++answered;
    body_bytes += r.body_size;
  }
  long answered = 0;
  long interim = 0;
  std::uint64_t body_bytes = 0;
};

// One round: 100 Continue + Content-Length, HEAD, chunked with a trailer,
// 204 with a stray Content-Length (what the handler answers HEAD for is
// every 4th response, the second of each round).
const std::string kResponses =
    "HTTP/1.1 100 Continue\r\n\r\n"
    "HTTP/1.1 200 OK\r\nServer: s\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
    "Content-Length: 13\r\n\r\nHello, World!"
    "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n"
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nHello\r\n8\r\n, World!\r\n0\r\nX-T: 1\r\n\r\n"
    "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n";

long MeasureResponses(HttpResponseParserOptions options) {
  std::string stream;
  for (int i = 0; i < 50; ++i) stream += kResponses;
  const std::vector<std::string_view> pieces = Pieces(stream);
  CountingResponses handler;
  HttpResponseParser parser(handler, options);
  for (std::string_view piece : pieces)
    EXPECT_TRUE(parser.Feed(piece).ok());  // warm-up
  const AllocationCounter counter;
  for (int round = 0; round < 20; ++round) {
    for (std::string_view piece : pieces) {
      if (!parser.Feed(piece).ok()) ADD_FAILURE() << "parse failed";
    }
  }
  const long allocations = counter.Count();
  EXPECT_EQ(handler.answered, 21 * 50 * 4);
  EXPECT_EQ(handler.interim, 21 * 50);
  std::printf(
      "responses parsed: %ld (+%ld interim), allocations while parsing: %ld\n",
      handler.answered - 50 * 4, handler.interim - 50, allocations);
  return allocations;
}

TEST(HttpAllocation, ResponseParserAllocatesNothingOnceWarm) {
  EXPECT_EQ(MeasureResponses({}), 0);
}

TEST(HttpAllocation, LeanResponseParserAllocatesNothingOnceWarm) {
  EXPECT_EQ(MeasureResponses({.keep_headers = false, .keep_body = false}), 0);
}

TEST(HttpAllocation, ResetKeepsTheBuffersForTheNextConnection) {
  CountingResponses handler;
  HttpResponseParser parser(handler);
  ASSERT_TRUE(parser.Feed(kResponses).ok());
  const AllocationCounter counter;
  for (int i = 0; i < 100; ++i) {
    parser.Reset();
    ASSERT_TRUE(parser.Feed(kResponses).ok());
  }
  EXPECT_EQ(counter.Count(), 0);
}

struct CountingRequests : HttpRequestHandler {
  void OnRequest(const HttpRequestView& r) override {
    ++requests;
    body_bytes += r.body.size();
  }
  long requests = 0;
  std::size_t body_bytes = 0;
};

TEST(HttpAllocation, RequestParserAllocatesNothingOnceWarm) {
  std::string stream;
  for (int i = 0; i < 50; ++i) {
    stream +=
        "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nAccept: "
        "text/plain\r\n\r\n"
        "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
        "5\r\n\r\nhello"
        "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: "
        "chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\n";
  }
  const std::vector<std::string_view> pieces = Pieces(stream);
  CountingRequests handler;
  HttpRequestParser parser(handler);
  for (std::string_view piece : pieces) ASSERT_TRUE(parser.Feed(piece).ok());
  const AllocationCounter counter;
  for (int round = 0; round < 20; ++round) {
    for (std::string_view piece : pieces) {
      if (!parser.Feed(piece).ok()) ADD_FAILURE() << "parse failed";
    }
  }
  const long allocations = counter.Count();
  EXPECT_EQ(handler.requests, 21 * 150);
  std::printf("requests parsed: %d, allocations while parsing: %ld\n", 20 * 150,
              allocations);
  EXPECT_EQ(allocations, 0);
}

TEST(HttpAllocation, ResponseHeadIntoAReusedBufferAllocatesNothing) {
  std::string out;
  out.reserve(256);
  const HttpHeader headers[] = {{"Server", "asycamore"},
                                {"Content-Type", "text/plain"}};
  const AllocationCounter counter;
  for (int i = 0; i < 1000; ++i) {
    out.clear();
    if (!AppendHttpResponseHead(
             {.status = 200, .headers = headers, .content_length = 13}, out)
             .ok()) {
      ADD_FAILURE();
    }
    out.append("Hello, World!");
  }
  EXPECT_EQ(counter.Count(), 0);
}

}  // namespace
}  // namespace asycamore
