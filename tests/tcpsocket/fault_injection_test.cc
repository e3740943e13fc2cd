// Error paths the kernel will not produce on demand, injected at the
// drivers' system-call boundary (SocketOps): each error class, for each
// operation, on every backend.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "support/sockets.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::CodeNamed;
using ::asycamore::testing::CodesOf;
using ::asycamore::testing::FaultInjector;
using ::asycamore::testing::PatternStream;
using ::asycamore::testing::RecordingConnection;
using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamFactory;

// A connected client/server pair through the library, on the fixture's loop.
class FaultInjectionTest : public testing::BackendTest {
 protected:
  void Connect() {
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
        ListenTcp("127.0.0.1", 0, 16);
    ASSERT_TRUE(listening.ok()) << listening.status();
    server_ = *std::move(listening);
    // A backoff long enough that a slow turn cannot fire the retry timer in
    // the same iteration that scheduled it (the tests look in between).
    testing::StreamSettings settings;
    settings.no_buffers_backoff = absl::Milliseconds(50);
    ASSERT_TRUE(server_->Start(loop(), StreamFactory(&accepted_, settings)).ok());
    ASSERT_TRUE(ConnectTcp(loop(), client_,
                           SocketAddress::Loopback4(server_->local_port()))
                    .ok());
    ASSERT_TRUE(RunUntil(loop(), [&] {
      return client_.dispatch_state() == ConnectionState::kConnected &&
             accepted_.size() == 1;
    }));
    served_ = accepted_[0];
  }

  // Drives `writer` from the client's events until it finishes.
  void RunWriter(WriteIterable& writer) {
    client_.on_event = [&](RecordingConnection&, const Event& event) {
      if (event.writable) writer.OnWritable();
    };
    writer.OnWritable();
    ASSERT_TRUE(RunUntil(loop(), [&] {
      return writer.progress() != WriteProgress::kWriting;
    }));
  }

  std::unique_ptr<AcceptingSocket> server_;
  std::vector<StreamConnection*> accepted_;
  RecordingConnection client_;
  StreamConnection* served_ = nullptr;
};

// ---- read ----

TEST_P(FaultInjectionTest, ReadEintrIsRetriedInsideTheStep) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  int interrupts = 3;
  faults.receive = [&](NativeSocket socket, void* buffer, std::size_t size) {
    if (interrupts > 0) {
      --interrupts;
      return IoResult{0, CodeNamed("EINTR")};
    }
    return faults.real.receive(socket, buffer, size);
  };
  const std::string hello = "hello";
  ASSERT_EQ(testing::SendBytes(client_.socket(), hello.data(), hello.size()), 5);
  ASSERT_TRUE(RunUntil(loop(), [&] { return served_->received == hello; }));
  EXPECT_EQ(interrupts, 0);
  // One step made all four calls: the three interrupts were never reported.
  // It was a short read, so the reader stopped there (no would-block read).
  EXPECT_EQ(served_->reader().read_calls(), 1u);
}

TEST_P(FaultInjectionTest, EndlessEintrEndsTheStepAsWouldBlock) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  faults.receive = [&](NativeSocket, void*, std::size_t) {
    return IoResult{0, CodeNamed("EINTR")};
  };
  SocketReader reader;
  const IoStep step = reader.Step(served_->socket());
  EXPECT_EQ(step.status, IoStatus::kWouldBlock);
  EXPECT_LE(faults.receive_calls, 16u);
}

TEST_P(FaultInjectionTest, ReadEagainAndShortReadsMidTransferLoseNothing) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  std::size_t call = 0;
  faults.receive = [&](NativeSocket socket, void* buffer, std::size_t size) {
    ++call;
    if (call % 3 == 0) return IoResult{0, CodeNamed("EAGAIN")};
    // Short reads of 1..7 bytes.
    return faults.real.receive(socket, buffer, std::min<std::size_t>(size, 1 + call % 7));
  };
  const std::string payload = PatternStream(9).Fill(20000);
  StreamConnection* served = served_;
  std::size_t offset = 0;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    if (offset < payload.size()) {
      const long sent = testing::SendBytes(client_.socket(), payload.data() + offset,
                                           payload.size() - offset);
      if (sent > 0) offset += static_cast<std::size_t>(sent);
    }
    return served->received.size() == payload.size();
  }));
  EXPECT_TRUE(served->received == payload);
  EXPECT_FALSE(served->failed);
}

