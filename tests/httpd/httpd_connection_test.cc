// asycamore-httpd's connections on every backend built, on the test's own
// loop (one thread: each split of the bytes reaches the server as its own
// read, deterministically).
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "gtest/gtest.h"
#include "httpd_client.h"
#include "httpd_connection.h"
#include "support/backend_test.h"

namespace asycamore {
namespace {

using testing::Answer;
using testing::ParsedAnswers;
using testing::ParseAnswers;
using testing::RawClient;

const std::string kGetPlaintext =
    "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";

std::string Echo(const std::string& body) {
  return absl::StrCat("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ",
                      body.size(), "\r\n\r\n", body);
}

class HttpdConnectionTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    shared_ = std::make_unique<HttpdLoop>(
        loop(), HttpdConnectionOptions{
                    .limits = {.max_header_bytes = 1024,
                               .max_header_count = 10,
                               .max_body_bytes = 4096}});
    auto listener = ListenTcp("127.0.0.1", 0, 128);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    ASSERT_TRUE(
        listener_->Start(loop(), HttpdConnectionFactory(*shared_)).ok());
  }
  void TearDown() override {
    listener_.reset();  // its connections before what they share
    shared_.reset();
  }

  std::unique_ptr<RawClient> Connect() {
    return std::make_unique<RawClient>(listener_->local_port(), &loop());
  }

  std::unique_ptr<HttpdLoop> shared_;
  std::unique_ptr<AcceptingSocket> listener_;
};

void ExpectPlaintext(const Answer& answer) {
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "Hello, World!");
  EXPECT_EQ(answer.content_type, "text/plain");
  EXPECT_TRUE(answer.has_date);
  EXPECT_TRUE(answer.has_server);
}

TEST_P(HttpdConnectionTest, PlaintextIsAnsweredAsTechEmpowerExpects) {
  auto client = Connect();
  client->Send(kGetPlaintext);
  ParsedAnswers parsed = client->ReadAnswers(1);
  ASSERT_EQ(parsed.answers.size(), 1u);
  ExpectPlaintext(parsed.answers[0]);
  EXPECT_TRUE(parsed.answers[0].keep_alive);
}

TEST_P(HttpdConnectionTest, RequestSplitAtEveryByteBoundaryIsAnsweredOnce) {
  const std::string requests = absl::StrCat(Echo("split body"), kGetPlaintext);
  for (std::size_t split = 1; split < requests.size(); ++split) {
    SCOPED_TRACE(absl::StrCat("split at byte ", split));
    auto client = Connect();
    client->Send(std::string_view(requests).substr(0, split));
    client->Settle();  // the server reads the first part on its own
    client->Send(std::string_view(requests).substr(split));
    ParsedAnswers parsed = client->ReadAnswers(2);
    ASSERT_TRUE(parsed.complete);
    ASSERT_EQ(parsed.answers.size(), 2u);
    EXPECT_EQ(parsed.answers[0].body, "split body");
    ExpectPlaintext(parsed.answers[1]);
  }
}

TEST_P(HttpdConnectionTest, PipelinedRequestsAreAnsweredInOrder) {
  std::string requests;
  for (int i = 0; i < 50; ++i) {
    requests += i % 5 == 4 ? std::string("GET /missing HTTP/1.1\r\n\r\n")
                           : Echo(absl::StrCat("request ", i));
  }
  auto client = Connect();
  client->Send(requests);
  ParsedAnswers parsed = client->ReadAnswers(50);
  ASSERT_EQ(parsed.answers.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    if (i % 5 == 4) {
      EXPECT_EQ(parsed.answers[i].status, 404) << i;
    } else {
      EXPECT_EQ(parsed.answers[i].body, absl::StrCat("request ", i));
    }
  }
}

TEST_P(HttpdConnectionTest, MalformedRequestGets400AfterTheEarlierAnswers) {
  auto client = Connect();
  client->Send(absl::StrCat(Echo("first"), kGetPlaintext,
                            "GET /plaintext HTTP/1.1\r\nBad Header\r\n\r\n",
                            kGetPlaintext));
  ParsedAnswers parsed = ParseAnswers(client->ReadUntilEnd());
  EXPECT_TRUE(client->ended());
  ASSERT_TRUE(parsed.complete);
  ASSERT_EQ(parsed.answers.size(), 3u);
  EXPECT_EQ(parsed.answers[0].body, "first");
  ExpectPlaintext(parsed.answers[1]);
  EXPECT_EQ(parsed.answers[2].status, 400);
  EXPECT_FALSE(parsed.answers[2].keep_alive);
}

TEST_P(HttpdConnectionTest, OversizedHeaderSectionGets431) {
  auto client = Connect();
  client->Send(absl::StrCat(kGetPlaintext, "GET /plaintext HTTP/1.1\r\nX: ",
                            std::string(2000, 'x'), "\r\n\r\n"));
  ParsedAnswers parsed = ParseAnswers(client->ReadUntilEnd());
  EXPECT_TRUE(client->ended());
  ASSERT_EQ(parsed.answers.size(), 2u);
  ExpectPlaintext(parsed.answers[0]);
  EXPECT_EQ(parsed.answers[1].status, 431);
  EXPECT_FALSE(parsed.answers[1].keep_alive);
}

