// HttpClientSocket against the in-process test server under a fault storm
// (tests/tcpsocket/fault_storm.h), on every backend: EINTR, EAGAIN,
// ENOBUFS, short reads and short writes injected at random into both the
// client's and the server's sockets while pipelined requests fetch tens of
// MiB. Every request is answered exactly once with its own body, nothing
// fails or is handed back (every fault is transient), one connection does
// it all, and the loop does not spin.
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client_driver.h"
#include "fault_storm.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "test_http_server.h"

namespace asycamore::testing {
namespace {

constexpr int kRequests = 1200;
constexpr std::size_t kBodyBytes = 16 * 1024;  // 19 MiB of bodies in all

// BodyFor(target), repeated to kBodyBytes: each body names its request.
std::string LargeBodyFor(std::string_view target) {
  const std::string unit = BodyFor(target);
  std::string body;
  while (body.size() < kBodyBytes) body += unit;
  body.resize(kBodyBytes);
  return body;
}

class HttpFaultStormTest : public BackendTest {};

TEST_P(HttpFaultStormTest, PipelinedRequestsUnderRandomFaultsAreEachAnsweredOnceWithTheirOwnBody) {
  const std::uint64_t seed = FaultStormSeed();
  SCOPED_TRACE(SeedTrace(seed));
  TestHttpServer server(
      loop(), {.respond = [](const SeenRequest& r) {
        const std::string body = LargeBodyFor(r.target);
        return absl::StrCat("HTTP/1.1 200 OK\r\nContent-Length: ", body.size(),
                            "\r\n\r\n", body);
      }});
  std::vector<HttpRequest> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back(MakeRequest(i, i % 3 == 0 ? HttpMethod::kPost : HttpMethod::kGet));
  }
  FaultStorm storm(seed);
  ClientDriver client(
      loop(), server.port(),
      {.pipeline_depth = 8,
       .connection = {.no_buffers_backoff = absl::Milliseconds(1)}},
      std::move(requests));
  std::uint64_t turns = 0;
  ASSERT_TRUE(client.Run(absl::Seconds(60), &turns)) << storm.Summary();

  client.ExpectEachEndedExactlyOnce();
  EXPECT_EQ(client.answered(), kRequests);
  EXPECT_EQ(client.failed(), 0);
  EXPECT_EQ(client.handed_back(), 0);
  EXPECT_EQ(client.ends().size(), 1u);
  EXPECT_EQ(server.requests(), static_cast<std::size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    if (client.ledger(i).body != LargeBodyFor(TargetFor(i))) {
      ADD_FAILURE() << "request " << i << " got another body";
      break;
    }
  }
  const FaultCounts& faults = storm.counts();
  ExpectEveryKindInjected(faults);
  // No spin: turns stay within the work done (fault_storm.h).
  const std::uint64_t moved = std::uint64_t{kRequests} * kBodyBytes;
  const std::uint64_t bound = NoSpinBound(moved, kRequests, faults);
  EXPECT_LE(turns, bound) << storm.Summary();
  std::cout << "HTTP fault storm on " << GetParam() << ": " << kRequests
            << " requests, " << moved << " body bytes in " << turns
            << " loop turns (bound " << bound << "); " << storm.Summary()
            << ", all survived\n";
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(HttpFaultStormTest);

}  // namespace
}  // namespace asycamore::testing