TEST_P(FaultInjectionTest, ReadNoBuffersRetriesAfterATimerWithoutSpinning) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  int shortages = 3;
  faults.receive = [&](NativeSocket socket, void* buffer, std::size_t size) {
    if (shortages > 0) {
      --shortages;
      return IoResult{0, CodeNamed("ENOBUFS")};
    }
    return faults.real.receive(socket, buffer, size);
  };
  ASSERT_EQ(testing::SendBytes(client_.socket(), "abc", 3), 3);
  // The first ENOBUFS turns read interest off: the readable socket no
  // longer wakes the loop, only the retry timer does.
  ASSERT_TRUE(RunUntil(loop(), [&] { return faults.receive_calls >= 1; }));
  EXPECT_FALSE(served_->watching_read());
  ASSERT_TRUE(RunUntil(loop(), [&] { return served_->received == "abc"; }));
  // One call per retry, never a burst: 3 shortages + the (short) read.
  EXPECT_EQ(faults.receive_calls, 4u);
  EXPECT_TRUE(served_->watching_read());
}

TEST_P(FaultInjectionTest, ReadFatalErrorClosesTheConnectionWithItsCode) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  // A code the table does not name: fatal by rule.
  constexpr SystemError kUnlisted = 987654;
  faults.receive = [&](NativeSocket, void*, std::size_t) {
    return IoResult{0, kUnlisted};
  };
  ASSERT_EQ(testing::SendBytes(client_.socket(), "x", 1), 1);
  StreamConnection* served = served_;
  IoStep verdict;
  served->set_closer([&](TcpConnection&) { verdict = served->failed_step; });
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return served->dispatch_state() == ConnectionState::kClosed;
  }));
  EXPECT_EQ(verdict.status, IoStatus::kError);
  EXPECT_EQ(verdict.error_class, ErrorClass::kFatal);
  EXPECT_EQ(served->last_error(), kUnlisted);
}

// ---- write ----

TEST_P(FaultInjectionTest, ShortWritesNeverLoseOrRepeatAByte) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  std::size_t call = 0;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    ++call;
    // Take 1..5 bytes of the first buffer only.
    ConstBuffer first = buffers[0];
    first.size = std::min<std::size_t>(first.size, 1 + call % 5);
    (void)count;
    return faults.real.send(socket, &first, 1);
  };
  std::vector<WriteItem> items;
  std::string expected;
  PatternStream pattern(4);
  for (int i = 0; i < 200; ++i) {
    std::string bytes = pattern.Fill(1 + (i * 37) % 300);
    expected += bytes;
    items.emplace_back(std::move(bytes), i);
  }
  std::vector<std::uint64_t> sent_order;
  WriteIterable writer(client_, ItemsFrom(std::move(items)),
                       [&](const WriteItem& item, WriteFlags flags) {
                         if (flags.sent()) sent_order.push_back(item.tag);
                       });
  ASSERT_NO_FATAL_FAILURE(RunWriter(writer));
  EXPECT_EQ(writer.progress(), WriteProgress::kDone);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return served_->received.size() == expected.size();
  }));
  EXPECT_TRUE(served_->received == expected);
  ASSERT_EQ(sent_order.size(), 200u);
  for (std::size_t i = 0; i < sent_order.size(); ++i) EXPECT_EQ(sent_order[i], i);
}

TEST_P(FaultInjectionTest, WriteEagainMidTransferWaitsForWritability) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  std::size_t call = 0;
  std::size_t would_blocks = 0;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    if (++call % 2 == 0) {
      ++would_blocks;
      return IoResult{0, CodeNamed("EAGAIN")};
    }
    ConstBuffer first = buffers[0];
    first.size = std::min<std::size_t>(first.size, 1000);
    (void)count;
    return faults.real.send(socket, &first, 1);
  };
  const std::string payload = PatternStream(8).Fill(50000);
  std::vector<WriteItem> items;
  items.emplace_back(payload, 0);
  WriteIterable writer(client_, ItemsFrom(std::move(items)), nullptr);
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kWriting);
  EXPECT_TRUE(client_.watching_write());  // waits for writability
  ASSERT_NO_FATAL_FAILURE(RunWriter(writer));
  EXPECT_EQ(writer.progress(), WriteProgress::kDone);
  EXPECT_GT(would_blocks, 10u);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return served_->received.size() == payload.size();
  }));
  EXPECT_TRUE(served_->received == payload);
  EXPECT_FALSE(client_.watching_write());
}

