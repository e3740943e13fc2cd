// asycamore-httpd's steady state allocates nothing per request: reads,
// parsing, answers, sends. The client is raw nonblocking sockets with fixed
// buffers on the same thread (the server runs on the test's loop), so every
// allocation counted is the server's. Counted over thousands of requests
// after a warm-up (buffers grown), at pipeline depths 1 and 16, on every
// backend.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "asycamore/tcpsocket/accepting_socket.h"
#include "counting_new.h"
#include "gtest/gtest.h"
#include "httpd_connection.h"
#include "support/backend_test.h"

namespace asycamore::testing {
namespace {

constexpr char kRequest[] = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";
// Status line, Server, Date (always 29 characters), Content-Type,
// Content-Length, blank line, body.
constexpr std::size_t kAnswerSize =
    sizeof("HTTP/1.1 200 OK\r\nServer: asycamore\r\nDate: \r\n"
           "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
           "Hello, World!") -
    1 + 29;

class HttpdAllocationTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    shared_ = std::make_unique<HttpdLoop>(loop(), HttpdConnectionOptions{});
    auto listener = ListenTcp("127.0.0.1", 0, 16);
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *std::move(listener);
    ASSERT_TRUE(
        listener_->Start(loop(), HttpdConnectionFactory(*shared_)).ok());
    client_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(listener_->local_port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A loopback connect completes in the kernel's queue, before the
    // server accepts: blocking is fine on one thread.
    ASSERT_EQ(::connect(client_, reinterpret_cast<const sockaddr*>(&address),
                        sizeof(address)),
              0);
    ::fcntl(client_, F_SETFL, ::fcntl(client_, F_GETFL) | O_NONBLOCK);
  }
  void TearDown() override {
    if (client_ >= 0) ::close(client_);
    listener_.reset();
    shared_.reset();
  }

  // Sends `depth` requests at once and serves until their answers are in;
  // returns false if they do not come.
  bool Cycle(int depth) {
    std::size_t size = 0;
    for (int i = 0; i < depth; ++i) {
      std::memcpy(requests_ + size, kRequest, sizeof(kRequest) - 1);
      size += sizeof(kRequest) - 1;
    }
    for (std::size_t sent = 0; sent < size;) {
      const ssize_t n = ::send(client_, requests_ + sent, size - sent, 0);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (!loop().Iterate(absl::Milliseconds(1)).ok()) {
        return false;
      }
    }
    const std::size_t want = kAnswerSize * static_cast<std::size_t>(depth);
    std::size_t got = 0;
    for (int turns = 0; got < want && turns < 10000; ++turns) {
      const ssize_t n = ::recv(client_, answers_, sizeof(answers_), 0);
      if (n > 0) {
        got += static_cast<std::size_t>(n);
      } else if (n == 0 || errno != EAGAIN) {
        return false;
      } else if (!loop().Iterate(absl::Milliseconds(1)).ok()) {
        return false;
      }
    }
    return got == want;
  }

  std::unique_ptr<HttpdLoop> shared_;
  std::unique_ptr<AcceptingSocket> listener_;
  int client_ = -1;
  char requests_[16 * sizeof(kRequest)];
  char answers_[65536];
};

TEST_P(HttpdAllocationTest, SteadyStateAllocatesNothingPerRequest) {
  for (int depth : {1, 16}) {
    SCOPED_TRACE(depth);
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(Cycle(depth));  // warm-up
    const AllocationCounter counter;
    for (int i = 0; i < 2000 / depth; ++i) ASSERT_TRUE(Cycle(depth));
    EXPECT_EQ(counter.Count(), 0);
  }
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(HttpdAllocationTest);

}  // namespace
}  // namespace asycamore::testing
