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

TEST(EchoBinary, ABadValueExitsTwoNamingTheFlagAndTheValue) {
  const std::vector<std::vector<std::string>> cases = {
      {"--port", "65536"},       {"--port", "-1"},
      {"--port", "80x"},         {"--threads", "0"},
      {"--spreading", "random"}, {"--address", "localhost"}};
  for (const std::vector<std::string>& flag : cases) {
    std::vector<std::string> args = {"--port", "0"};
    args.insert(args.end(), flag.begin(), flag.end());
    const ChildOutcome o = RunEcho(args);
    EXPECT_EQ(o.exit_status, 2) << flag[0] << " " << flag[1];
    EXPECT_NE(o.err.find(flag[0] + " '" + flag[1] + "'"), std::string::npos)
        << o.err;
    EXPECT_NE(o.err.find("Usage: asycamore-echo"), std::string::npos) << o.err;
  }
}

TEST(EchoBinary, AnUnbuiltBackendExitsTwoListingTheBuiltOnes) {
  const ChildOutcome o = RunEcho({"--port", "0", "--backend=nonesuch"});
  EXPECT_EQ(o.exit_status, 2);
  EXPECT_NE(
      o.err.find("--backend 'nonesuch': this build has " + BuiltBackendNames()),
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

// Echoes a half-closed stream on each of four clients at once (so that
// more than one loop serves) through the program on `port`; every byte
// must come back.
void EchoThroughTheProgram(EventLoop& loop, int port) {
  const std::string payload = testing::PatternStream(5).Fill(1 << 20);
  testing::Checksum sent;
  sent.Add(payload);
  std::vector<std::unique_ptr<testing::RawPeer>> clients;
  std::vector<std::size_t> offsets(4, 0);
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<testing::RawPeer>(
        testing::StartLoopbackConnect(static_cast<std::uint16_t>(port))));
  }
  ASSERT_TRUE(testing::RunUntil(
      loop,
      [&] {
        bool all_ended = true;
        for (int i = 0; i < 4; ++i) {
          testing::RawPeer& c = *clients[i];
          if (offsets[i] < payload.size()) {
            const long n =
                testing::SendBytes(c.socket, payload.data() + offsets[i],
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
      },
      absl::Seconds(60)));
  for (const auto& c : clients) {
    EXPECT_FALSE(c->reset);
    EXPECT_EQ(c->received.bytes(), sent.bytes());
    EXPECT_EQ(c->received.value(), sent.value());
  }
}

// Each backend, three loops, both ways of spreading: the program serves
// every byte back and exits 0 on SIGTERM.
class EchoBinaryServes : public testing::BackendTest {};

TEST_P(EchoBinaryServes, OnEveryLoopAndExitsZeroOnSigterm) {
  for (const std::string spreading : {"handoff", "reuseport"}) {
    if (spreading == "reuseport" && !ReusePortSpreadsConnections()) continue;
    SCOPED_TRACE(spreading);
    ChildProcess echo(ASYCAMORE_ECHO_BINARY,
                      {"--port", "0", "--backend", GetParam(), "--threads", "3",
                       "--spreading", spreading});
    ASSERT_TRUE(echo.WaitForOut([](const std::string& out) {
      return ListeningPort(out) != 0;
    })) << echo.out()
        << echo.err();
    EXPECT_NE(
        echo.out().find("(" + GetParam() + ", 3 threads, " + spreading + ")"),
        std::string::npos)
        << echo.out();
    EchoThroughTheProgram(loop(), ListeningPort(echo.out()));
    echo.Signal(SIGTERM);
    const ChildOutcome o = echo.Wait();
    EXPECT_EQ(o.exit_status, 0) << o.err;
  }
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(EchoBinaryServes);

}  // namespace
}  // namespace asycamore
