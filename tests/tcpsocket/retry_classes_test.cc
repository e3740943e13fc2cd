// The error classes that mean "try again" in some form, each driven through
// the SocketOps seam on every backend: accept's EPERM (one connection
// refused by a firewall), connect's exhausted local ports (a failure the
// caller retries later) and connect's ENOBUFS (retried inside the driver, on
// one timer); and a connect whose registration failed, which must still say
// why.
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

#ifndef _WIN32
#include <fcntl.h>

#include <cerrno>
#endif

namespace asycamore {
namespace {

using ::asycamore::testing::CodeNamed;
using ::asycamore::testing::CodesOf;
using ::asycamore::testing::FaultInjector;
using ::asycamore::testing::RecordingConnection;
using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamFactory;

class RetryClassesTest : public testing::BackendTest {
 protected:
  void Listen() {
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
        ListenTcp("127.0.0.1", 0, 16);
    ASSERT_TRUE(listening.ok()) << listening.status();
    server_ = *std::move(listening);
  }

  SocketAddress ServerAddress() const {
    return SocketAddress::Loopback4(server_->local_port());
  }

  std::unique_ptr<AcceptingSocket> server_;
};

// ---- accept ----

TEST_P(RetryClassesTest, AcceptEpermDropsOneConnectionWithoutPausingTheListener) {
#ifndef __linux__
  GTEST_SKIP() << "only Linux accept() reports a firewall refusal (EPERM); "
                  "Windows filters before the listen queue";
#else
  ASSERT_NO_FATAL_FAILURE(Listen());
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE(server_->Start(loop(), StreamFactory(&accepted)).ok());
  FaultInjector faults;
  bool refused_one = false;
  faults.accept = [&](NativeSocket listener) {
    if (refused_one) return faults.real.accept(listener);
    // What netfilter does: the kernel takes the connection off the queue,
    // drops it, and accept() says EPERM.
    const AcceptedSocket taken = faults.real.accept(listener);
    if (taken.error != kNoSystemError) return taken;
    CloseNativeSocket(taken.socket);
    refused_one = true;
    return AcceptedSocket{kInvalidSocket, EPERM};
  };
  StreamConnection first;
  StreamConnection second;
  ASSERT_TRUE(ConnectTcp(loop(), first, ServerAddress()).ok());
  ASSERT_TRUE(ConnectTcp(loop(), second, ServerAddress()).ok());
  bool ever_paused = false;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    ever_paused = ever_paused || server_->paused();
    return accepted.size() == 1 && (first.ended || second.ended);
  }));
  EXPECT_TRUE(refused_one);
  // Before the fix EPERM was "any other failure": the listener paused for
  // 100 ms and the error was counted against it.
  EXPECT_FALSE(ever_paused);
  EXPECT_EQ(server_->stats().exhaustion_pauses, 0u);
  EXPECT_EQ(server_->stats().errors, 0u);
  EXPECT_EQ(server_->stats().retried, 1u);
  // Exactly one client lost its connection; the other one is served.
  EXPECT_NE(first.ended, second.ended);
  StreamConnection& kept = first.ended ? second : first;
  kept.Send("still served");
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return accepted[0]->received == "still served";
  }));
#endif
}

// ---- connect: no free local port ----

TEST_P(RetryClassesTest, ConnectWithNoFreeLocalPortFailsAsAddressesExhaustedAndCanBeRetried) {
  ASSERT_NO_FATAL_FAILURE(Listen());
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE(server_->Start(loop(), StreamFactory(&accepted)).ok());
  // EADDRNOTAVAIL and EAGAIN (POSIX), WSAENOBUFS and WSAEADDRNOTAVAIL.
  const std::vector<SystemError> codes =
      CodesOf(SocketOp::kConnect, ErrorClass::kAddressesExhausted);
  ASSERT_FALSE(codes.empty());
  RecordingConnection client;
  for (SystemError code : codes) {
    SCOPED_TRACE(SystemErrorName(code));
    {
      FaultInjector faults;
      faults.connect = [&](NativeSocket, const SocketAddress&) { return code; };
      client.events.clear();
      ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
      EXPECT_TRUE(client.events.empty());  // not from inside ConnectTcp
      ASSERT_TRUE(RunUntil(loop(), [&] { return !client.events.empty(); }));
      EXPECT_EQ(faults.connect_calls, 1u);  // the caller decides, not the driver
    }
    ASSERT_EQ(client.events.size(), 1u);
    EXPECT_TRUE(client.events[0].error);
    EXPECT_EQ(client.dispatch_state(), ConnectionState::kClosed);
    EXPECT_EQ(GetSockErr(client).code, code);
    // Before, these codes were kFatal, indistinguishable from a bug.
    EXPECT_EQ(ErrorClassName(
                  ClassifyError(SocketOp::kConnect, client.connect_error())),
              ErrorClassName(ErrorClass::kAddressesExhausted));
  }
  // Connecting again later (here: with ports free again) works on the same
  // target.
  client.events.clear();
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return client.dispatch_state() == ConnectionState::kConnected &&
           accepted.size() == 1;
  }));
  ASSERT_EQ(client.events.size(), 1u);
  EXPECT_FALSE(client.events[0].error);
}

