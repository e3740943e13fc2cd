// HttpClientSocket against a server that misbehaves on purpose, on every
// backend, over loopback. Every test checks that each request ended exactly
// once (answered or failed), that handed-back requests were sent again on a
// new connection, and that the counts add up; then what the scenario pins.
#include "asycamore/http/http_client_socket.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client_driver.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_http_server.h"

namespace asycamore::testing {
namespace {

std::vector<HttpRequest> Gets(int count, HttpMethod method = HttpMethod::kGet) {
  std::vector<HttpRequest> requests;
  for (int i = 0; i < count; ++i) requests.push_back(MakeRequest(i, method));
  return requests;
}

// Each answered request got the body its own target asks for: responses
// were matched to requests in order.
void ExpectBodiesMatch(const ClientDriver& client, int count) {
  for (int i = 0; i < count; ++i) {
    if (client.ledger(i).answered == 0) continue;
    EXPECT_EQ(client.ledger(i).body, BodyFor(TargetFor(i))) << "request " << i;
  }
}

class HttpClientSocketTest : public BackendTest {};

TEST_P(HttpClientSocketTest, PipelinedContentLengthResponsesMatchTheirRequests) {
  TestHttpServer server(loop(), {});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 4}, Gets(40));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 40);
  ExpectBodiesMatch(client, 40);
  ASSERT_EQ(client.ends().size(), 1u);
  EXPECT_TRUE(client.ends()[0].source_ended);
  EXPECT_EQ(client.ends()[0].error_class, HttpErrorClass::kNone);
}

TEST_P(HttpClientSocketTest, ChunkedBodySplitAtOddBoundariesIsReassembled) {
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
                 const std::string body = BodyFor(r.target);
                 return absl::StrCat(
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                     "3\r\n", body.substr(0, 3), "\r\n", absl::Hex(body.size() - 3),
                     ";ext=1\r\n", body.substr(3), "\r\n0\r\nTrailer: x\r\n\r\n");
               },
               .piece_sizes = {1, 5, 2, 11, 3, 7}});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 3}, Gets(6));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 6);
  ExpectBodiesMatch(client, 6);
}

TEST_P(HttpClientSocketTest, SlowBodyDribbledByteByByteIsAnsweredWhole) {
  TestHttpServer server(loop(), {.piece_sizes = {1},
                                 .piece_delay = absl::Microseconds(200)});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 2}, Gets(3));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 3);
  ExpectBodiesMatch(client, 3);
}

TEST_P(HttpClientSocketTest, BodyUntilTheCloseAnswersAndHandsBackThoseBehind) {
  // No length: the body runs until the server closes, after each response.
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
                 return absl::StrCat("HTTP/1.1 200 OK\r\n\r\n", BodyFor(r.target));
               },
               .end_after = 1});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 4}, Gets(5));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 5);
  ExpectBodiesMatch(client, 5);
  EXPECT_GE(client.ends().size(), 5u);  // one response per connection
  EXPECT_TRUE(client.ends()[0].server_closed);
}

TEST_P(HttpClientSocketTest, ConnectionCloseHandsBackThePipelinedRequestsBehindIt) {
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
                 const std::string body = BodyFor(r.target);
                 return absl::StrCat(
                     "HTTP/1.1 200 OK\r\nContent-Length: ", body.size(),
                     r.index == 1 && r.connection == 0 ? "\r\nConnection: close" : "", "\r\n\r\n", body);
               },
               .end_after = 2,
               .misbehaving_connections = 1});
  // POSTs too: pipelined behind a close, they were never processed, so even
  // non-idempotent requests go again.
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 8},
                      Gets(8, HttpMethod::kPost));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 8);
  ExpectBodiesMatch(client, 8);
  EXPECT_EQ(client.handed_back(), 6);
  ASSERT_GE(client.ends().size(), 2u);
  EXPECT_TRUE(client.ends()[0].server_closed);
  EXPECT_EQ(client.ends()[0].answered, 2u);
  EXPECT_EQ(client.ends()[0].not_sent, 6u);
}

TEST_P(HttpClientSocketTest, Http10ResponseEndsTheConnectionAfterIt) {
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
                 const std::string body = BodyFor(r.target);
                 return absl::StrCat("HTTP/1.0 200 OK\r\nContent-Length: ",
                                     body.size(), "\r\n\r\n", body);
               },
               .end_after = 1});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 3}, Gets(4));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 4);
  ExpectBodiesMatch(client, 4);
  EXPECT_EQ(client.ends().size(), 4u);
  EXPECT_NE(client.end_messages()[0].find("HTTP/1.0"), std::string::npos)
      << client.end_messages()[0];
}