TEST_P(HttpdConnectionTest, TooManyHeaderFieldsGet431) {
  std::string request = "GET /plaintext HTTP/1.1\r\n";
  for (int i = 0; i < 11; ++i) absl::StrAppend(&request, "X", i, ": y\r\n");
  auto client = Connect();
  client->Send(request + "\r\n");
  ParsedAnswers parsed = ParseAnswers(client->ReadUntilEnd());
  ASSERT_EQ(parsed.answers.size(), 1u);
  EXPECT_EQ(parsed.answers[0].status, 431);
}

TEST_P(HttpdConnectionTest, OversizedBodyGets413BeforeItIsSent) {
  auto client = Connect();
  // Only the head: the server refuses on the declared length.
  client->Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  ParsedAnswers parsed = client->ReadAnswers(1);
  ASSERT_EQ(parsed.answers.size(), 1u);
  EXPECT_EQ(parsed.answers[0].status, 413);
  EXPECT_FALSE(parsed.answers[0].keep_alive);
}

TEST_P(HttpdConnectionTest, HalfClosedClientStillGetsEveryAnswer) {
  auto client = Connect();
  std::string requests;
  for (int i = 0; i < 20; ++i) requests += Echo(absl::StrCat("half ", i));
  client->Send(requests);
  client->ShutdownWrite();
  ParsedAnswers parsed = ParseAnswers(client->ReadUntilEnd());
  EXPECT_TRUE(client->ended());
  ASSERT_TRUE(parsed.complete);
  ASSERT_EQ(parsed.answers.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(parsed.answers[i].body, absl::StrCat("half ", i));
  }
}

TEST_P(HttpdConnectionTest, ConnectionCloseEndsTheConnectionAfterItsAnswer) {
  auto client = Connect();
  client->Send(absl::StrCat(
      "GET /plaintext HTTP/1.1\r\nConnection: close\r\n\r\n", kGetPlaintext));
  ParsedAnswers parsed = ParseAnswers(client->ReadUntilEnd());
  EXPECT_TRUE(client->ended());
  ASSERT_EQ(parsed.answers.size(), 1u);  // the second was never processed
  ExpectPlaintext(parsed.answers[0]);
  EXPECT_FALSE(parsed.answers[0].keep_alive);
}

TEST_P(HttpdConnectionTest, Http10ClosesUnlessItAsksForKeepAlive) {
  auto kept = Connect();
  kept->Send(
      "GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
      "GET /plaintext HTTP/1.0\r\n\r\n");
  ParsedAnswers parsed = ParseAnswers(kept->ReadUntilEnd());
  EXPECT_TRUE(kept->ended());
  ASSERT_EQ(parsed.answers.size(), 2u);
  EXPECT_TRUE(parsed.answers[0].keep_alive);
  EXPECT_FALSE(parsed.answers[1].keep_alive);
}

// A client that pipelines without reading must not make the server queue
// answers without bound: past the high watermark the server stops reading,
// so the client's sends stall. Once the client reads, every request sent
// gets its answer, in order.
TEST_P(HttpdConnectionTest, ClientThatDoesNotReadIsNoLongerRead) {
  auto client = Connect();
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += kGetPlaintext;
  constexpr std::size_t kBound = 256u << 20;  // far past every buffer
  std::size_t sent = 0;
  int stalls = 0;
  while (sent < kBound && stalls < 50) {
    const std::size_t n = client->SendSome(
        std::string_view(batch).substr(sent % batch.size()));
    sent += n;
    if (n == 0) {
      ++stalls;
      client->Settle();
    } else {
      stalls = 0;
    }
  }
  ASSERT_LT(sent, kBound) << "the server kept reading a client that does not";
  // The last request may be cut short: it gets no answer.
  const std::size_t requests = sent / kGetPlaintext.size();
  ParsedAnswers parsed = client->ReadAnswers(requests, absl::Seconds(60));
  ASSERT_TRUE(parsed.complete);
  ASSERT_EQ(parsed.answers.size(), requests);
  for (const Answer& answer : parsed.answers) ASSERT_EQ(answer.status, 200);
}

TEST_P(HttpdConnectionTest, DrainClosesIdleConnectionsAndAnswersTheRest) {
  auto idle = Connect();
  auto busy = Connect();
  idle->Send(kGetPlaintext);
  ASSERT_EQ(idle->ReadAnswers(1).answers.size(), 1u);
  busy->Send("POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\nab");
  busy->Settle();
  listener_->Stop();
  shared_->DrainAll();
  EXPECT_TRUE(ParseAnswers(idle->ReadUntilEnd()).answers.size() == 1u);
  EXPECT_TRUE(idle->ended());
  busy->Send(absl::StrCat("cd", kGetPlaintext));
  ParsedAnswers parsed = ParseAnswers(busy->ReadUntilEnd());
  EXPECT_TRUE(busy->ended());
  ASSERT_EQ(parsed.answers.size(), 1u);  // the one in flight, then the end
  EXPECT_EQ(parsed.answers[0].body, "abcd");
  EXPECT_FALSE(parsed.answers[0].keep_alive);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(HttpdConnectionTest);

}  // namespace
}  // namespace asycamore