TEST_P(FaultInjectionTest, WriteEintrIsRetriedAtOnce) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  int interrupts = 5;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    if (interrupts > 0) {
      --interrupts;
      return IoResult{0, CodeNamed("EINTR")};
    }
    return faults.real.send(socket, buffers, count);
  };
  SocketWriter writer("interrupted but complete");
  const IoStep step = writer.Step(client_.socket());
  EXPECT_TRUE(step.ok());
  EXPECT_TRUE(writer.done());
  EXPECT_EQ(faults.send_calls, 6u);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return served_->received == "interrupted but complete";
  }));
}

TEST_P(FaultInjectionTest, WriteNoBuffersRetriesAfterATimerWithoutSpinning) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  int shortages = 3;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    if (shortages > 0) {
      --shortages;
      return IoResult{0, CodeNamed("ENOBUFS")};
    }
    return faults.real.send(socket, buffers, count);
  };
  std::vector<WriteItem> items;
  items.emplace_back("after the shortage", 0);
  bool finished = false;
  WriteOptions options;
  options.on_finish = [&](WriteProgress) { finished = true; };
  WriteIterable writer(client_, ItemsFrom(std::move(items)), nullptr, false,
                       std::move(options));
  client_.on_event = [&](RecordingConnection&, const Event& event) {
    if (event.writable) writer.OnWritable();
  };
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kWriting);
  // Not watching writability: the writable socket cannot spin the loop.
  EXPECT_FALSE(client_.watching_write());
  EXPECT_EQ(faults.send_calls, 1u);
  ASSERT_TRUE(RunUntil(loop(), [&] { return finished; }));
  // One send per timer retry, never a burst.
  EXPECT_EQ(faults.send_calls, 4u);
  EXPECT_EQ(writer.progress(), WriteProgress::kDone);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return served_->received == "after the shortage";
  }));
}

TEST_P(FaultInjectionTest, EpipeFailsTheWriterAndReportsUnsentItemsInOrder) {
  const SystemError kPeerGone = CodeNamed("EPIPE");  // Windows: WSAESHUTDOWN
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  std::size_t allowed = 2500;  // bytes before the "peer" goes away
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    if (allowed == 0) return IoResult{0, kPeerGone};
    ConstBuffer first = buffers[0];
    first.size = std::min(first.size, allowed);
    (void)count;
    IoResult result = faults.real.send(socket, &first, 1);
    allowed -= result.bytes;
    return result;
  };
  std::vector<WriteItem> items;
  for (int i = 0; i < 10; ++i) items.emplace_back(std::string(1000, 'a' + i), i);
  std::vector<std::pair<std::uint64_t, WriteFlags>> reports;
  WriteIterable writer(client_, ItemsFrom(std::move(items)),
                       [&](const WriteItem& item, WriteFlags flags) {
                         reports.emplace_back(item.tag, flags);
                       },
                       /*before_and_after=*/true);
  ASSERT_NO_FATAL_FAILURE(RunWriter(writer));
  EXPECT_EQ(writer.progress(), WriteProgress::kFailed);
  EXPECT_EQ(writer.error(), kPeerGone);
  EXPECT_EQ(client_.dispatch_state(), ConnectionState::kClosed);
  EXPECT_EQ(client_.last_error(), kPeerGone);
  // Items 0 and 1 were sent; item 2 started (before/after) but was cut; it
  // and 3..9 are reported not sent, in order, after the completed ones.
  std::vector<std::uint64_t> sent;
  std::vector<std::uint64_t> not_sent;
  for (const auto& [tag, flags] : reports) {
    if (flags.sent()) {
      EXPECT_TRUE(not_sent.empty()) << "sent notice after a not-sent one";
      sent.push_back(tag);
    }
    if (flags.not_sent) not_sent.push_back(tag);
  }
  EXPECT_EQ(sent, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(not_sent, (std::vector<std::uint64_t>{2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_P(FaultInjectionTest, GatheredItemsKeepTheirBeforeAndAfterMeaning) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  // Record, for each send call, how many bytes it offered.
  std::vector<std::size_t> bytes_per_call;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < count; ++i) bytes += buffers[i].size;
    bytes_per_call.push_back(bytes);
    return faults.real.send(socket, buffers, count);
  };
  std::vector<WriteItem> items;
  for (int i = 0; i < 10; ++i) items.emplace_back("abc", i);
  std::vector<std::string> notes;
  WriteIterable writer(
      client_, ItemsFrom(std::move(items)),
      [&](const WriteItem& item, WriteFlags flags) {
        notes.push_back((flags.before_send  ? "B"
                         : flags.after_send ? "A"
                         : flags.not_sent   ? "N"
                                            : "S") +
                        std::to_string(item.tag));
      },
      /*before_and_after=*/true);
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kDone);
  ASSERT_EQ(bytes_per_call.size(), 1u);  // one gathered send
  EXPECT_EQ(bytes_per_call[0], 30u);      // of all ten items
  // Every before_send precedes the send call; each item's after_send and
  // sent notices follow it, in item order.
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.push_back("B" + std::to_string(i));
  for (int i = 0; i < 10; ++i) {
    expected.push_back("A" + std::to_string(i));
    expected.push_back("S" + std::to_string(i));
  }
  EXPECT_EQ(notes, expected);
}

