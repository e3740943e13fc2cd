// Registers sockets with a dispatcher and remembers which token names
// which socket: a dispatcher's events carry the token alone (dispatcher.h,
// "Tokens"), so a test that asks "was this socket reported?" looks the
// token up here.
#ifndef ASYCAMORE_TESTS_SUPPORT_TOKEN_BOOK_H_
#define ASYCAMORE_TESTS_SUPPORT_TOKEN_BOOK_H_

#include <cstdint>
#include <map>
#include <optional>

#include "absl/status/status.h"
#include "asycamore/dispatcher.h"

namespace asycamore::testing {

class TokenBook {
 public:
  // The dispatcher Add and Modify go to (set before they are called).
  void Use(Dispatcher* dispatcher) { dispatcher_ = dispatcher; }

  // Add and Modify, recording the token when they succeed.
  absl::Status Add(NativeSocket socket, Interest interest,
                   std::uint64_t token) {
    return Record(dispatcher_->Add(socket, interest, token), socket, token);
  }
  absl::Status Modify(NativeSocket socket, Interest interest,
                      std::uint64_t token) {
    return Record(dispatcher_->Modify(socket, interest, token), socket,
                  token);
  }

  // The token `socket` was last registered with, if any.
  std::optional<std::uint64_t> TokenOf(NativeSocket socket) const {
    auto it = tokens_.find(socket);
    if (it == tokens_.end()) return std::nullopt;
    return it->second;
  }
  // The socket last registered with `token`, or kInvalidSocket.
  NativeSocket SocketOf(std::uint64_t token) const {
    auto it = sockets_.find(token);
    return it == sockets_.end() ? kInvalidSocket : it->second;
  }

 private:
  absl::Status Record(absl::Status status, NativeSocket socket,
                      std::uint64_t token) {
    if (status.ok()) {
      // A Modify's old token names nobody any more.
      if (auto old = tokens_.find(socket); old != tokens_.end()) {
        sockets_.erase(old->second);
      }
      tokens_[socket] = token;
      sockets_[token] = socket;
    }
    return status;
  }

  Dispatcher* dispatcher_ = nullptr;
  std::map<NativeSocket, std::uint64_t> tokens_;
  std::map<std::uint64_t, NativeSocket> sockets_;
};

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_SUPPORT_TOKEN_BOOK_H_
