#include "asycamore/http/response_parser.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "asycamore/http/http_message.h"
#include "feeding.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

std::string Describe(const HttpResponseView& r) {
  std::vector<std::string> headers;
  for (const HttpHeader& h : r.headers)
    headers.push_back(absl::StrFormat("%s=%s", h.name, h.value));
  return absl::StrFormat(
      "%d '%s' %d.%d [%s] n=%d body='%s' size=%d %s%s%s", r.status_code,
      r.reason, r.version.major, r.version.minor, absl::StrJoin(headers, ","),
      r.header_count, r.body, r.body_size, BodyFramingName(r.framing),
      r.keep_alive ? "" : " close", r.upgraded ? " upgraded" : "");
}

// Answers PendingRequestMethod from a list of the requests "sent", and
// records every response as a line.
class Recorder : public HttpResponseHandler {
 public:
  explicit Recorder(std::vector<HttpMethod> sent) : sent_(std::move(sent)) {}

  std::optional<HttpMethod> PendingRequestMethod() override {
    if (answered_ >= sent_.size()) return std::nullopt;
    return sent_[answered_];
  }
  void OnInterimResponse(const HttpResponseView& r) override {
    events.push_back("interim " + Describe(r));
  }
  void OnResponse(const HttpResponseView& r) override {
    events.push_back(Describe(r));
    ++answered_;
  }

  std::vector<std::string> events;

 private:
  std::vector<HttpMethod> sent_;
  std::size_t answered_ = 0;
};

using Outcome = testing::ParseOutcome;

Outcome RunParser(const std::vector<std::string_view>& pieces,
                  const std::vector<HttpMethod>& sent,
                  const HttpResponseParserOptions& options, bool finish) {
  Recorder recorder(sent);
  HttpResponseParser parser(recorder, options);
  Outcome outcome = testing::FeedPieces(parser, pieces, finish);
  outcome.events = recorder.events;
  return outcome;
}

Outcome ParseEveryWay(std::string_view input,
                      const std::vector<HttpMethod>& sent,
                      const HttpResponseParserOptions& options = {},
                      bool finish = true) {
  return testing::ParseEveryWay(
      input,
      [&](const std::vector<std::string_view>& pieces, bool fin) {
        return RunParser(pieces, sent, options, fin);
      },
      finish);
}

// Parses every way; expects no error and exactly `events`.
Outcome ExpectResponses(std::string_view input,
                        const std::vector<HttpMethod>& sent,
                        const std::vector<std::string>& events,
                        const HttpResponseParserOptions& options = {}) {
  return testing::ExpectEventsEveryWay(
      input,
      [&](const std::vector<std::string_view>& pieces, bool finish) {
        return RunParser(pieces, sent, options, finish);
      },
      events);
}

const std::vector<HttpMethod> kGets(8, HttpMethod::kGet);

TEST(HttpResponseParser, ContentLengthBodyArrivesWholeOverAnySplit) {
  const Outcome o = ExpectResponses(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t \r\n\r\nhello", kGets,
      {"200 'OK' 1.1 [Content-Length=5,Server=t] n=2 body='hello' size=5 "
       "Content-Length"});
}

TEST(HttpResponseParser,
     ChunkedBodyWithOddChunkBoundariesExtensionsAndTrailer) {
  const Outcome o = ParseEveryWay(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\nh\r\n3;name=value\r\nell\r\nA\r\no, world!!\r\n0\r\nX-Trailer: "
      "t\r\n\r\n",
      kGets);
  ASSERT_EQ(o.error, HttpParseError::kNone) << o;
  EXPECT_EQ(o.events,
            std::vector<std::string>{
                "200 'OK' 1.1 [Transfer-Encoding=chunked,X-Trailer=t] n=2 "
                "body='hello, world!!' size=14 chunked"});
}

TEST(HttpResponseParser,
     HeadResponseWithContentLengthHasNoBodyAndTheNextResponseFollows) {
  const Outcome o = ExpectResponses(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      {HttpMethod::kHead, HttpMethod::kGet},
      {"200 'OK' 1.1 [Content-Length=5] n=1 body='' size=0 no",
       "200 'OK' 1.1 [Content-Length=2] n=1 body='ok' size=2 Content-Length"});
}