TEST_P(FaultInjectionTest, SendsPerWritableEventAreBounded) {
  ASSERT_NO_FATAL_FAILURE(Connect());
  FaultInjector faults;
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t) {
    ConstBuffer one = buffers[0];
    one.size = 1;  // a socket that always takes one byte, never blocks
    return faults.real.send(socket, &one, 1);
  };
  std::vector<WriteItem> items;
  items.emplace_back(std::string(1000, 'z'), 0);
  // The connection's max_sends_per_event is 16 by default.
  WriteIterable writer(client_, ItemsFrom(std::move(items)), nullptr);
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kWriting);
  EXPECT_EQ(faults.send_calls, 16u);
  EXPECT_EQ(writer.bytes_sent(), 16u);
  // It yields to the other sockets and asks to be called again.
  EXPECT_TRUE(client_.watching_write());
  ASSERT_NO_FATAL_FAILURE(RunWriter(writer));
  EXPECT_EQ(writer.progress(), WriteProgress::kDone);
  EXPECT_EQ(writer.bytes_sent(), 1000u);
}

// ---- connect ----

TEST_P(FaultInjectionTest, ConnectEintrMeansInProgressAndConnectIsNeverCalledAgain) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listening.ok()) << listening.status();
  FaultInjector faults;
  faults.connect = [&](NativeSocket socket, const SocketAddress& address) {
    // The connect really starts, but the call reports EINTR.
    (void)faults.real.connect(socket, address);
    return CodeNamed("EINTR");
  };
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4((*listening)->local_port()))
                  .ok());
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnecting);
  ASSERT_TRUE(RunUntil(loop(), [&] { return !client.events.empty(); }));
  ASSERT_EQ(client.events.size(), 1u);
  EXPECT_FALSE(client.events[0].error);
  EXPECT_TRUE(client.events[0].writable);  // found by writability, not again
  EXPECT_EQ(faults.connect_calls, 1u);
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnected);
}

TEST_P(FaultInjectionTest, ImmediateRefusalIsReportedOnALaterIteration) {
  FaultInjector faults;
  faults.connect = [&](NativeSocket, const SocketAddress&) {
    return CodeNamed("ECONNREFUSED");
  };
  RecordingConnection client;
  ASSERT_TRUE(
      ConnectTcp(loop(), client, SocketAddress::Loopback4(9)).ok());
  EXPECT_TRUE(client.events.empty());  // not from inside ConnectTcp
  ASSERT_TRUE(loop().Iterate(absl::Seconds(5)).ok());
  ASSERT_EQ(client.events.size(), 1u);
  EXPECT_TRUE(client.events[0].readable);
  EXPECT_TRUE(client.events[0].writable);
  EXPECT_TRUE(client.events[0].error);
  EXPECT_EQ(GetSockErr(client).code, CodeNamed("ECONNREFUSED"));
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kClosed);
}

