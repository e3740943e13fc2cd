// SoakConversation: what a soak session says and expects, apart from the
// socket: the echo conversation (raw chunks, each expected back byte for
// byte) and the HTTP one (requests, each expected to get its exact
// answer). A session (soak_session.h) asks it for messages, feeds it what
// the server sends, and tells it the server's end.
#ifndef ASYCAMORE_TOOLS_SOAK_SOAK_CONVERSATION_H_
#define ASYCAMORE_TOOLS_SOAK_SOAK_CONVERSATION_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "soak_options.h"

namespace asycamore {

class SoakConversation {
 public:
  virtual ~SoakConversation() = default;

  // Appends the next message (echo: a chunk; http: a request) to `out`.
  virtual void AppendMessage(std::mt19937_64& random, std::string& out) = 0;

  // Checks the server's next bytes; an error says what was wrong (a byte
  // that differs, an answer nobody asked for...). After an error the
  // session is lost and nothing more is fed.
  virtual absl::Status OnReceived(std::string_view data) = 0;

  // The server's end of stream: an error when it cut an answer short.
  virtual absl::Status OnEnd() = 0;

  // Bytes of the messages sent whose answers have not fully arrived.
  virtual std::uint64_t bytes_in_flight() const = 0;
  // Answers received and verified in full (echo: bytes; http: responses).
  virtual std::uint64_t answers() const = 0;
};

// An echo conversation: chunks of 1 byte to 16 KiB from a PatternStream.
std::unique_ptr<SoakConversation> MakeEchoConversation(std::uint64_t seed);

// An HTTP conversation with asycamore-httpd: GET /plaintext (answer: 200,
// "Hello, World!") and POST /echo with a body of 0 to 4 KiB (answer: 200,
// the body), on one keep-alive connection.
std::unique_ptr<SoakConversation> MakeHttpConversation(std::uint64_t seed);

inline std::unique_ptr<SoakConversation> MakeConversation(SoakProtocol protocol,
                                                          std::uint64_t seed) {
  return protocol == SoakProtocol::kEcho ? MakeEchoConversation(seed)
                                         : MakeHttpConversation(seed);
}

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_SOAK_SOAK_CONVERSATION_H_