// llhttp 8.1 reads a Content-Length body on 204 and 304; RFC 9112 6.3 says
// they have none, so the bytes after the headers are the next response.
TEST(HttpResponseParser, NoContentAndNotModifiedIgnoreTheirContentLength) {
  const Outcome o = ExpectResponses(
      "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
      kGets,
      {"204 'No Content' 1.1 [Content-Length=5] n=1 body='' size=0 no",
       "304 'Not Modified' 1.1 [Content-Length=7] n=1 body='' size=0 no",
       "200 'OK' 1.1 [Content-Length=1] n=1 body='x' size=1 Content-Length"});
}

TEST(HttpResponseParser, InterimResponsesAreReportedButDoNotAnswerTheRequest) {
  const Outcome o = ParseEveryWay(
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
      "HTTP/1.1 102 Processing\r\nContent-Length: 3\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nb",
      {HttpMethod::kPost, HttpMethod::kPost});
  ASSERT_EQ(o.error, HttpParseError::kNone) << o;
  EXPECT_EQ(
      o.events,
      (std::vector<std::string>{
          "interim 100 'Continue' 1.1 [] n=0 body='' size=0 no",
          "interim 103 'Early Hints' 1.1 [Link=</s.css>; rel=preload] n=1 "
          "body='' size=0 no",
          "200 'OK' 1.1 [Content-Length=1] n=1 body='a' size=1 Content-Length",
          "interim 102 'Processing' 1.1 [Content-Length=3] n=1 body='' size=0 "
          "no",
          "201 'Created' 1.1 [Content-Length=1] n=1 body='b' size=1 "
          "Content-Length"}));
}

TEST(HttpResponseParser, BodyUntilEofCompletesAtFinishAndClosesTheConnection) {
  const Outcome o = ExpectResponses(
      "HTTP/1.1 200 OK\r\n\r\nall of this", kGets,
      {"200 'OK' 1.1 [] n=0 body='all of this' size=11 until-EOF close"});
  const Outcome unfinished =
      ParseEveryWay("HTTP/1.1 200 OK\r\n\r\nall of this", kGets, {},
                    /*finish=*/false);
  EXPECT_TRUE(unfinished.events.empty())
      << "not complete before the end of the stream";
}

TEST(HttpResponseParser, ConnectionCloseEndsTheStreamAndLaterBytesAreIgnored) {
  const Outcome o = ExpectResponses(
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno",
      kGets,
      {"200 'OK' 1.1 [Connection=close,Content-Length=2] n=2 "
       "body='ok' size=2 Content-Length close"});
  EXPECT_TRUE(o.closed);
  EXPECT_EQ(o.ignored, 40u);
}

TEST(HttpResponseParser, Http10ClosesUnlessItSaysKeepAlive) {
  const Outcome o = ExpectResponses(
      "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na"
      "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb"
      "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nc",
      kGets,
      {"200 'OK' 1.0 [Connection=keep-alive,Content-Length=1] "
       "n=2 body='a' size=1 Content-Length",
       "200 'OK' 1.0 [Content-Length=1] n=1 body='b' size=1 "
       "Content-Length close"});
  EXPECT_TRUE(o.closed);
}

TEST(HttpResponseParser, SwitchingProtocolsEndsHttpOnTheConnection) {
  const Outcome o = ExpectResponses(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
      "Upgrade\r\n\r\n"
      "\x81\x05hello",
      kGets,
      {"101 'Switching Protocols' 1.1 [Upgrade=websocket,"
       "Connection=Upgrade] n=2 body='' size=0 no close upgraded"});
  EXPECT_EQ(o.ignored, 7u);
}

TEST(HttpResponseParser, SuccessfulConnectTurnsTheConnectionIntoATunnel) {
  const Outcome o =
      ExpectResponses("HTTP/1.1 200 Connection Established\r\n\r\ntunnel bytes",
                      {HttpMethod::kConnect},
                      {"200 'Connection Established' 1.1 [] n=0 "
                       "body='' size=0 no close upgraded"});
  EXPECT_EQ(o.ignored, 12u);
}

