// WriteIterable on every backend: a 64 MiB transfer in many items, and the
// seed's callback contract.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::Checksum;
using ::asycamore::testing::FaultInjector;
using ::asycamore::testing::PatternStream;
using ::asycamore::testing::RecordingConnection;
using ::asycamore::testing::RunUntil;
using ::asycamore::testing::StreamConnection;
using ::asycamore::testing::StreamFactory;

// Checks the seed's per-item notice order: before_send, after_send, then
// sent, each once; and that sent notices come in item order.
class NoticeLog {
 public:
  explicit NoticeLog(bool before_and_after)
      : before_and_after_(before_and_after) {}

  void Record(const WriteItem& item, WriteFlags flags) {
    const std::uint64_t tag = item.tag;
    if (tag >= stage_.size()) stage_.resize(tag + 1, 0);
    int& stage = stage_[tag];
    if (flags.before_send) {
      EXPECT_TRUE(before_and_after_) << tag;
      EXPECT_EQ(stage, 0) << "before_send out of order for item " << tag;
      stage = 1;
    } else if (flags.after_send) {
      EXPECT_EQ(stage, 1) << "after_send out of order for item " << tag;
      stage = 2;
    } else if (flags.not_sent) {
      ++not_sent_;
      stage = 4;
    } else {
      EXPECT_EQ(stage, before_and_after_ ? 2 : 0)
          << "sent before its before/after notices: item " << tag;
      EXPECT_EQ(tag, next_sent_) << "sent notices out of order";
      next_sent_ = tag + 1;
      stage = 3;
    }
  }

  std::uint64_t sent() const { return next_sent_; }
  std::uint64_t not_sent() const { return not_sent_; }

 private:
  bool before_and_after_;
  std::vector<int> stage_;
  std::uint64_t next_sent_ = 0;
  std::uint64_t not_sent_ = 0;
};

class WriteIterableTest : public testing::BackendTest {
 protected:
  void SetUpServer() {
    absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
        ListenTcp("127.0.0.1", 0, 16);
    ASSERT_TRUE(listening.ok()) << listening.status();
    server_ = *std::move(listening);
    ASSERT_TRUE(server_->Start(loop(), StreamFactory(&accepted_)).ok());
  }

  // Connects `client` (a RecordingConnection whose events drive `writer`).
  void ConnectClient(RecordingConnection& client) {
    ASSERT_TRUE(ConnectTcp(loop(), client,
                           SocketAddress::Loopback4(server_->local_port()))
                    .ok());
    ASSERT_TRUE(RunUntil(loop(), [&] {
      return client.dispatch_state() == ConnectionState::kConnected &&
             accepted_.size() == 1;
    }));
  }

  std::unique_ptr<AcceptingSocket> server_;
  std::vector<StreamConnection*> accepted_;
};

TEST_P(WriteIterableTest, SixtyFourMiBInManyItemsArrivesWithCallbacksInOrder) {
  SetUpServer();
  RecordingConnection client;
  ASSERT_NO_FATAL_FAILURE(ConnectClient(client));
  StreamConnection& served = *accepted_[0];
  Checksum received;
  served.on_data = [&](StreamConnection& self, std::string_view data) {
    received.Add(data);
    self.received.clear();
  };

  // A lazy source: items of mixed sizes (tiny ones get gathered, big ones
  // span many sends), made only when the writer asks for them.
  constexpr std::uint64_t kTotal = 64ull << 20;
  PatternStream pattern(42);
  Checksum produced;
  std::uint64_t made = 0;
  std::uint64_t next_tag = 0;
  std::uint64_t size_state = 12345;
  auto source = [&]() -> std::optional<WriteItem> {
    if (made == kTotal) return std::nullopt;
    size_state = size_state * 6364136223846793005ull + 1442695040888963407ull;
    const std::uint64_t pick = (size_state >> 33) % 8;
    std::uint64_t size = pick < 4 ? 1 + (size_state >> 40) % 200     // tiny
                         : pick < 7 ? 4096 + (size_state >> 40) % 60000
                                    : 1000000;                       // big
    size = std::min(size, kTotal - made);
    made += size;
    std::string bytes = pattern.Fill(size);
    produced.Add(bytes);
    return WriteItem(std::move(bytes), next_tag++);
  };
  NoticeLog log(/*before_and_after=*/true);
  bool finished = false;
  WriteOptions options;
  options.on_finish = [&](WriteProgress) { finished = true; };
  WriteIterable writer(
      client, source,
      [&](const WriteItem& item, WriteFlags flags) { log.Record(item, flags); },
      /*before_and_after=*/true, std::move(options));
  client.on_event = [&](RecordingConnection&, const Event& event) {
    if (event.writable) writer.OnWritable();
  };
  writer.OnWritable();
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return finished && received.bytes() == kTotal;
  }, absl::Seconds(120)));
  EXPECT_EQ(writer.progress(), WriteProgress::kDone);
  EXPECT_EQ(writer.bytes_sent(), kTotal);
  EXPECT_EQ(writer.items_sent(), next_tag);
  EXPECT_EQ(log.sent(), next_tag);
  EXPECT_EQ(log.not_sent(), 0u);
  EXPECT_EQ(received.value(), produced.value());
  EXPECT_FALSE(client.watching_write());  // done: no writable spin
  // Gathering: far fewer sends than items would be needed one by one.
  EXPECT_LT(writer.send_calls(), next_tag * 2);
}