// ---- connect: ENOBUFS ----

#ifndef _WIN32
// Windows' WSAENOBUFS from connect is port exhaustion (above), not a memory
// shortage that a short wait cures; only POSIX has this retry.
TEST_P(RetryClassesTest, ConnectNoBuffersIsRetriedOnOneTimerThenSucceeds) {
  ASSERT_NO_FATAL_FAILURE(Listen());
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE(server_->Start(loop(), StreamFactory(&accepted)).ok());
  const std::size_t timers_before = loop().timer_count();
  const std::size_t registrations_before = loop().registration_count();
  FaultInjector faults;
  int shortages = 3;
  std::vector<std::size_t> registered_at_attempt;
  std::vector<bool> previous_socket_closed;
  NativeSocket previous = kInvalidSocket;
  faults.connect = [&](NativeSocket socket, const SocketAddress& address) {
    registered_at_attempt.push_back(loop().registration_count() -
                                    registrations_before);
    if (previous != kInvalidSocket) {
      // Each attempt has a new socket: the failed one was closed first (a
      // reused number is that descriptor, freed and handed out again).
      previous_socket_closed.push_back(previous == socket ||
                                       ::fcntl(previous, F_GETFD) == -1);
    }
    previous = socket;
    if (shortages > 0) {
      --shortages;
      return CodeNamed("ENOBUFS");  // the connect never started
    }
    return faults.real.connect(socket, address);
  };
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, ServerAddress()).ok());
  EXPECT_EQ(faults.connect_calls, 1u);  // no retry inside ConnectTcp
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnecting);
  std::size_t most_timers = 0;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    most_timers = std::max(most_timers, loop().timer_count() - timers_before);
    return client.dispatch_state() == ConnectionState::kConnected;
  }));
  // Three shortages, then the connect that worked: one call per timer.
  EXPECT_EQ(faults.connect_calls, 4u);
  // One retry timer at a time, and nothing registered while waiting, so no
  // readiness could make the driver try again early or spin.
  EXPECT_EQ(most_timers, 1u);
  EXPECT_EQ(registered_at_attempt, std::vector<std::size_t>(4, 0));
  EXPECT_EQ(previous_socket_closed, std::vector<bool>(3, true));
  ASSERT_EQ(client.events.size(), 1u);  // the result, once
  EXPECT_FALSE(client.events[0].error);
  EXPECT_EQ(loop().timer_count(), timers_before);
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted.size() == 1; }));
}

TEST_P(RetryClassesTest, ConnectNoBuffersRetryIsCancelledByCloseAndByTheDestructor) {
  FaultInjector faults;
  faults.connect = [&](NativeSocket, const SocketAddress&) {
    return CodeNamed("ENOBUFS");
  };
  const std::size_t timers_before = loop().timer_count();
  RecordingConnection closed;
  ASSERT_TRUE(ConnectTcp(loop(), closed, SocketAddress::Loopback4(9)).ok());
  EXPECT_EQ(loop().timer_count(), timers_before + 1);
  closed.Abort();  // Close(timeout) during kConnecting aborts as well
  EXPECT_EQ(closed.dispatch_state(), ConnectionState::kClosed);
  EXPECT_EQ(loop().timer_count(), timers_before);
  {
    auto destroyed = std::make_unique<RecordingConnection>();
    ASSERT_TRUE(
        ConnectTcp(loop(), *destroyed, SocketAddress::Loopback4(9)).ok());
    EXPECT_EQ(loop().timer_count(), timers_before + 1);
  }
  EXPECT_EQ(loop().timer_count(), timers_before);
  // Longer than the first retry delay: a timer left behind would fire here
  // (and touch a destroyed target, which the sanitizer lane would catch).
  ASSERT_TRUE(loop().Iterate(absl::Milliseconds(30)).ok());
  EXPECT_EQ(faults.connect_calls, 2u);
  EXPECT_TRUE(closed.events.empty());
}

