// Echo connections under a fault storm (fault_storm.h): tens of MiB through
// the library's own client and echo server on every backend, with EINTR,
// EAGAIN, ENOBUFS, short reads and short writes injected at random into
// both sides. Every byte comes back in order (checksums), no connection
// fails, and the loop does not spin: its turns stay within a bound set by
// the work done (the calls that moved bytes, and the faults).
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asycamore/tcpsocket/tcpsocket.h"
#include "fault_storm.h"
#include "gtest/gtest.h"
#include "support/backend_test.h"
#include "test_peer.h"

namespace asycamore::testing {
namespace {

constexpr std::size_t kConnections = 3;
constexpr std::size_t kBytesPerConnection = 8 << 20;  // 24 MiB out, 24 back
constexpr absl::Duration kBackoff = absl::Milliseconds(1);

// Sends `total` bytes, in items of random sizes cut from `block`, half-
// closes, and checksums what comes back until the server's end.
class EchoClient : public TcpConnection {
 public:
  EchoClient(const std::string& block, std::size_t total, std::uint64_t seed)
      : TcpConnection({.no_buffers_backoff = kBackoff}),
        block_(block),
        left_(total),
        state_(seed),
        reader_(*this, [this](std::string_view data) { echoed_.Add(data); },
                {.on_error = [this](const IoStep&) { failed_ = true; }}) {
    set_closer([this](TcpConnection&) { closed_ = true; });
  }

  void dispatch_event(const Event& event) override {
    if (dispatch_state() == ConnectionState::kConnecting) {
      if (event.error) {
        failed_ = true;
        return;
      }
      writer_ = std::make_unique<WriteIterable>(
          *this, [this] { return NextItem(); }, nullptr, false,
          WriteOptions{.on_finish = [this](WriteProgress progress) {
            if (progress == WriteProgress::kDone) {
              EXPECT_TRUE(Shutdown().ok());
            } else {
              failed_ = true;
            }
          }});
      writer_->OnWritable();
      return;
    }
    if (event.readable) reader_.OnReadable();
  }

  bool closed() const { return closed_; }
  bool failed() const { return failed_; }
  const Checksum& sent() const { return sent_; }
  const Checksum& echoed() const { return echoed_; }

 private:
  std::optional<WriteItem> NextItem() {
    if (left_ == 0) return std::nullopt;
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    const std::size_t size =
        std::min<std::size_t>(left_, 1 + (state_ >> 33) % (64 * 1024));
    const std::size_t offset = (state_ >> 17) % (block_.size() - size + 1);
    const std::string_view bytes = std::string_view(block_).substr(offset, size);
    sent_.Add(bytes);
    left_ -= size;
    return WriteItem(absl::Cord(absl::string_view(bytes.data(), bytes.size())));
  }

  const std::string& block_;
  std::size_t left_;
  std::uint64_t state_;
  DataReader reader_;
  std::unique_ptr<WriteIterable> writer_;
  Checksum sent_;
  Checksum echoed_;
  bool closed_ = false;
  bool failed_ = false;
};

class FaultStormTest : public BackendTest {};

TEST_P(FaultStormTest, EchoUnderRandomFaultsReturnsEveryByteInOrderWithoutSpinning) {
  const std::uint64_t seed = FaultStormSeed();
  SCOPED_TRACE(SeedTrace(seed));
  absl::StatusOr<std::unique_ptr<AcceptingSocket>> listening =
      ListenTcp("127.0.0.1", 0, 16);
  ASSERT_TRUE(listening.ok()) << listening.status();
  std::vector<StreamConnection*> served;
  StreamSettings echo;
  echo.echo = true;
  echo.no_buffers_backoff = kBackoff;
  ASSERT_TRUE((*listening)->Start(loop(), StreamFactory(&served, echo)).ok());

  const std::string block = PatternStream(seed | 1).Fill(1 << 20);
  std::vector<std::unique_ptr<EchoClient>> clients;
  FaultStorm storm(seed);
  for (std::size_t i = 0; i < kConnections; ++i) {
    clients.push_back(
        std::make_unique<EchoClient>(block, kBytesPerConnection, seed + i));
    ASSERT_TRUE(ConnectTcp(loop(), *clients.back(),
                           SocketAddress::Loopback4((*listening)->local_port()))
                    .ok());
  }
  std::uint64_t turns = 0;
  ASSERT_TRUE(RunUntil(
      loop(),
      [&] {
        ++turns;
        for (const auto& c : clients) {
          if (!c->closed()) return false;
        }
        return true;
      },
      absl::Seconds(60)))
      << storm.Summary();

  std::uint64_t moved = 0;
  for (const auto& c : clients) {
    EXPECT_FALSE(c->failed()) << "error " << c->last_error();
    EXPECT_EQ(c->sent().bytes(), kBytesPerConnection);
    EXPECT_EQ(c->echoed().bytes(), c->sent().bytes());
    EXPECT_EQ(c->echoed().value(), c->sent().value()) << "the echo differs";
    moved += c->sent().bytes() + c->echoed().bytes();
  }
  const FaultCounts& faults = storm.counts();
  ExpectEveryKindInjected(faults);
  // No spin: turns stay within the work done (fault_storm.h).
  const std::uint64_t bound = NoSpinBound(moved, 0, faults);
  EXPECT_LE(turns, bound) << storm.Summary();
  std::cout << "fault storm on " << GetParam() << ": " << moved
            << " bytes moved in " << turns << " loop turns (bound " << bound
            << "); " << storm.Summary() << ", all survived\n";
}

ASYCAMORE_INSTANTIATE_FOR_EACH_BACKEND(FaultStormTest);

}  // namespace
}  // namespace asycamore::testing
