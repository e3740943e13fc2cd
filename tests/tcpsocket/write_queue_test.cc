// WriteQueue and OwnedSocket, on their own (no loop, no backend).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/time/clock.h"
#include "asycamore/tcpsocket/error_class.h"
#include "asycamore/tcpsocket/owned_socket.h"
#include "asycamore/tcpsocket/write_queue.h"
#include "gtest/gtest.h"
#include "support/sockets.h"
#include "test_peer.h"

namespace asycamore {
namespace {

using ::asycamore::testing::PatternStream;

// Reads the bytes a Peek offers, as one string.
std::string Offered(const WriteQueue& queue, std::size_t max_buffers) {
  ConstBuffer buffers[kMaxSendBuffers];
  std::size_t bytes = 0;
  const std::size_t count = queue.Peek(buffers, max_buffers, bytes);
  std::string offered;
  for (std::size_t i = 0; i < count; ++i) {
    offered.append(static_cast<const char*>(buffers[i].data), buffers[i].size);
  }
  EXPECT_EQ(offered.size(), bytes);
  return offered;
}

// The queue's ring of Cords moves them when it grows; a Cord of up to 15
// bytes keeps its bytes inside itself, so a cursor into a partly sent front
// would point at the old place unless it is set again.
TEST(WriteQueueTest, APartlySentInlineCordKeepsItsPlaceWhenTheRingGrows) {
  WriteQueue queue;
  queue.Append(absl::Cord("0123456789"));  // inline: 10 bytes
  queue.Consume(4);
  std::string expected = "456789";
  for (int i = 0; i < 40; ++i) {  // grows the ring several times
    const std::string more = "x" + std::to_string(i);
    queue.Append(absl::Cord(more));
    expected += more;
  }
  std::string walked;
  while (!queue.empty()) {
    const std::string offered = Offered(queue, 3);
    walked += offered.substr(0, 1);
    queue.Consume(1);
  }
  EXPECT_EQ(walked, expected);
}

TEST(WriteQueueTest, PeekAndConsumeWalkEveryByteOnceAcrossChunksAndAppends) {
  PatternStream pattern(3);
  WriteQueue queue;
  std::string appended;
  std::string consumed;
  std::uint64_t state = 99;
  for (int round = 0; round < 2000; ++round) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const std::size_t pick = (state >> 33) % 4;
    if (pick == 0) {
      const std::string bytes = pattern.Fill(1 + (state >> 40) % 700);
      queue.Append(bytes);
      appended += bytes;
    } else if (pick == 1) {
      // A Cord of several chunks (pieces past abseil's copy limit stay
      // chunks of their own).
      absl::Cord cord;
      for (int piece = 0; piece < 3; ++piece) {
        const std::string bytes = pattern.Fill(600 + (state >> 45) % 900);
        cord.Append(absl::Cord(bytes));
        appended += bytes;
      }
      queue.Append(std::move(cord));
    } else {
      // Send part of what a gathered send would offer (a short write that
      // may stop anywhere, inside a chunk or at its end).
      const std::string offered = Offered(queue, 1 + (state >> 50) % 8);
      if (offered.empty()) continue;
      const std::size_t take = 1 + (state >> 20) % offered.size();
      consumed += offered.substr(0, take);
      queue.Consume(take);
    }
    ASSERT_EQ(queue.size(), appended.size() - consumed.size());
    ASSERT_EQ(queue.sent_position(), consumed.size());
    ASSERT_EQ(queue.end_position(), appended.size());
  }
  while (!queue.empty()) {
    const std::string offered = Offered(queue, kMaxSendBuffers);
    consumed += offered;
    queue.Consume(offered.size());
  }
  EXPECT_TRUE(consumed == appended);
}

TEST(WriteQueueTest, PeekOffersAtMostMaxBuffersStartingAtTheFirstUnsentByte) {
  WriteQueue queue;
  for (int i = 0; i < 100; ++i) queue.Append(absl::Cord(std::string(1000, 'a' + i % 26)));
  ConstBuffer buffers[kMaxSendBuffers];
  std::size_t bytes = 0;
  EXPECT_EQ(queue.Peek(buffers, kMaxSendBuffers, bytes), kMaxSendBuffers);
  queue.Consume(1500);  // one chunk and a half
  ASSERT_EQ(queue.Peek(buffers, 2, bytes), 2u);
  EXPECT_EQ(buffers[0].size, 500u);
  EXPECT_EQ(static_cast<const char*>(buffers[0].data)[0], 'b');
  EXPECT_EQ(bytes, 1500u);
}

TEST(WriteQueueTest, ClearReportsTheBytesDroppedAndKeepsThePositions) {
  WriteQueue queue;
  queue.Append(std::string_view("hello world"));
  queue.Consume(6);
  queue.CountSentPast(4);
  EXPECT_EQ(queue.sent_position(), 10u);
  EXPECT_EQ(queue.Clear(), 5u);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.end_position(), 10u);
}

TEST(WriteQueueTest, ConsumedExternalMemoryIsReleasedAtOnce) {
  const std::string payload(100000, 'e');
  bool released = false;
  WriteQueue queue;
  queue.Append(absl::MakeCordFromExternal(payload, [&] { released = true; }));
  queue.Consume(99999);
  EXPECT_FALSE(released);
  queue.Consume(1);
  EXPECT_TRUE(released);
}

// Returns true if `peer` reads the end (its other side was closed).
bool PeerSeesTheEnd(NativeSocket peer) {
  char byte;
  for (int i = 0; i < 100; ++i) {
    const long got = testing::ReceiveBytes(peer, &byte, 1);
    if (got == 0) return true;
    if (got > 0) return false;
    if (ClassifyError(SocketOp::kRead, LastSystemError()) !=
        ErrorClass::kWouldBlock) {
      return false;
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return false;
}

TEST(OwnedSocketTest, ClosesOnceWhenTheLastOwnerGoesAndNeverAfterRelease) {
  testing::SocketPair moved = testing::MakeTcpLoopbackPair();
  {
    OwnedSocket first(moved.first);
    OwnedSocket second(std::move(first));
    EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move)
    OwnedSocket third;
    third = std::move(second);
    EXPECT_EQ(third.get(), moved.first);
    EXPECT_FALSE(PeerSeesTheEnd(moved.second));  // still open
  }
  EXPECT_TRUE(PeerSeesTheEnd(moved.second));
  testing::CloseSocket(moved.second);

  testing::SocketPair released = testing::MakeTcpLoopbackPair();
  NativeSocket raw = kInvalidSocket;
  {
    OwnedSocket owner(released.first);
    raw = owner.release();
    EXPECT_FALSE(owner.valid());
  }
  EXPECT_FALSE(PeerSeesTheEnd(released.second));  // the caller owns it now
  testing::CloseSocket(raw);
  EXPECT_TRUE(PeerSeesTheEnd(released.second));
  testing::CloseSocket(released.second);
}

}  // namespace
}  // namespace asycamore
