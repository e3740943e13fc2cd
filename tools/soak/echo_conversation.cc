// The echo conversation: every chunk sent must come back, in order, byte
// for byte; nothing more may come.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "pattern_stream.h"
#include "soak_conversation.h"

namespace asycamore {
namespace {

constexpr std::size_t kMaxChunk = 16 * 1024;

class EchoConversation : public SoakConversation {
 public:
  explicit EchoConversation(std::uint64_t seed) : sent_(seed), echoed_(seed) {}

  void AppendMessage(std::mt19937_64& random, std::string& out) override {
    sent_.Append(
        std::uniform_int_distribution<std::size_t>(1, kMaxChunk)(random), out);
  }

  absl::Status OnReceived(std::string_view data) override {
    const std::uint64_t at = echoed_.position();
    if (at + data.size() > sent_.position()) {
      return absl::DataLossError(absl::StrFormat(
          "the server sent %d bytes more than it was sent (at byte %d)",
          at + data.size() - sent_.position(), at));
    }
    if (const std::size_t wrong = echoed_.Check(data);
        wrong != PatternStream::kMatches) {
      return absl::DataLossError(absl::StrFormat(
          "byte %d of the echo differs from what was sent", at + wrong));
    }
    return absl::OkStatus();
  }

  absl::Status OnEnd() override { return absl::OkStatus(); }

  std::uint64_t bytes_in_flight() const override {
    return sent_.position() - echoed_.position();
  }
  std::uint64_t answers() const override { return echoed_.position(); }

 private:
  PatternStream sent_;
  PatternStream echoed_;
};

}  // namespace

std::unique_ptr<SoakConversation> MakeEchoConversation(std::uint64_t seed) {
  return std::make_unique<EchoConversation>(seed);
}

}  // namespace asycamore
