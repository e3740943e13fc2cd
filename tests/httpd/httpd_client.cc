#include "httpd_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "absl/time/clock.h"
#include "asycamore/http/response_parser.h"
#include "gtest/gtest.h"

namespace asycamore::testing {
namespace {

class Collector : public HttpResponseHandler {
 public:
  explicit Collector(std::vector<Answer>& answers) : answers_(answers) {}
  std::optional<HttpMethod> PendingRequestMethod() override {
    return HttpMethod::kGet;
  }
  void OnResponse(const HttpResponseView& response) override {
    Answer answer{.status = response.status_code,
                  .body = std::string(response.body),
                  .content_type = "",
                  .keep_alive = response.keep_alive};
    if (auto type = FindHeader(response.headers, "Content-Type")) {
      answer.content_type = std::string(*type);
    }
    answer.has_date = FindHeader(response.headers, "Date").has_value();
    answer.has_server = FindHeader(response.headers, "Server").has_value();
    answers_.push_back(std::move(answer));
  }

 private:
  std::vector<Answer>& answers_;
};

}  // namespace

ParsedAnswers ParseAnswers(std::string_view bytes) {
  ParsedAnswers parsed;
  Collector collector(parsed.answers);
  HttpResponseParser parser(collector);
  parsed.complete = parser.Feed(bytes).ok() && parser.idle();
  return parsed;
}

RawClient::RawClient(std::uint16_t port, EventLoop* loop) : loop_(loop) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // A loopback connect completes in the kernel (the listener's queue)
  // before the server accepts: blocking here is fine on one thread.
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address),
                sizeof(address)) != 0) {
    ADD_FAILURE() << "connect to port " << port << ": errno " << errno;
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawClient::Wait(bool for_write) {
  if (loop_ != nullptr) {
    loop_->Iterate(absl::Milliseconds(1)).IgnoreError();
    return;
  }
  pollfd p{.fd = fd_, .events = static_cast<short>(for_write ? POLLOUT : POLLIN),
           .revents = 0};
  ::poll(&p, 1, 10);
}

std::size_t RawClient::SendSome(std::string_view bytes) {
  const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void RawClient::Send(std::string_view bytes) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      ADD_FAILURE() << "send: errno " << errno;
      return;
    }
    if (absl::Now() > deadline) {
      ADD_FAILURE() << "send: the server takes nothing";
      return;
    }
    Wait(/*for_write=*/true);
  }
}

void RawClient::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

void RawClient::Settle() {
  if (loop_ == nullptr) return;
  for (int i = 0; i < 1000; ++i) {
    absl::StatusOr<IterationResult> r = loop_->Iterate(absl::ZeroDuration());
    if (!r.ok() || (r->events == 0 && r->tasks == 0 && r->timers == 0)) return;
  }
}

std::string RawClient::ReadUntilEnd(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  char buffer[16384];
  while (!ended_ && absl::Now() < deadline) {
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      received_.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      ended_ = true;  // the end, or a reset
    } else {
      Wait(/*for_write=*/false);
    }
  }
  return received_;
}

ParsedAnswers RawClient::ReadAnswers(std::size_t count,
                                     absl::Duration timeout) {
  // Parsed as the bytes come (a backpressure test reads megabytes).
  ParsedAnswers parsed;
  Collector collector(parsed.answers);
  HttpResponseParser parser(collector);
  bool ok = parser.Feed(received_).ok();
  const absl::Time deadline = absl::Now() + timeout;
  char buffer[65536];
  while (ok && parsed.answers.size() < count && !ended_ &&
         absl::Now() < deadline) {
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n > 0) {
      const std::string_view data(buffer, static_cast<std::size_t>(n));
      received_.append(data);
      ok = parser.Feed(data).ok();
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      ended_ = true;
    } else {
      Wait(/*for_write=*/false);
    }
  }
  parsed.complete = ok && parser.idle();
  return parsed;
}

}  // namespace asycamore::testing
