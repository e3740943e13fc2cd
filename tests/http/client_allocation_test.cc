// HttpClientSocket's steady state allocates nothing per request: requests
// (a shared Cord) go through the write queue and the socket, responses
// through the reader and the lean parser, outcomes to the callback. The
// server is a plain thread on blocking sockets with fixed buffers, so every
// allocation counted is the client's. Counted over thousands of requests
// after a warm-up (buffers and rings grown), at pipeline depths 1 and 16,
// on every backend.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string_view>
#include <thread>

#include "asycamore/http/http_client_socket.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "counting_new.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"

namespace asycamore::testing {
namespace {

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 13\r\n\r\nHello, World!";

// Answers every request (counted by its blank line) on one accepted
// connection until the client closes. No allocation after the accept.
void ServeRaw(NativeSocket listener) {
  const int fd = ::accept(listener, nullptr, nullptr);
  if (fd < 0) return;
  char in[65536];
  char out[65536];
  int matched = 0;  // bytes of "\r\n\r\n" matched so far
  for (;;) {
    const ssize_t n = ::recv(fd, in, sizeof in, 0);
    if (n <= 0) break;
    std::size_t answers = 0;
    for (ssize_t i = 0; i < n; ++i) {
      const char want = "\r\n\r\n"[matched];
      matched = in[i] == want ? matched + 1 : (in[i] == '\r' ? 1 : 0);
      if (matched == 4) {
        ++answers;
        matched = 0;
      }
    }
    std::size_t size = 0;
    for (std::size_t a = 0; a < answers; ++a) {
      std::memcpy(out + size, kResponse.data(), kResponse.size());
      size += kResponse.size();
    }
    for (std::size_t sent = 0; sent < size;) {
      const ssize_t w = ::send(fd, out + sent, size - sent, MSG_NOSIGNAL);
      if (w <= 0) break;
      sent += static_cast<std::size_t>(w);
    }
  }
  ::close(fd);
}

class ClientAllocationTest : public BackendTest {
 protected:
  // Returns the allocations made while `measured` requests were answered,
  // after `warmup` requests.
  long AllocationsPerRun(int depth, long warmup, long measured) {
    auto listener = ListenTcp("127.0.0.1", 0, 16);
    EXPECT_TRUE(listener.ok()) << listener.status();
    if (!listener.ok()) return -1;
    // The raw server blocks: give it its own blocking listener socket.
    const NativeSocket raw = (*listener)->socket();
    const int flags = 0;
    ::setsockopt(raw, SOL_SOCKET, SO_KEEPALIVE, &flags, sizeof flags);
    std::thread server([raw] {
      fd_set set;
      FD_ZERO(&set);
      FD_SET(raw, &set);
      ::select(raw + 1, &set, nullptr, nullptr, nullptr);
      ServeRaw(raw);
    });
    HttpClientSocket client({.pipeline_depth = depth,
                             .parser = {.keep_headers = false,
                                        .keep_body = false}});
    const HttpRequest request{
        .bytes = absl::Cord(std::string(
            "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n")),
        .method = HttpMethod::kGet};
    long answered = 0;
    long start_count = 0;
    long allocations = -1;
    const long total = warmup + measured;
    long taken = 0;
    client.set_on_request_end(
        [&](HttpRequest&, const HttpRequestOutcome& outcome) {
          if (outcome.result != RequestResult::kAnswered) return;
          ++answered;
          if (answered == warmup) start_count = AllocationsSoFar();
          if (answered == total) allocations = AllocationsSoFar() - start_count;
        });
    EXPECT_TRUE(client
                    .Start(loop(), (*listener)->local_address(),
                           [&]() -> std::optional<HttpRequest> {
                             if (taken == total) return std::nullopt;
                             ++taken;
                             return request;
                           })
                    .ok());
    EXPECT_TRUE(RunUntil(loop(), [&] { return !client.running(); }));
    server.join();
    EXPECT_EQ(answered, total);
    return allocations;
  }
};

TEST_P(ClientAllocationTest, ARequestCycleAllocatesNothingAtDepthOne) {
  EXPECT_EQ(AllocationsPerRun(1, 500, 5000), 0);
}

TEST_P(ClientAllocationTest, ARequestCycleAllocatesNothingAtDepthSixteen) {
  EXPECT_EQ(AllocationsPerRun(16, 2000, 20000), 0);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(ClientAllocationTest);

}  // namespace
}  // namespace asycamore::testing