TEST_P(FaultInjectionTest, SpuriousConnectWakeKeepsWaiting) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listening.ok()) << listening.status();
  FaultInjector faults;
  faults.connect = [&](NativeSocket socket, const SocketAddress& address) {
    (void)faults.real.connect(socket, address);
    return CodeNamed("EINPROGRESS");
  };
  int spurious = 2;
  faults.check_connected = [&](NativeSocket socket) {
    if (spurious > 0) {
      --spurious;
      return CodeNamed("ENOTCONN");  // "not yet": a wake with nothing done
    }
    return faults.real.check_connected(socket);
  };
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4((*listening)->local_port()))
                  .ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return !client.events.empty(); }));
  EXPECT_EQ(client.events.size(), 1u);
  EXPECT_FALSE(client.events[0].error);
  EXPECT_EQ(faults.check_connected_calls, 3u);
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnected);
}

// ---- accept ----

TEST_P(FaultInjectionTest, AcceptAbortedAndInterruptedAreRetried) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listening.ok()) << listening.status();
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE((*listening)->Start(loop(), StreamFactory(&accepted)).ok());
  FaultInjector faults;
  // Every retry code of this OS family (ECONNABORTED, EPROTO, the Linux
  // pass-through network errors, EINTR...), once each.
  std::vector<SystemError> script =
      CodesOf(SocketOp::kAccept, ErrorClass::kAbortedRetry);
  for (SystemError code :
       CodesOf(SocketOp::kAccept, ErrorClass::kInterrupted)) {
    script.push_back(code);
  }
  const std::size_t retries = script.size();
  faults.accept = [&](NativeSocket listener) {
    if (!script.empty()) {
      const SystemError error = script.front();
      script.erase(script.begin());
      return AcceptedSocket{kInvalidSocket, error};
    }
    return faults.real.accept(listener);
  };
  StreamConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4((*listening)->local_port()))
                  .ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted.size() == 1; }));
  EXPECT_EQ((*listening)->stats().retried, retries);
  // All in the same readiness event: retrying does not wait for the next.
  EXPECT_EQ((*listening)->stats().readiness_events, 1u);
}

TEST_P(FaultInjectionTest, AcceptOutOfDescriptorsPausesTheListenerThenResumes) {
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listening.ok()) << listening.status();
  AcceptingSocket& server = **listening;
  std::vector<StreamConnection*> accepted;
  ASSERT_TRUE(server
                  .Start(loop(), StreamFactory(&accepted),
                         {.exhaustion_backoff = absl::Milliseconds(100)})
                  .ok());
  FaultInjector faults;
  // Every shortage code (EMFILE, ENFILE, ENOBUFS, ENOMEM on POSIX).
  std::vector<SystemError> script =
      CodesOf(SocketOp::kAccept, ErrorClass::kOutOfDescriptors);
  for (SystemError code : CodesOf(SocketOp::kAccept, ErrorClass::kNoBuffers)) {
    script.push_back(code);
  }
  const std::size_t shortages = script.size();
  faults.accept = [&](NativeSocket listener) {
    if (!script.empty()) {
      const SystemError error = script.front();
      script.erase(script.begin());
      return AcceptedSocket{kInvalidSocket, error};
    }
    return faults.real.accept(listener);
  };
  StreamConnection client;
  ASSERT_TRUE(
      ConnectTcp(loop(), client, SocketAddress::Loopback4(server.local_port()))
          .ok());
  ASSERT_TRUE(RunUntil(loop(), [&] { return server.paused(); }));
  // Paused: the listener is not registered, so its pending connection
  // cannot wake the loop.
  EXPECT_EQ(faults.accept_calls, 1u);
  ASSERT_TRUE(RunUntil(loop(), [&] { return accepted.size() == 1; }));
  EXPECT_EQ(server.stats().exhaustion_pauses, shortages);
  // One accept attempt per pause, never a burst; then the success and the
  // would-block that ends that event's accepting.
  EXPECT_EQ(faults.accept_calls, shortages + 2);
  EXPECT_EQ(server.stats().readiness_events, shortages + 1);
  EXPECT_FALSE(server.paused());
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(FaultInjectionTest);

}  // namespace
}  // namespace asycamore
