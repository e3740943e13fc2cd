// SoakDriver (tools/soak/soak_driver.h) run in-process, the driver and the
// server on one loop: against the echo service it loses nothing, and each
// way a server can fail the soak is counted as a loss, not passed over: a
// byte dropped, a session cut short, a connect refused, a server that never
// answers; and the driver survives its own failures (no descriptor left).
#include "soak_driver.h"

#include <sys/resource.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "asycamore/backend_registry.h"
#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "echo_service.h"
#include "gtest/gtest.h"

// The sanitizer builds (ASan with UBSan): UBSan's vptr check probes memory
// through a pipe, so with no descriptor left it reports every object it
// looks at as invalid.
#if defined(__SANITIZE_ADDRESS__)
#define ASYCAMORE_SOAK_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASYCAMORE_SOAK_TEST_SANITIZED 1
#endif
#endif

namespace asycamore {
namespace {

enum class Fault { kDropAByte, kCutShort };

// An echo that drops the 1001st byte of its stream, or closes (FIN) once
// it has read 1000 bytes: what the soak must catch.
class FaultyEcho : public TcpConnection {
 public:
  FaultyEcho(EventLoop& loop, OwnedSocket socket, ConnectionCloser closer,
             Fault fault)
      : TcpConnection(loop, std::move(socket), std::move(closer)),
        fault_(fault),
        reader_(*this, [this](std::string_view data) { OnData(data); }) {}

  void dispatch_event(const Event& event) override {
    if (event.readable) reader_.OnReadable();
  }

 private:
  static constexpr std::uint64_t kAt = 1000;

  void OnData(std::string_view data) {
    const std::uint64_t before = seen_;
    seen_ += data.size();
    if (before > kAt || seen_ <= kAt) {
      (void)Send(data);
    } else if (fault_ == Fault::kCutShort) {
      Close(absl::Seconds(1));
    } else {
      std::string changed(data);
      changed.erase(kAt - before, 1);
      (void)Send(std::string_view(changed));
    }
  }

  Fault fault_;
  DataReader reader_;
  std::uint64_t seen_ = 0;
};

// Accepts, reads and drops everything, never answers; closes at the
// client's FIN (DataReader's close_on_end).
class SilentServer : public TcpConnection {
 public:
  SilentServer(EventLoop& loop, OwnedSocket socket, ConnectionCloser closer)
      : TcpConnection(loop, std::move(socket), std::move(closer)),
        reader_(*this, [](std::string_view) {}) {}

  void dispatch_event(const Event& event) override {
    if (event.readable) reader_.OnReadable();
  }

 private:
  DataReader reader_;
};

ConnectionFactory SilentServerFactory() {
  return [](OwnedSocket socket, AcceptingSocket& server,
            ConnectionCloser closer) -> std::unique_ptr<TcpConnection> {
    return std::make_unique<SilentServer>(*server.loop(), std::move(socket),
                                          std::move(closer));
  };
}

ConnectionFactory FaultyEchoFactory(Fault fault) {
  return [fault](OwnedSocket socket, AcceptingSocket& server,
                 ConnectionCloser closer) -> std::unique_ptr<TcpConnection> {
    return std::make_unique<FaultyEcho>(*server.loop(), std::move(socket),
                                        std::move(closer), fault);
  };
}

SoakOptions SmallSoak(int port) {
  return {.port = port,
          .connections = 20,
          .duration = absl::Seconds(1),
          .drain = absl::Seconds(20),
          .gap = absl::Milliseconds(5),
          .seed = 16};
}

class SoakDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<EventLoop>> loop = CreateEventLoop({});
    ASSERT_TRUE(loop.ok()) << loop.status();
    loop_ = *std::move(loop);
  }

  // Serves `factory` on a free loopback port and soaks it.
  SoakTally SoakServer(ConnectionFactory factory) {
    return SoakServer(std::move(factory), [](SoakOptions&) {});
  }
  template <typename Adjust>
  SoakTally SoakServer(ConnectionFactory factory, Adjust adjust) {
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
        ListenTcp("127.0.0.1", 0);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return {};
    EXPECT_TRUE((*server)->Start(*loop_, std::move(factory)).ok());
    const int port = (*server)->local_port();
    SoakOptions options = SmallSoak(port);
    adjust(options);
    SoakDriver driver(*loop_, options, SocketAddress::Loopback4(port));
    return driver.Run();
  }

  std::unique_ptr<EventLoop> loop_;
};

TEST_F(SoakDriverTest,
       TheEchoServiceLosesNothingThroughResetsHalfClosesAndSlowReaders) {
  const SoakTally tally = SoakServer(EchoConnectionFactory());
  EXPECT_EQ(tally.loss(), 0u) << tally.first_loss;
  EXPECT_GT(tally.answers, 0u);
  EXPECT_GT(tally.plain, 0u);
  EXPECT_GT(tally.resets, 0u);
  EXPECT_GT(tally.half_closes, 0u);
  EXPECT_GT(tally.slow_readers, 0u);
  EXPECT_EQ(tally.peak_connections, 20);
}

