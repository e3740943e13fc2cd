// The HTTP response stream as HttpClientSocket sees it: a real client on a
// real loop (epoll) over loopback, against a server that answers whatever
// requests come with the input's bytes, split into chunks sent on separate
// loop turns, and ends the connection at a point the input chooses.
//
// Input: 4 control bytes, then the server's bytes.
//   byte 0: bits 0-2 requests - 1 (1..8), bits 3-4 pipeline depth - 1,
//           bits 5-6 how the server ends (FIN; RST; FIN after the client's
//           requests were all read; FIN after a stall); bit 7 lean mode
//           (headers and bodies not kept, as the load generator runs);
//   byte 1: each bit pair picks a request's method (GET, HEAD, POST, PUT),
//           cycled; byte 2: where the server ends, as a fraction of the
//           bytes (255: after all of them); byte 3: seeds the chunk sizes.
// Properties: every request taken ends exactly once, in order, with a
// result that fits (an answer has a response, a failure a class); the
// connection ends once, its counts add up, nothing stays in flight; the
// run ends (a bound on loop turns: a hang aborts); no leak, no UB.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/backend_registry.h"
#include "asycamore/http/http_client_socket.h"
#include "fuzz_check.h"

namespace asycamore {
namespace {

// The loop and the listening socket live for the whole fuzzing run.
struct World {
  std::unique_ptr<EventLoop> loop;
  int listener = -1;
  std::uint16_t port = 0;
};

World& TheWorld() {
  static World* world = [] {
    auto* w = new World;
    absl::StatusOr<std::unique_ptr<EventLoop>> loop =
        CreateEventLoop({.backend = "epoll"});
    FUZZ_REQUIRE(loop.ok(), loop.status().ToString());
    w->loop = *std::move(loop);
    w->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    FUZZ_REQUIRE(w->listener >= 0 &&
                     bind(w->listener, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                     listen(w->listener, 16) == 0 &&
                     getsockname(w->listener, reinterpret_cast<sockaddr*>(&address), &length) == 0,
                 "cannot listen on loopback");
    w->port = ntohs(address.sin_port);
    return w;
  }();
  return *world;
}

enum class Ending { kFin, kReset, kFinAfterRequests, kFinAfterStall };

// The server's side: a raw socket that sends the next chunk each turn and
// reads (and drops) whatever the client sends.
class Server {
 public:
  Server(std::string_view bytes, std::size_t end_at, Ending ending, unsigned seed)
      : bytes_(bytes), end_at_(end_at), ending_(ending), sizes_(seed) {}
  ~Server() { if (socket_ >= 0) close(socket_); }

  // One turn of the server: accept, drain, send a chunk or end.
  void Turn(int listener, std::size_t requests_bytes) {
    if (socket_ < 0 && !ended_) {
      socket_ = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (socket_ < 0) return;
    }
    if (socket_ < 0) return;
    char sink[4096];
    for (;;) {
      const ssize_t n = recv(socket_, sink, sizeof(sink), 0);
      if (n <= 0) break;
      received_ += static_cast<std::size_t>(n);
    }
    if (ended_) return;
    if (sent_ < end_at_) {
      const std::size_t n = std::min<std::size_t>(end_at_ - sent_, 1 + sizes_() % 64);
      const ssize_t wrote = send(socket_, bytes_.data() + sent_, n, MSG_NOSIGNAL);
      if (wrote > 0) sent_ += static_cast<std::size_t>(wrote);
      return;
    }
    switch (ending_) {
      case Ending::kFinAfterRequests:
        if (received_ < requests_bytes && ++waited_ < 20) return;
        break;
      case Ending::kFinAfterStall:
        if (++waited_ < 5) return;
        break;
      case Ending::kReset: {
        const linger reset{.l_onoff = 1, .l_linger = 0};
        setsockopt(socket_, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
        break;
      }
      case Ending::kFin:
        break;
    }
    close(socket_);
    socket_ = -1;
    ended_ = true;
  }

 private:
  std::string_view bytes_;
  std::size_t end_at_;
  Ending ending_;
  std::minstd_rand sizes_;
  int socket_ = -1;
  std::size_t sent_ = 0;
  std::size_t received_ = 0;
  int waited_ = 0;
  bool ended_ = false;
};

constexpr HttpMethod kMethods[] = {HttpMethod::kGet, HttpMethod::kHead,
                                   HttpMethod::kPost, HttpMethod::kPut};

HttpRequest MakeRequest(std::uint64_t tag, HttpMethod method) {
  const bool has_length = method == HttpMethod::kPost || method == HttpMethod::kPut;
  return HttpRequest{
      .bytes = absl::Cord(absl::StrCat(Text(HttpMethodName(method)), " /r/", tag,
                                       " HTTP/1.1\r\nHost: fuzz\r\n",
                                       has_length ? "Content-Length: 0\r\n" : "", "\r\n")),
      .method = method,
      .tag = tag};
}

void RunOne(const std::uint8_t* control, std::string_view bytes) {
  World& world = TheWorld();
  const int requests = 1 + (control[0] & 7);
  const int depth = 1 + ((control[0] >> 3) & 3);
  const auto ending = static_cast<Ending>((control[0] >> 5) & 3);
  const bool lean = (control[0] & 0x80) != 0;
  const std::size_t end_at =
      control[2] == 255 ? bytes.size() : bytes.size() * control[2] / 255;

  std::vector<HttpRequest> planned;
  std::size_t request_bytes = 0;
  for (int i = 0; i < requests; ++i) {
    planned.push_back(MakeRequest(i, kMethods[(control[1] >> (2 * (i % 4))) & 3]));
    request_bytes += planned.back().bytes.size();
  }

  std::vector<int> ended(requests, 0);
  std::uint64_t next_to_end = 0;
  int taken = 0;
  int connection_ends = 0;
  std::uint64_t answered = 0, failed = 0, not_sent = 0;
  {
    HttpClientSocket client({.pipeline_depth = depth,
                             .parser = {.max_header_bytes = 4096,
                                        .keep_headers = !lean,
                                        .keep_body = !lean}});
    client.set_on_request_end([&](HttpRequest& request, const HttpRequestOutcome& outcome) {
      FUZZ_REQUIRE(request.tag < planned.size(), absl::StrCat("tag ", request.tag));
      FUZZ_REQUIRE(++ended[request.tag] == 1,
                   absl::StrCat("request ", request.tag, " ended twice"));
      FUZZ_REQUIRE(request.tag == next_to_end,
                   absl::StrCat("request ", request.tag, " ended before ", next_to_end));
      ++next_to_end;
      switch (outcome.result) {
        case RequestResult::kAnswered:
          FUZZ_REQUIRE(outcome.response != nullptr && outcome.response->status_code >= 100,
                       "an answer without a final response");
          ++answered;
          break;
        case RequestResult::kFailed:
          FUZZ_REQUIRE(outcome.error.error_class != HttpErrorClass::kNone,
                       "a failure without a class");
          ++failed;
          break;
        case RequestResult::kNotSent:
          ++not_sent;
          break;
      }
    });
    client.set_on_end([&](const HttpConnectionEnd& end) {
      ++connection_ends;
      FUZZ_REQUIRE(end.answered == answered && end.failed == failed &&
                       end.not_sent == not_sent,
                   absl::StrCat("the end counts ", end.answered, "/", end.failed, "/",
                                end.not_sent, ", the callbacks ", answered, "/",
                                failed, "/", not_sent));
    });
    const absl::Status started = client.Start(
        *world.loop, SocketAddress::Loopback4(world.port),
        [&]() -> std::optional<HttpRequest> {
          if (taken == requests) return std::nullopt;
          return planned[taken++];
        });
    FUZZ_REQUIRE(started.ok(), started.ToString());

    Server server(bytes, end_at, ending, control[3]);
    int turns = 0;
    while (connection_ends == 0) {
      server.Turn(world.listener, request_bytes);
      const absl::StatusOr<IterationResult> turn =
          world.loop->Iterate(absl::Microseconds(200));
      FUZZ_REQUIRE(turn.ok(), turn.status().ToString());
      FUZZ_REQUIRE(++turns < 100000, absl::StrCat("the client hung: ", taken, " taken, ",
                                                 next_to_end, " ended"));
    }
    FUZZ_REQUIRE(connection_ends == 1, "on_end ran twice");
    FUZZ_REQUIRE(!client.running() && client.in_flight() == 0,
                 absl::StrCat(client.in_flight(), " still in flight after the end"));
    FUZZ_REQUIRE(client.taken() == static_cast<std::uint64_t>(taken) &&
                     client.taken() == client.answered() + client.failed() + client.not_sent(),
                 absl::StrCat("taken ", client.taken(), " != ", client.answered(), "+",
                              client.failed(), "+", client.not_sent()));
    FUZZ_REQUIRE(next_to_end == static_cast<std::uint64_t>(taken),
                 absl::StrCat(taken, " taken, ", next_to_end, " ended"));
    // Let the socket's last deferred work run before it is destroyed.
    (void)world.loop->Iterate(absl::ZeroDuration());
  }
  (void)world.loop->Iterate(absl::ZeroDuration());
}

}  // namespace
}  // namespace asycamore

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  asycamore::RunOne(data, std::string_view(reinterpret_cast<const char*>(data) + 4,
                                           std::min<std::size_t>(size - 4, 64 * 1024)));
  return 0;
}
