#include "client_driver.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"

namespace asycamore::testing {

std::string TargetFor(std::uint64_t tag) { return absl::StrCat("/t/", tag); }

HttpRequest MakeRequest(std::uint64_t tag, HttpMethod method) {
  const bool has_length =
      method == HttpMethod::kPost || method == HttpMethod::kPut;
  std::string bytes = absl::StrCat(
      std::string(HttpMethodName(method)), " ", TargetFor(tag),
      " HTTP/1.1\r\nHost: test\r\n", has_length ? "Content-Length: 0\r\n" : "",
      "\r\n");
  return HttpRequest{.bytes = absl::Cord(bytes), .method = method, .tag = tag};
}

ClientDriver::ClientDriver(EventLoop& loop, std::uint16_t port,
                           HttpClientOptions options,
                           std::vector<HttpRequest> requests,
                           std::size_t max_connections)
    : loop_(loop),
      address_(SocketAddress::Loopback4(port)),
      socket_(std::move(options)),
      requests_(std::move(requests)),
      ledger_(requests_.size()),
      max_connections_(max_connections) {
  socket_.set_on_request_end([this](HttpRequest& request,
                                    const HttpRequestOutcome& outcome) {
    RequestLedger& entry = ledger_[request.tag];
    switch (outcome.result) {
      case RequestResult::kAnswered:
        ++entry.answered;
        ++finished_;
        entry.status = outcome.response->status_code;
        entry.body = std::string(outcome.response->body);
        break;
      case RequestResult::kFailed:
        ++entry.failed;
        ++finished_;
        entry.error_class = outcome.error.error_class;
        entry.message = std::string(outcome.error.message);
        break;
      case RequestResult::kNotSent:
        ++entry.not_sent;
        entry.error_class = outcome.error.error_class;
        entry.message = std::string(outcome.error.message);
        retry_.push_back(std::move(request));
        break;
    }
  });
  socket_.set_on_end([this](const HttpConnectionEnd& end) {
    ends_.push_back(end);
    end_messages_.emplace_back(end.message);
    ends_.back().message = {};
    // on_end runs at the top of a loop turn: starting again here is safe.
    if (finished_ < requests_.size() && started_ < max_connections_) {
      StartConnection();
    }
  });
  socket_.set_on_send([this](const HttpRequest& request, WriteFlags flags) {
    send_log.push_back(absl::StrCat(request.tag, ":",
                                    flags.before_send  ? "before"
                                    : flags.after_send ? "after"
                                                       : "sent"));
  });
}

std::optional<HttpRequest> ClientDriver::Next() {
  if (!retry_.empty()) {
    HttpRequest request = std::move(retry_.front());
    retry_.pop_front();
    return request;
  }
  if (next_ == requests_.size()) return std::nullopt;
  return requests_[next_++];
}

void ClientDriver::StartConnection() {
  ++started_;
  const absl::Status status =
      socket_.Start(loop_, address_, [this] { return Next(); });
  if (!status.ok()) {
    ADD_FAILURE() << status;
    start_failed_ = true;
  }
}

bool ClientDriver::Run(absl::Duration timeout, std::uint64_t* turns) {
  StartConnection();
  return RunUntil(
      loop_,
      [this, turns] {
        if (turns != nullptr) ++*turns;
        return start_failed_ ||
               (!socket_.running() &&
                (finished_ == requests_.size() || started_ >= max_connections_));
      },
      timeout);
}

int ClientDriver::answered() const {
  int n = 0;
  for (const RequestLedger& e : ledger_) n += e.answered;
  return n;
}
int ClientDriver::failed() const {
  int n = 0;
  for (const RequestLedger& e : ledger_) n += e.failed;
  return n;
}
int ClientDriver::handed_back() const {
  int n = 0;
  for (const RequestLedger& e : ledger_) n += e.not_sent;
  return n;
}

void ClientDriver::ExpectEachEndedExactlyOnce() const {
  for (std::size_t tag = 0; tag < ledger_.size(); ++tag) {
    const RequestLedger& e = ledger_[tag];
    EXPECT_EQ(e.answered + e.failed, 1)
        << "request " << tag << ": answered " << e.answered << ", failed "
        << e.failed << ", handed back " << e.not_sent << " (" << e.message
        << ")";
  }
  // Taken = every first take + every re-take of a handed-back request.
  EXPECT_EQ(socket_.taken(), socket_.answered() + socket_.failed() +
                                 socket_.not_sent() + socket_.in_flight());
  EXPECT_EQ(socket_.in_flight(), 0u);
  EXPECT_EQ(static_cast<int>(socket_.answered()), answered());
  EXPECT_EQ(static_cast<int>(socket_.failed()), failed());
  EXPECT_EQ(static_cast<int>(socket_.not_sent()), handed_back());
  EXPECT_TRUE(retry_.empty()) << retry_.size() << " handed back, never re-sent";
}

}  // namespace asycamore::testing
