// The HTTP conversation: pipelined GET /plaintext and POST /echo requests
// on one keep-alive connection; each answer must be a 200 that keeps the
// connection alive, with the exact body (the POST bodies come from a
// PatternStream, so a long pipeline keeps only their sizes).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "asycamore/http/response_parser.h"
#include "pattern_stream.h"
#include "soak_conversation.h"

namespace asycamore {
namespace {

constexpr std::size_t kMaxBody = 4 * 1024;
// asycamore-httpd's answer to GET /plaintext (tools/httpd/httpd_responses.h).
constexpr std::string_view kPlaintextAnswer = "Hello, World!";

class HttpConversation : public SoakConversation, public HttpResponseHandler {
 public:
  explicit HttpConversation(std::uint64_t seed)
      : bodies_(seed), answered_bodies_(seed), parser_(*this) {}

  void AppendMessage(std::mt19937_64& random, std::string& out) override {
    const std::size_t before = out.size();
    Request request;
    if (std::bernoulli_distribution(0.5)(random)) {
      out.append("GET /plaintext HTTP/1.1\r\nHost: soak\r\n\r\n");
    } else {
      request.post = true;
      request.body_size =
          std::uniform_int_distribution<std::size_t>(0, kMaxBody)(random);
      absl::StrAppend(&out,
                      "POST /echo HTTP/1.1\r\nHost: soak\r\nContent-Length: ",
                      request.body_size, "\r\n\r\n");
      bodies_.Append(request.body_size, out);
    }
    request.bytes = out.size() - before;
    in_flight_bytes_ += request.bytes;
    pending_.push_back(request);
  }

  absl::Status OnReceived(std::string_view data) override {
    if (absl::Status fed = parser_.Feed(data); !fed.ok()) return fed;
    return wrong_;
  }

  absl::Status OnEnd() override { return parser_.Finish(); }

  std::uint64_t bytes_in_flight() const override { return in_flight_bytes_; }
  std::uint64_t answers() const override { return answers_; }

  std::optional<HttpMethod> PendingRequestMethod() override {
    if (pending_.empty()) return std::nullopt;
    return pending_.front().post ? HttpMethod::kPost : HttpMethod::kGet;
  }

  void OnResponse(const HttpResponseView& response) override {
    const Request request = pending_.front();
    pending_.pop_front();
    in_flight_bytes_ -= request.bytes;
    if (!wrong_.ok()) return;
    const std::uint64_t number = answers_ + 1;
    if (response.status_code != 200 || !response.keep_alive) {
      wrong_ = absl::DataLossError(absl::StrFormat(
          "answer %d: status %d%s (expected 200, kept alive)", number,
          response.status_code, response.keep_alive ? "" : ", closing"));
      return;
    }
    const bool body_right = request.post
                                ? response.body.size() == request.body_size &&
                                      answered_bodies_.Check(response.body) ==
                                          PatternStream::kMatches
                                : response.body == kPlaintextAnswer;
    if (!body_right) {
      wrong_ = absl::DataLossError(absl::StrFormat(
          "answer %d (%s): the body (%d bytes) is not what was expected",
          number, request.post ? "POST /echo" : "GET /plaintext",
          response.body.size()));
      return;
    }
    answers_ = number;
  }

 private:
  struct Request {
    bool post = false;
    std::size_t body_size = 0;
    std::size_t bytes = 0;  // of the whole request
  };

  PatternStream bodies_;
  PatternStream answered_bodies_;
  HttpResponseParser parser_;
  std::deque<Request> pending_;
  std::uint64_t in_flight_bytes_ = 0;
  std::uint64_t answers_ = 0;
  absl::Status wrong_ = absl::OkStatus();
};

}  // namespace

std::unique_ptr<SoakConversation> MakeHttpConversation(std::uint64_t seed) {
  return std::make_unique<HttpConversation>(seed);
}

}  // namespace asycamore