TEST_P(HttpClientSocketTest, InterimResponsesAreNotAnswers) {
  TestHttpServer server(loop(), {.respond = [](const SeenRequest& r) {
    return absl::StrCat("HTTP/1.1 100 Continue\r\n\r\n",
                        "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
                        OkResponse(r.target));
  }});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 3}, Gets(5));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 5);
  ExpectBodiesMatch(client, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.ledger(i).status, 200);
}

TEST_P(HttpClientSocketTest, HeadAnd204And304AnswersHaveNoBodyDespiteTheirLength) {
  // Each answer declares a length but sends no body; a client that read
  // one would take the next response's bytes as this body.
  TestHttpServer server(loop(), {.respond = [](const SeenRequest& r) {
    const char* status = r.index % 3 == 1   ? "204 No Content"
                         : r.index % 3 == 2 ? "304 Not Modified"
                                            : "200 OK";
    return absl::StrCat("HTTP/1.1 ", status, "\r\nContent-Length: 50\r\n\r\n");
  }});
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 9; ++i) {
    requests.push_back(
        MakeRequest(i, i % 3 == 0 ? HttpMethod::kHead : HttpMethod::kGet));
  }
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 9},
                      std::move(requests));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), 9);
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(client.ledger(i).status, i % 3 == 1 ? 204 : i % 3 == 2 ? 304 : 200);
    EXPECT_EQ(client.ledger(i).body, "");
  }
  EXPECT_EQ(client.ends().size(), 1u);
}

TEST_P(HttpClientSocketTest, HeaderSectionPastTheLimitFailsThatRequestAsParse) {
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
                 if (r.index != 1 || r.connection != 0) return OkResponse(r.target);
                 return absl::StrCat("HTTP/1.1 200 OK\r\nX-Big: ",
                                     std::string(3000, 'x'),
                                     "\r\nContent-Length: 0\r\n\r\n");
               },
               .misbehaving_connections = 1});
  HttpClientOptions options{.pipeline_depth = 4};
  options.parser.max_header_bytes = 1024;
  ClientDriver client(loop(), server.port(), std::move(options), Gets(4));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.ledger(0).answered, 1);
  EXPECT_EQ(client.ledger(1).failed, 1);
  EXPECT_EQ(client.ledger(1).error_class, HttpErrorClass::kParse);
  EXPECT_NE(client.ledger(1).message.find("max_header_bytes"), std::string::npos)
      << client.ledger(1).message;
  EXPECT_EQ(client.answered(), 3);  // the rest were retried
}

TEST_P(HttpClientSocketTest, MalformedResponseFailsItsRequestAndRetriesTheIdempotentRest) {
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
                 if (r.index == 1 && r.connection == 0) {
                   return std::string("HTTP/1.1 2x0 Nope\r\n\r\n");
                 }
                 return OkResponse(r.target);
               },
               .misbehaving_connections = 1});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 4}, Gets(6));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.ledger(1).failed, 1);
  EXPECT_EQ(client.ledger(1).error_class, HttpErrorClass::kParse);
  EXPECT_NE(client.ledger(1).message.find("malformed"), std::string::npos)
      << client.ledger(1).message;
  EXPECT_EQ(client.answered(), 5);
  ExpectBodiesMatch(client, 6);
}

TEST_P(HttpClientSocketTest, ResponseTruncatedByTheServersCloseFailsThatRequest) {
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
                 if (r.index == 0 || r.connection != 0) return OkResponse(r.target);
                 return std::string(
                     "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
               },
               .end_after = 2,
               .misbehaving_connections = 1});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 3}, Gets(3));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.ledger(0).answered, 1);
  EXPECT_EQ(client.ledger(1).failed, 1);
  EXPECT_EQ(client.ledger(1).error_class, HttpErrorClass::kParse);
  EXPECT_NE(client.ledger(1).message.find("truncated"), std::string::npos)
      << client.ledger(1).message;
  EXPECT_EQ(client.ledger(2).answered, 1);  // handed back, answered later
}

TEST_P(HttpClientSocketTest, ResetMidPipelineRetriesIdempotentRequestsAndFailsPosts) {
  TestHttpServer server(loop(), {.end_after = 2,
                                 .reset = true,
                                 .misbehaving_connections = 1});
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 8; ++i) {
    requests.push_back(
        MakeRequest(i, i % 2 == 0 ? HttpMethod::kGet : HttpMethod::kPost));
  }
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 8},
                      std::move(requests));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  for (int i = 0; i < 8; ++i) {
    const RequestLedger& e = client.ledger(i);
    if (e.failed == 1) {
      // Only a request the server may have processed, and not idempotent.
      EXPECT_EQ(i % 2, 1) << "GET " << i << " failed: " << e.message;
      EXPECT_TRUE(e.error_class == HttpErrorClass::kRead ||
                  e.error_class == HttpErrorClass::kWrite)
          << HttpErrorClassName(e.error_class);
    }
  }
  // The 2 answered before the reset, then the GETs sent again; the POSTs
  // sent before it fail.
  EXPECT_GE(client.answered(), 5);
  EXPECT_GE(client.ends().size(), 2u);
}