TEST_F(SoakDriverTest, AByteTheServerDropsIsALoss) {
  const SoakTally tally = SoakServer(FaultyEchoFactory(Fault::kDropAByte));
  EXPECT_GT(tally.lost, 0u);
  EXPECT_TRUE(absl::StrContains(tally.first_loss, "differs"))
      << tally.first_loss;
}

TEST_F(SoakDriverTest, ASessionTheServerCutsShortIsALoss) {
  const SoakTally tally = SoakServer(FaultyEchoFactory(Fault::kCutShort));
  EXPECT_GT(tally.lost, 0u);
  EXPECT_TRUE(absl::StrContains(tally.first_loss, "unanswered"))
      << tally.first_loss;
}

TEST_F(SoakDriverTest, AConnectTheServerRefusesIsALoss) {
  int port = 0;
  {
    // A port that was just free: nothing listens there now.
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> closed =
        ListenTcp("127.0.0.1", 0);
    ASSERT_TRUE(closed.ok()) << closed.status();
    port = (*closed)->local_port();
  }
  SoakDriver driver(*loop_, SmallSoak(port), SocketAddress::Loopback4(port));
  const SoakTally tally = driver.Run();
  EXPECT_GT(tally.connect_failures, 0u);
  EXPECT_EQ(tally.loss(), tally.lost);
  EXPECT_EQ(tally.peak_connections, 0);
}

TEST_F(SoakDriverTest, SessionsAServerNeverAnswersAreHungAfterTheDrain) {
  // No half-closes: the server's close at their FIN would be their loss.
  const SoakTally tally =
      SoakServer(SilentServerFactory(), [](SoakOptions& options) {
        options.mix.half_close_percent = 0;
        options.drain = absl::Seconds(1);
      });
  EXPECT_GT(tally.hung, 0u);
  EXPECT_EQ(tally.loss(), tally.lost + tally.hung);
  EXPECT_TRUE(absl::StartsWith(tally.first_loss, "hung: ")) << tally.first_loss;
  // Each session counted once: ended (and tallied) or hung, never both.
  EXPECT_EQ(tally.sessions + tally.hung, tally.opened);
}

TEST_F(SoakDriverTest, RunLeavesNoTimerOfItsOwnOnTheLoop) {
  (void)SoakServer(EchoConnectionFactory());
  // The loop runs on: the sampler (every 100 ms, on Run's locals) would
  // fire within this time (the first pass may end early, woken by Stop).
  std::size_t timers = 0;
  const absl::Time end = absl::Now() + absl::Milliseconds(300);
  for (absl::Time now = absl::Now(); now < end; now = absl::Now()) {
    absl::StatusOr<IterationResult> pass = loop_->Iterate(end - now);
    ASSERT_TRUE(pass.ok()) << pass.status();
    timers += pass->timers;
  }
  EXPECT_EQ(timers, 0u);
}

TEST_F(SoakDriverTest, StartsFailingAtOnceForThousandsOfWaitingSlotsAreLosses) {
  // 256 connects in flight, the other slots waiting their turn; then no
  // descriptor is left. Nothing accepts, so the kernel completes those
  // connects, and each then opens the next waiting slot, whose start fails
  // at once. Reporting that failure from Open itself would open the next
  // one, and so on: a stack frame (a few KiB) per waiting slot, a stack
  // overflow.
#ifdef ASYCAMORE_SOAK_TEST_SANITIZED
  GTEST_SKIP() << "a sanitizer build: UBSan's vptr check needs a free "
                  "descriptor (it probes memory through a pipe), and this "
                  "test leaves none";
#endif
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> backlog_only =
      ListenTcp("127.0.0.1", 0);
  ASSERT_TRUE(backlog_only.ok()) << backlog_only.status();
  const int port = (*backlog_only)->local_port();
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  bool limited = false;
  // Runs before the first connect's result (its turn comes later).
  loop_->RunAfter(absl::ZeroDuration(), [&] {
    rlimit none = before;
    none.rlim_cur = 3;  // stdin, stdout, stderr: no new descriptor
    limited = ::setrlimit(RLIMIT_NOFILE, &none) == 0;
  });
  SoakTally tally;
  {
    SoakOptions options = SmallSoak(port);
    options.connections = 20'000;
    options.drain = absl::Seconds(1);
    SoakDriver driver(*loop_, options, SocketAddress::Loopback4(port));
    tally = driver.Run();
  }
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &before), 0);
  ASSERT_TRUE(limited);
  EXPECT_GT(tally.connect_failures, 19'000u);
  EXPECT_TRUE(absl::StrContains(tally.first_loss, "Too many open files"))
      << tally.first_loss;
  EXPECT_EQ(tally.sessions + tally.hung, tally.opened);
}

}  // namespace
}  // namespace asycamore