TEST_P(RetryClassesTest, ConnectNoBuffersThatLastsFailsWithItsCodeAfterBoundedRetries) {
  FaultInjector faults;
  faults.connect = [&](NativeSocket, const SocketAddress&) {
    return CodeNamed("ENOBUFS");
  };
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client, SocketAddress::Loopback4(9)).ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return !client.events.empty(); }));
  ASSERT_EQ(client.events.size(), 1u);
  EXPECT_TRUE(client.events[0].error);
  EXPECT_EQ(GetSockErr(client).code, CodeNamed("ENOBUFS"));
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kClosed);
  // Retried, but not forever.
  EXPECT_GT(faults.connect_calls, 1u);
  EXPECT_LE(faults.connect_calls, 16u);
}
#endif  // _WIN32

// ---- connect: the loop refuses the connected socket ----

// Wraps a real dispatcher and refuses every Modify, as a backend short of
// memory would (epoll_ctl ENOMEM). Tokens are kept here and put back on the
// inner dispatcher's events.
class ModifyRefusingDispatcher : public Dispatcher {
 public:
  explicit ModifyRefusingDispatcher(std::unique_ptr<Dispatcher> inner)
      // The inner dispatcher checks handles itself.
      : Dispatcher(inner->kind(), ClosedHandles::kBySystem),
        inner_(std::move(inner)),
        inner_batch_(EventBatch::kDefaultCapacity) {}

  void Wake() override { inner_->Wake(); }

 protected:
  absl::Status AddToBackend(NativeSocket socket, Interest interest,
                            std::uint64_t token) override {
    return inner_->Add(socket, interest, token);
  }
  absl::Status ModifyInBackend(NativeSocket, Interest, Interest,
                               std::uint64_t) override {
    return absl::ResourceExhaustedError("no memory for the change (test)");
  }
  absl::Status RemoveFromBackend(NativeSocket socket, Interest) override {
    return inner_->Remove(socket);
  }
  absl::Status WaitForEvents(absl::Duration timeout,
                             EventBatch& batch) override {
    batch.Clear();
    if (absl::Status status = inner_->Wait(timeout, inner_batch_);
        !status.ok()) {
      return status;
    }
    for (const Event& event : inner_batch_) {
      if (batch.full()) break;
      batch.Push(event);
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<Dispatcher> inner_;
  EventBatch inner_batch_;
};

TEST_P(RetryClassesTest, ConnectWhoseRegistrationFailedReportsARealCode) {
  EventLoop refusing(
      std::make_unique<ModifyRefusingDispatcher>(NewDispatcher()));
  // Declared after its loop, so destroyed before it. Accepting needs no
  // Modify: the listener is registered once, for reading.
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> server =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE((*server)->Start(refusing, StreamFactory(&accepted)).ok());
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(refusing, client,
                         SocketAddress::Loopback4((*server)->local_port()))
                  .ok());
  ASSERT_TRUE(RunUntil(refusing, [&] { return !client.events.empty(); }));
  ASSERT_EQ(client.events.size(), 1u);
  if (!client.events[0].error && client.events[0].readable &&
      !client.events[0].writable) {
    GTEST_SKIP() << "the connect completed inside connect(): the socket was "
                    "already watched for reading, so no change was refused";
  }
  // Connected, but the loop would not switch the socket to reading.
  EXPECT_TRUE(client.events[0].error);
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kClosed);
  // It used to report code 0: "no error" for a failed connect.
  const SockErr why = GetSockErr(client);
  EXPECT_NE(why.code, kNoSystemError);
  EXPECT_EQ(why.code, SystemErrorForStatus(absl::ResourceExhaustedError("")));
  EXPECT_EQ(client.last_error(), why.code);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(RetryClassesTest);

}  // namespace
}  // namespace asycamore
