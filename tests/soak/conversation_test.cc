// The soak's conversations (tools/soak/soak_conversation.h) accept exactly
// the right answers: the echo of every byte, in order; for HTTP a 200 that
// keeps the connection alive with the exact body. Anything else is a loss.
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "soak_conversation.h"

namespace asycamore {
namespace {

TEST(EchoConversationTest, EveryByteEchoedIsVerifiedAndNothingIsInFlight) {
  std::unique_ptr<SoakConversation> echo = MakeEchoConversation(5);
  std::mt19937_64 random(1);
  std::string sent;
  for (int i = 0; i < 10; ++i) echo->AppendMessage(random, sent);
  EXPECT_EQ(echo->bytes_in_flight(), sent.size());
  ASSERT_TRUE(echo->OnReceived(std::string_view(sent).substr(0, 3)).ok());
  ASSERT_TRUE(echo->OnReceived(std::string_view(sent).substr(3)).ok());
  EXPECT_EQ(echo->answers(), sent.size());
  EXPECT_EQ(echo->bytes_in_flight(), 0u);
}

TEST(EchoConversationTest, AByteMoreThanWasSentIsALoss) {
  std::unique_ptr<SoakConversation> echo = MakeEchoConversation(5);
  std::mt19937_64 random(1);
  std::string sent;
  echo->AppendMessage(random, sent);
  EXPECT_EQ(echo->OnReceived(sent + "x").code(), absl::StatusCode::kDataLoss);
}

TEST(EchoConversationTest, AChangedByteIsALoss) {
  std::unique_ptr<SoakConversation> echo = MakeEchoConversation(5);
  std::mt19937_64 random(1);
  std::string sent;
  echo->AppendMessage(random, sent);
  sent.back() ^= 0x20;
  EXPECT_EQ(echo->OnReceived(sent).code(), absl::StatusCode::kDataLoss);
}

// asycamore-httpd's answer to one of the conversation's requests, with the
// body given (by default the right one).
std::string AnswerTo(std::string_view request, int status = 200,
                     std::string_view connection = "") {
  const std::size_t end = request.find("\r\n\r\n") + 4;
  const std::string body = request.substr(0, 3) == "GET"
                               ? std::string("Hello, World!")
                               : std::string(request.substr(end));
  return absl::StrCat("HTTP/1.1 ", status,
                      " X\r\nContent-Length: ", body.size(), "\r\n",
                      std::string(connection), "\r\n", body);
}

// Draws the conversation's next request.
std::string NextRequest(SoakConversation& http, std::mt19937_64& random) {
  std::string request;
  http.AppendMessage(random, request);
  return request;
}

// Draws requests until one is a POST with a body; returns it.
std::string PostWithABody(SoakConversation& http, std::mt19937_64& random,
                          std::string& answers) {
  while (true) {
    const std::string request = NextRequest(http, random);
    if (request.substr(0, 4) == "POST" &&
        request.size() > request.find("\r\n\r\n") + 4) {
      return request;
    }
    answers += AnswerTo(request);
  }
}

TEST(HttpConversationTest, ExactAnswersAreVerifiedInOrder) {
  std::unique_ptr<SoakConversation> http = MakeHttpConversation(3);
  std::mt19937_64 random(2);
  std::string answers;
  for (int i = 0; i < 20; ++i) answers += AnswerTo(NextRequest(*http, random));
  ASSERT_TRUE(http->OnReceived(answers).ok());
  EXPECT_TRUE(http->OnEnd().ok());
  EXPECT_EQ(http->answers(), 20u);
  EXPECT_EQ(http->bytes_in_flight(), 0u);
}

TEST(HttpConversationTest, AChangedByteOfAnEchoedBodyIsALoss) {
  std::unique_ptr<SoakConversation> http = MakeHttpConversation(3);
  std::mt19937_64 random(2);
  std::string answers;
  std::string post = PostWithABody(*http, random, answers);
  std::string answer = AnswerTo(post);
  answer.back() ^= 1;
  EXPECT_EQ(http->OnReceived(answers + answer).code(),
            absl::StatusCode::kDataLoss);
}

TEST(HttpConversationTest, AnAnswerThatIsNot200IsALoss) {
  std::unique_ptr<SoakConversation> http = MakeHttpConversation(3);
  std::mt19937_64 random(2);
  const std::string request = NextRequest(*http, random);
  EXPECT_EQ(http->OnReceived(AnswerTo(request, 404)).code(),
            absl::StatusCode::kDataLoss);
}

TEST(HttpConversationTest, AnAnswerThatClosesTheConnectionIsALoss) {
  std::unique_ptr<SoakConversation> http = MakeHttpConversation(3);
  std::mt19937_64 random(2);
  const std::string request = NextRequest(*http, random);
  EXPECT_EQ(
      http->OnReceived(AnswerTo(request, 200, "Connection: close\r\n")).code(),
      absl::StatusCode::kDataLoss);
}

TEST(HttpConversationTest, AnAnswerCutShortByTheServersEndIsALoss) {
  std::unique_ptr<SoakConversation> http = MakeHttpConversation(3);
  std::mt19937_64 random(2);
  const std::string request = NextRequest(*http, random);
  const std::string answer = AnswerTo(request);
  ASSERT_TRUE(http->OnReceived(answer.substr(0, answer.size() - 1)).ok());
  EXPECT_FALSE(http->OnEnd().ok());
  EXPECT_EQ(http->answers(), 0u);
}

TEST(HttpConversationTest, AnAnswerNobodyAskedForIsALoss) {
  std::unique_ptr<SoakConversation> http = MakeHttpConversation(3);
  EXPECT_FALSE(
      http->OnReceived("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").ok());
}

}  // namespace
}  // namespace asycamore