TEST_P(WriteIterableTest, WithoutBeforeAndAfterEachItemGetsOneSentNotice) {
  SetUpServer();
  RecordingConnection client;
  ASSERT_NO_FATAL_FAILURE(ConnectClient(client));
  std::vector<WriteItem> items;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    std::string bytes = "item " + std::to_string(i) + ";";
    expected += bytes;
    items.emplace_back(std::move(bytes), i);
  }
  NoticeLog log(/*before_and_after=*/false);
  WriteIterable writer(
      client, ItemsFrom(std::move(items)),
      [&](const WriteItem& item, WriteFlags flags) { log.Record(item, flags); });
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kDone);
  EXPECT_EQ(log.sent(), 300u);
  // 300 small items fit a few gathered sends.
  EXPECT_LE(writer.send_calls(), 10u);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return accepted_[0]->received.size() == expected.size();
  }));
  EXPECT_EQ(accepted_[0]->received, expected);
}

TEST_P(WriteIterableTest, EmptyItemsAndAnEmptySourceAreReported) {
  SetUpServer();
  RecordingConnection client;
  ASSERT_NO_FATAL_FAILURE(ConnectClient(client));
  {
    std::vector<WriteItem> items;
    items.emplace_back("", 0);
    items.emplace_back("x", 1);
    items.emplace_back("", 2);
    NoticeLog log(true);
    WriteIterable writer(
        client, ItemsFrom(std::move(items)),
        [&](const WriteItem& item, WriteFlags flags) { log.Record(item, flags); },
        true);
    EXPECT_EQ(writer.OnWritable(), WriteProgress::kDone);
    EXPECT_EQ(log.sent(), 3u);
  }
  {
    WriteIterable writer(client, ItemsFrom({}), nullptr);
    EXPECT_EQ(writer.OnWritable(), WriteProgress::kDone);
    EXPECT_EQ(writer.send_calls(), 0u);
  }
}

TEST_P(WriteIterableTest, ExternalCordMemoryIsSentWithoutACopy) {
  SetUpServer();
  RecordingConnection client;
  ASSERT_NO_FATAL_FAILURE(ConnectClient(client));
  // A payload the caller keeps; the Cord only borrows it.
  const std::string payload = PatternStream(5).Fill(3 << 20);
  bool released = false;
  std::vector<WriteItem> items;
  items.emplace_back(absl::MakeCordFromExternal(
                         payload, [&released] { released = true; }),
                     0);
  bool finished = false;
  WriteOptions options;
  options.on_finish = [&](WriteProgress) { finished = true; };
  WriteIterable writer(client, ItemsFrom(std::move(items)), nullptr, false,
                       std::move(options));
  client.on_event = [&](RecordingConnection&, const Event& event) {
    if (event.writable) writer.OnWritable();
  };
  writer.OnWritable();
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return finished && accepted_[0]->received.size() == payload.size();
  }));
  EXPECT_TRUE(accepted_[0]->received == payload);
  EXPECT_TRUE(released);  // the writer let go of it once sent
}