TEST(HttpResponseParser, MixedPipelineOfEveryFraming) {
  testing::Pipeline p;
  p.Add("HTTP/1.1 100 Continue\r\n\r\n")
      .Add("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")
      .Add("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n")  // HEAD
      .Add("HTTP/1.1 204 No Content\r\n\r\n")
      .Add(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
          "chunked\r\n\r\n2\r\nde\r\n1\r\nf\r\n0\r\n\r\n")
      .Add("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n")
      .Add("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
      .Add("HTTP/1.1 200 OK\r\n\r\nuntil the end");
  const std::vector<HttpMethod> sent = {
      HttpMethod::kPost, HttpMethod::kHead, HttpMethod::kGet, HttpMethod::kGet,
      HttpMethod::kGet,  HttpMethod::kGet,  HttpMethod::kGet};
  const Outcome o = ExpectResponses(
      p.text, sent,
      {"interim 100 'Continue' 1.1 [] n=0 body='' size=0 no",
       "200 'OK' 1.1 [Content-Length=3] n=1 body='abc' size=3 Content-Length",
       "200 'OK' 1.1 [Content-Length=3] n=1 body='' size=0 no",
       "204 'No Content' 1.1 [] n=0 body='' size=0 no",
       "200 'OK' 1.1 [Transfer-Encoding=chunked] n=1 body='def' size=3 chunked",
       "304 'Not Modified' 1.1 [ETag=\"x\"] n=1 body='' size=0 no",
       "404 'Not Found' 1.1 [Content-Length=0] n=1 body='' size=0 "
       "Content-Length",
       "200 'OK' 1.1 [] n=0 body='until the end' size=13 until-EOF close"});
}

TEST(HttpResponseParser, TruncatedAtEveryByteReportsWhatWasCut) {
  testing::Pipeline p;
  p.Add("HTTP/1.1 103 Early Hints\r\nLink: <a>\r\n\r\n")
      .Add("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd")
      .Add("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")  // HEAD
      .Add(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
          "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  const std::vector<HttpMethod> sent = {HttpMethod::kGet, HttpMethod::kHead,
                                        HttpMethod::kGet};
  testing::ExpectTruncatedAtEveryByte(
      p, [&](const std::vector<std::string_view>& pieces, bool finish) {
        return RunParser(pieces, sent, {}, finish);
      });
}

TEST(HttpResponseParser, TruncatedMessageSaysHowMuchOfTheBodyArrived) {
  const Outcome o =
      ParseEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd", kGets);
  EXPECT_EQ(o.error, HttpParseError::kTruncated);
  EXPECT_EQ(o.status,
            "DATA_LOSS: HttpResponseParser: response truncated at byte 43 of "
            "the stream: the "
            "stream ended in the body, after 4 of 10 bytes");
}

TEST(HttpResponseParser, HeaderSectionAtTheLimitPassesAndOneByteMoreFails) {
  // 17 + 19 + 2 bytes: status line, one header line, blank line.
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  ASSERT_EQ(response.size(), 38u);
  const Outcome at_limit =
      ParseEveryWay(response + response, kGets, {.max_header_bytes = 38});
  EXPECT_EQ(at_limit.error, HttpParseError::kNone) << at_limit;
  EXPECT_EQ(at_limit.events.size(), 2u);

  const Outcome over =
      ParseEveryWay(response + "HTTP/1.1 200 OK\r\nContent-Length: 00\r\n\r\n",
                    kGets, {.max_header_bytes = 38});
  EXPECT_EQ(over.error, HttpParseError::kHeadersTooLarge) << over;
  EXPECT_EQ(over.events.size(), 1u)
      << "the response before the big one is delivered";
  EXPECT_EQ(over.status,
            "RESOURCE_EXHAUSTED: HttpResponseParser: response headers too "
            "large at byte 76 of "
            "the stream: the header section passed max_header_bytes (38)");
}

TEST(HttpResponseParser, HugeHeaderInOneReadIsRefusedBeforeItIsStored) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nX-Big: " + std::string(100000, 'b') + "\r\n\r\n";
  for (bool lean : {false, true}) {
    const Outcome o = RunParser(
        {response}, kGets,
        {.max_header_bytes = 1000, .keep_headers = !lean, .keep_body = !lean},
        true);
    EXPECT_EQ(o.error, HttpParseError::kHeadersTooLarge) << o;
    EXPECT_NE(o.status.find("at byte 1000 "), std::string::npos) << o.status;
  }
}

TEST(HttpResponseParser, MoreHeaderFieldsThanTheLimitFail) {
  const Outcome o =
      ParseEveryWay("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", kGets,
                    {.max_header_count = 2});
  EXPECT_EQ(o.error, HttpParseError::kTooManyHeaders) << o;
  EXPECT_NE(o.status.find("max_header_count (2)"), std::string::npos)
      << o.status;
}

TEST(HttpResponseParser, KeptBodyPastTheLimitFailsAtTheFirstByteOver) {
  const Outcome o =
      ParseEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678",
                    kGets, {.max_body_bytes = 5});
  EXPECT_EQ(o.error, HttpParseError::kBodyTooLarge) << o;
  // The body starts at byte 38; its sixth byte is 43.
  EXPECT_NE(o.status.find("at byte 43 "), std::string::npos) << o.status;
  const Outcome lean =
      ParseEveryWay("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678",
                    kGets, {.max_body_bytes = 5, .keep_body = false});
  EXPECT_EQ(lean.error, HttpParseError::kNone)
      << "only a kept body is limited: " << lean;
}