TEST_P(HttpClientSocketTest, ServerThatNeverAnswersTimesTheRequestOut) {
  TestHttpServer server(loop(), {.respond = [](const SeenRequest& r) {
    return r.index == 1 && r.connection == 0 ? std::string()
                                             : OkResponse(r.target);
  }});
  ClientDriver client(loop(), server.port(),
                      {.pipeline_depth = 1,
                       .response_timeout = absl::Milliseconds(100)},
                      Gets(3));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.ledger(1).failed, 1);
  EXPECT_EQ(client.ledger(1).error_class, HttpErrorClass::kTimeout);
  EXPECT_EQ(client.ledger(0).answered, 1);
  EXPECT_EQ(client.ledger(2).answered, 1);
  EXPECT_EQ(client.ends()[0].error_class, HttpErrorClass::kTimeout);
}

TEST_P(HttpClientSocketTest, RefusedConnectIsReportedAsConnectRefusedWithNoRequestTaken) {
  ClientDriver client(loop(), UnusedLoopbackPort(), {}, Gets(2),
                      /*max_connections=*/1);
  ASSERT_TRUE(client.Run());
  ASSERT_EQ(client.ends().size(), 1u);
  EXPECT_EQ(client.ends()[0].error_class, HttpErrorClass::kConnectRefused)
      << client.end_messages()[0];
  EXPECT_FALSE(client.ends()[0].connected);
  EXPECT_EQ(client.socket().taken(), 0u);
}

TEST_P(HttpClientSocketTest, StopFailsTheSentRequestsAndEndsTheConnection) {
  TestHttpServer server(loop(), {.respond = [](const SeenRequest&) {
    return std::string();  // hangs
  }});
  ClientDriver client(loop(), server.port(), {.pipeline_depth = 2}, Gets(3),
                      /*max_connections=*/1);
  HttpClientSocket& socket = client.socket();
  loop().RunAfter(absl::Milliseconds(50), [&socket] { socket.Stop(); });
  ASSERT_TRUE(client.Run());
  EXPECT_EQ(client.ledger(0).failed, 1);
  EXPECT_EQ(client.ledger(0).error_class, HttpErrorClass::kStopped);
  EXPECT_EQ(client.ledger(1).failed, 1);
  EXPECT_EQ(client.ledger(2).answered + client.ledger(2).failed, 0);  // never taken
  EXPECT_EQ(socket.taken(), socket.answered() + socket.failed() +
                                socket.not_sent() + socket.in_flight());
}

TEST_P(HttpClientSocketTest, ForEachHearsBeforeAfterAndSentInOrderPerRequest) {
  TestHttpServer server(loop(), {});
  ClientDriver client(loop(), server.port(),
                      {.pipeline_depth = 1, .before_and_after = true}, Gets(2));
  ASSERT_TRUE(client.Run());
  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.send_log,
            (std::vector<std::string>{"0:before", "0:after", "0:sent",
                                      "1:before", "1:after", "1:sent"}));
}

// refill_at 0 sends in batches of the depth (as wrk pipelines): a new
// request is taken only once every one in flight was answered; the
// default slides the window, one request per answer.
TEST_P(HttpClientSocketTest, RefillAtZeroTakesRequestsOnlyWhenTheBatchIsAnswered) {
  // Sends shorter than a response, a loop turn apart: each read completes
  // one response at most.
  TestHttpServer server(loop(), {.piece_sizes = {OkResponse(TargetFor(0)).size() / 2 + 1},
                                 .piece_delay = absl::Milliseconds(2)});
  for (const int refill_at : {0, 3}) {
    HttpClientSocket client({.pipeline_depth = 4, .refill_at = refill_at});
    std::vector<std::size_t> in_flight_at_take;
    int taken = 0;
    ASSERT_TRUE(client
                    .Start(loop(), SocketAddress::Loopback4(server.port()),
                           [&]() -> std::optional<HttpRequest> {
                             if (taken == 9) return std::nullopt;
                             in_flight_at_take.push_back(client.in_flight());
                             return MakeRequest(taken++);
                           })
                    .ok());
    ASSERT_TRUE(RunUntil(loop(), [&] { return !client.running(); }));
    EXPECT_EQ(client.answered(), 9u);
    bool slid = false;  // a take outside the batch pattern
    for (std::size_t i = 4; i < in_flight_at_take.size(); ++i) {
      if (in_flight_at_take[i] != i % 4) slid = true;
      if (refill_at == 0) {
        EXPECT_EQ(in_flight_at_take[i], i % 4) << "take " << i;
      }
    }
    EXPECT_EQ(slid, refill_at != 0);
  }
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(HttpClientSocketTest);

}  // namespace
}  // namespace asycamore::testing