TEST_P(WriteIterableTest, EndlessSourceOnAFailingConnectionReturnsAndReportsOnlyTakenItems) {
  SetUpServer();
  RecordingConnection client;
  ASSERT_NO_FATAL_FAILURE(ConnectClient(client));
  FaultInjector faults;
  std::size_t allowed = 100 * 1024;  // then the peer is gone
  faults.send = [&](NativeSocket socket, const ConstBuffer* buffers,
                    std::size_t count) {
    if (allowed == 0) return IoResult{0, testing::CodeNamed("EPIPE")};
    ConstBuffer first = buffers[0];
    first.size = std::min(first.size, allowed);
    (void)count;
    const IoResult result = faults.real.send(socket, &first, 1);
    allowed -= result.bytes;
    return result;
  };
  // A request generator that never ends (the seed's load generator).
  std::uint64_t pulled = 0;
  std::vector<std::pair<std::uint64_t, WriteFlags>> reports;
  WriteIterable writer(
      client,
      [&]() -> std::optional<WriteItem> {
        return WriteItem(std::string(10 * 1024, 'q'), pulled++);
      },
      [&](const WriteItem& item, WriteFlags flags) {
        reports.emplace_back(item.tag, flags);
      });
  writer.OnWritable();  // returns: it must not drain the source
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return writer.progress() != WriteProgress::kWriting;
  }));
  EXPECT_EQ(writer.progress(), WriteProgress::kFailed);
  EXPECT_EQ(writer.error(), testing::CodeNamed("EPIPE"));
  // Only what was taken is reported, each once, in order; the source was
  // asked for no more than that (the watermark bounds how far ahead).
  EXPECT_EQ(writer.items_taken(), pulled);
  ASSERT_EQ(reports.size(), pulled);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].first, i);
  }
  EXPECT_TRUE(reports.back().second.not_sent);
  EXPECT_LE(pulled,
            (100 * 1024 + ConnectionOptions().high_watermark) / (10 * 1024) + 2);
}

TEST_P(WriteIterableTest, EndlessEmptyItemsAreBoundedPerEventAndLetTheLoopRun) {
  SetUpServer();
  RecordingConnection client;
  ASSERT_NO_FATAL_FAILURE(ConnectClient(client));
  std::uint64_t pulled = 0;
  bool stop = false;
  std::uint64_t sent_in_order = 0;
  WriteIterable writer(
      client,
      [&]() -> std::optional<WriteItem> {
        if (stop) return std::nullopt;
        return WriteItem("", pulled++);
      },
      [&](const WriteItem& item, WriteFlags flags) {
        if (flags.sent() && item.tag == sent_in_order) ++sent_in_order;
      },
      /*before_and_after=*/false, WriteOptions{.max_items_per_event = 100});
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kWriting);  // it returns
  EXPECT_EQ(pulled, 100u);
  // The loop keeps turning (a timer fires) and each turn takes at most
  // another 100 items.
  bool timer_fired = false;
  loop().RunAfter(absl::Milliseconds(1), [&] { timer_fired = true; });
  std::uint64_t before = pulled;
  for (int i = 0; i < 20 && !timer_fired; ++i) {
    ASSERT_TRUE(loop().Iterate(absl::Milliseconds(50)).ok());
    EXPECT_LE(pulled - before, 100u);
    before = pulled;
  }
  EXPECT_TRUE(timer_fired);
  stop = true;
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return writer.progress() != WriteProgress::kWriting;
  }));
  EXPECT_EQ(writer.progress(), WriteProgress::kDone);
  EXPECT_EQ(sent_in_order, pulled);
  EXPECT_EQ(writer.items_sent(), pulled);
  EXPECT_FALSE(client.watching_write());
}

TEST_P(WriteIterableTest, StartedWhileConnectingItSendsOnceConnected) {
  SetUpServer();
  RecordingConnection client;
  ASSERT_TRUE(ConnectTcp(loop(), client,
                         SocketAddress::Loopback4(server_->local_port()))
                  .ok());
  std::vector<WriteItem> items;
  std::string expected;
  PatternStream pattern(12);
  for (int i = 0; i < 40; ++i) {
    std::string bytes = pattern.Fill(100 * 1024);  // more than one buffer
    expected += bytes;
    items.emplace_back(std::move(bytes), i);
  }
  NoticeLog log(/*before_and_after=*/true);
  WriteIterable writer(
      client, ItemsFrom(std::move(items)),
      [&](const WriteItem& item, WriteFlags flags) { log.Record(item, flags); },
      /*before_and_after=*/true);
  EXPECT_EQ(writer.OnWritable(), WriteProgress::kWriting);  // not yet connected
  EXPECT_EQ(client.dispatch_state(), ConnectionState::kConnecting);
  ASSERT_TRUE(RunUntil(loop(), [&] {
    return writer.progress() == WriteProgress::kDone && accepted_.size() == 1 &&
           accepted_[0]->received.size() == expected.size();
  }));
  EXPECT_TRUE(accepted_[0]->received == expected);
  EXPECT_EQ(log.sent(), 40u);
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(WriteIterableTest);

}  // namespace
}  // namespace asycamore