TEST(HttpResponseParser, LeanModeKeepsStatusHeaderCountAndBodySizeOnly) {
  const Outcome o = ExpectResponses(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: t\r\n\r\nhello"
      "HTTP/1.1 503 Busy\r\nTransfer-Encoding: "
      "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      kGets,
      {"200 '' 1.1 [] n=2 body='' size=5 Content-Length",
       "503 '' 1.1 [] n=1 body='' size=3 chunked"},
      {.keep_headers = false, .keep_body = false});
}

TEST(HttpResponseParser, MalformedResponsesStopTheParserNamingTheByte) {
  struct Case {
    std::string input;
    std::string llhttp_error;
    std::size_t at;
  };
  const std::string ok =
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";  // 39 bytes
  const std::vector<Case> cases = {
      {ok + "HTTX/1.1 200 OK\r\n\r\n", "HPE_INVALID_CONSTANT", 39 + 3},
      {ok + "HTTP/1.1 2x0 OK\r\n\r\n", "HPE_INVALID_STATUS", 39 + 10},
      {ok + "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
       "HPE_INVALID_CONTENT_LENGTH", 39 + 34},
      {ok + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n",
       "HPE_INVALID_CHUNK_SIZE", 39 + 47},
      {ok + "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "HPE_INVALID_HEADER_TOKEN",
       39 + 24},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    const Outcome o = ParseEveryWay(c.input, kGets);
    EXPECT_EQ(o.error, HttpParseError::kMalformed) << o;
    EXPECT_EQ(o.events.size(), 1u)
        << "the good response before it is delivered";
    EXPECT_NE(o.status.find(absl::StrFormat(
                  "response malformed at byte %d of the stream: %s", c.at,
                  c.llhttp_error)),
              std::string::npos)
        << o.status;
  }
}

// Found by fuzz/http_response_stream_fuzzer: llhttp 8.1 takes a status of
// one or two digits, so "HTTP/1.1 1 00Continue" answered a request with
// status 1 (neither interim nor a valid final response).
TEST(HttpResponseParser, StatusCodeOfFewerThanThreeDigitsIsMalformed) {
  for (const std::string status : {"1", "20", "099"}) {
    SCOPED_TRACE(status);
    const Outcome o = ParseEveryWay(
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 " + status +
            " 00Continue\r\n\r\n",
        kGets);
    EXPECT_EQ(o.error, HttpParseError::kMalformed) << o;
    EXPECT_EQ(o.events.size(), 1u) << "the good response before it is delivered";
    EXPECT_NE(o.status.find(absl::StrFormat(
                  "response malformed at byte 38 of the stream: the status "
                  "code %d is not three digits",
                  std::stoi(status))),
              std::string::npos)
        << o.status;
  }
}

TEST(HttpResponseParser, ResponseWithNoRequestOutstandingIsAnError) {
  const Outcome o = ParseEveryWay(
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
      "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n",
      {HttpMethod::kGet});
  EXPECT_EQ(o.error, HttpParseError::kUnexpectedResponse) << o;
  EXPECT_EQ(o.events.size(), 1u);
  EXPECT_EQ(o.status,
            "INVALID_ARGUMENT: HttpResponseParser: response unexpected at byte "
            "38 of the "
            "stream: a response began while no request was outstanding");
}

TEST(HttpResponseParser, FeedAfterFinishIsRefused) {
  Recorder recorder(kGets);
  HttpResponseParser parser(recorder);
  ASSERT_TRUE(parser.Finish().ok());
  const absl::Status s = parser.Feed("HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(parser.error(), HttpParseError::kUsage);
}

TEST(HttpResponseParser, ResetStartsANewConnectionAfterAnError) {
  Recorder recorder(kGets);
  HttpResponseParser parser(recorder);
  EXPECT_FALSE(parser.Feed("garbage").ok());
  parser.Reset();
  EXPECT_EQ(parser.error(), HttpParseError::kNone);
  EXPECT_TRUE(
      parser.Feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz").ok());
  EXPECT_TRUE(parser.idle());
  EXPECT_EQ(parser.bytes_fed(), 39u);
  ASSERT_EQ(recorder.events.size(), 1u);
}

}  // namespace
}  // namespace asycamore
