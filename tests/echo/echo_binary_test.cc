// The asycamore-echo program itself, run as a child process: the exit
// statuses, where the messages go, and one echo through the real program.
#include <signal.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/child_process.h"
#include "support/sockets.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::ChildOutcome;
using ::asycamore::testing::ChildProcess;

ChildOutcome RunEcho(const std::vector<std::string>& args) {
  return testing::RunChild(ASYCAMORE_ECHO_BINARY, args);
}

TEST(EchoBinary, ABadFlagExitsTwoWithTheMistakeAndTheUsageOnStderr) {
  const ChildOutcome o = RunEcho({"--port", "7000", "--bogus"});
  EXPECT_EQ(o.exit_status, 2);
  EXPECT_NE(o.err.find("asycamore-echo: unknown flag '--bogus'"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("Usage: asycamore-echo"), std::string::npos) << o.err;
  EXPECT_TRUE(o.out.empty()) << o.out;
}

TEST(EchoBinary, APortOutOfRangeExitsTwoNamingTheFlagAndTheValue) {
  for (const char* port : {"65536", "-1", "80x"}) {
    const ChildOutcome o = RunEcho({"--port", port});
    EXPECT_EQ(o.exit_status, 2) << port;
    EXPECT_NE(o.err.find(std::string("--port '") + port + "'"),
              std::string::npos)
        << o.err;
  }
}

TEST(EchoBinary, AnUnbuiltBackendExitsTwoListingTheBuiltOnes) {
  const ChildOutcome o = RunEcho({"--port", "0", "--backend=nonesuch"});
  EXPECT_EQ(o.exit_status, 2);
  EXPECT_NE(o.err.find("--backend 'nonesuch': this build has " +
                       BuiltBackendNames()),
            std::string::npos)
      << o.err;
}

TEST(EchoBinary, HelpExitsZeroWithTheUsageOnStdout) {
  const ChildOutcome o = RunEcho({"--port", "bad", "--help"});
  EXPECT_EQ(o.exit_status, 0);
  EXPECT_EQ(o.out.rfind("Usage: asycamore-echo", 0), 0u) << o.out;
  EXPECT_TRUE(o.err.empty()) << o.err;
}

// Returns the port of "listening on 127.0.0.1:<port> (" in `out`, or 0.
int ListeningPort(const std::string& out) {
  const std::string mark = "listening on 127.0.0.1:";
  const std::size_t at = out.find(mark);
  const std::size_t end = out.find(' ', at + mark.size());
  int port = 0;
  if (at == std::string::npos || end == std::string::npos ||
      !absl::SimpleAtoi(out.substr(at + mark.size(), end - at - mark.size()),
                        &port)) {
    return 0;
  }
  return port;
}

// Each backend, with several loops: the program serves, echoes a
// half-closed stream whole, and exits 0 on SIGTERM.
class EchoBinaryServes : public testing::BackendTest {};

TEST_P(EchoBinaryServes, OnEveryLoopAndExitsZeroOnSigterm) {
  ChildProcess echo(ASYCAMORE_ECHO_BINARY,
                    {"--port", "0", "--backend", GetParam(), "--threads", "3"});
  ASSERT_TRUE(echo.WaitForOut(
      [](const std::string& out) { return ListeningPort(out) != 0; }))
      << echo.out() << echo.err();
  const int port = ListeningPort(echo.out());
  EXPECT_NE(echo.out().find("(" + GetParam() + ", 3 threads)"),
            std::string::npos)
      << echo.out();
  // Several clients at once, so that more than one loop is likely to serve.
  const std::string payload = testing::PatternStream(5).Fill(1 << 20);
  testing::Checksum sent;
  sent.Add(payload);
  std::vector<std::unique_ptr<testing::RawPeer>> clients;
  std::vector<std::size_t> offsets(4, 0);
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<testing::RawPeer>(
        testing::StartLoopbackConnect(static_cast<std::uint16_t>(port))));
  }
  ASSERT_TRUE(testing::RunUntil(loop(), [&] {
    bool all_ended = true;
    for (int i = 0; i < 4; ++i) {
      testing::RawPeer& c = *clients[i];
      if (offsets[i] < payload.size()) {
        const long n = testing::SendBytes(c.socket, payload.data() + offsets[i],
                                          payload.size() - offsets[i]);
        if (n > 0) offsets[i] += static_cast<std::size_t>(n);
        if (offsets[i] == payload.size()) {
          EXPECT_TRUE(ShutdownSend(c.socket).ok());
        }
      }
      c.ReadSome(1 << 20);
      all_ended = all_ended && (c.ended || c.reset);
    }
    return all_ended;
  }, absl::Seconds(60)));
  for (const auto& c : clients) {
    EXPECT_FALSE(c->reset);
    EXPECT_EQ(c->received.bytes(), sent.bytes());
    EXPECT_EQ(c->received.value(), sent.value());
  }
  echo.Signal(SIGTERM);
  const ChildOutcome o = echo.Wait();
  EXPECT_EQ(o.exit_status, 0) << o.err;
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(EchoBinaryServes);

}  // namespace
}  // namespace asycamore
