#include "asycamore/dispatcher.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "asycamore/internal/absl_string_view.h"
#include "open_handle.h"

namespace asycamore {
namespace {

// Rewrites `status` so its message names the call, the socket and the
// backend: "Dispatcher::Add(socket=7, interest=read) on epoll: <detail>".
absl::Status NameTheCall(const absl::Status& status, const char* call,
                         NativeSocket socket, std::string_view backend,
                         const Interest* interest = nullptr) {
  std::string message =
      absl::StrCat("Dispatcher::", call, "(socket=", SocketNumber(socket));
  if (interest != nullptr) {
    absl::StrAppend(&message, ", interest=", InterestName(*interest));
  }
  absl::StrAppend(&message, ") on ", AbslView(backend), ": ",
                  status.message());
  return absl::Status(status.code(), message);
}

}  // namespace

void Dispatcher::RegistrationTable::Set(NativeSocket socket, Interest interest,
                                        std::uint64_t token) {
#ifdef _WIN32
  auto [it, inserted] = entries_.try_emplace(socket);
  it->second = Registration{interest, token};
  if (inserted) ++size_;
#else
  const auto index = static_cast<std::size_t>(socket);
  if (index >= entries_.size()) {
    // Grow geometrically so a rising descriptor does not reallocate often.
    std::size_t grown = entries_.size() < 64 ? 64 : entries_.size();
    while (grown <= index) grown *= 2;
    entries_.resize(grown);
  }
  if (entries_[index].interest == Interest::kNone) ++size_;
  entries_[index] = Registration{interest, token};
#endif
}

void Dispatcher::RegistrationTable::Erase(NativeSocket socket) {
#ifdef _WIN32
  if (entries_.erase(socket) != 0) --size_;
#else
  entries_[static_cast<std::size_t>(socket)] = Registration{};
  --size_;
#endif
}

bool Dispatcher::IsOpenHandle(NativeSocket socket) {
  return internal::CheckHandleOpen(socket).ok();
}

absl::Status Dispatcher::ClosedBeforeRemoveError() {
  return absl::FailedPreconditionError(
      "the socket was closed before it was removed (remove first, then "
      "close); the registration is dropped");
}

absl::Status Dispatcher::CheckHandle(const char* call,
                                     NativeSocket socket) const {
#ifdef _WIN32
  const bool invalid = socket == kInvalidSocket;
#else
  const bool invalid = socket < 0;
#endif
  if (invalid) {
    return NameTheCall(absl::InvalidArgumentError("invalid socket handle"),
                       call, socket, name());
  }
  return absl::OkStatus();
}

absl::Status Dispatcher::CheckInterest(const char* call, NativeSocket socket,
                                       Interest interest) const {
  if (!IsValidInterest(interest)) {
    return NameTheCall(
        absl::InvalidArgumentError(
            "interest must be read, write or read|write (to stop watching a "
            "socket, remove it)"),
        call, socket, name(), &interest);
  }
  return absl::OkStatus();
}

absl::Status Dispatcher::CheckToken(const char* call, NativeSocket socket,
                                    Interest interest,
                                    std::uint64_t token) const {
  if (token > kMaxToken) {
    return NameTheCall(
        absl::InvalidArgumentError(absl::StrCat(
            "token ", token,
            " is above Dispatcher::kMaxToken (2^62 - 1; the top two bits are "
            "the backend's)")),
        call, socket, name(), &interest);
  }
  return absl::OkStatus();
}

absl::Status Dispatcher::Add(NativeSocket socket, Interest interest,
                             std::uint64_t token) {
  if (absl::Status s = CheckHandle("Add", socket); !s.ok()) return s;
  if (absl::Status s = CheckInterest("Add", socket, interest); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckToken("Add", socket, interest, token); !s.ok()) {
    return s;
  }
  if (registrations_.Find(socket) != nullptr) {
    return NameTheCall(absl::AlreadyExistsError("socket is already registered"),
                       "Add", socket, name(), &interest);
  }
  if (closed_handles_ == ClosedHandles::kByBase) {
    if (absl::Status s = internal::CheckHandleOpen(socket); !s.ok()) {
      return NameTheCall(s, "Add", socket, name(), &interest);
    }
  }
  if (absl::Status s = AddToBackend(socket, interest, token); !s.ok()) {
    return NameTheCall(s, "Add", socket, name(), &interest);
  }
  registrations_.Set(socket, interest, token);
  return absl::OkStatus();
}

absl::Status Dispatcher::Modify(NativeSocket socket, Interest interest,
                                std::uint64_t token) {
  if (absl::Status s = CheckHandle("Modify", socket); !s.ok()) return s;
  if (absl::Status s = CheckInterest("Modify", socket, interest); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckToken("Modify", socket, interest, token);
      !s.ok()) {
    return s;
  }
  const Registration* current = registrations_.Find(socket);
  if (current == nullptr) {
    return NameTheCall(absl::NotFoundError("socket is not registered"),
                       "Modify", socket, name(), &interest);
  }
  absl::Status changed;
  if (current->interest != interest) {
    changed = ModifyInBackend(socket, current->interest, interest, token);
  } else if (current->token != token) {
    changed = ChangeTokenInBackend(socket, interest, token);
  }
  if (!changed.ok()) {
    return NameTheCall(changed, "Modify", socket, name(), &interest);
  }
  registrations_.Set(socket, interest, token);
  return absl::OkStatus();
}

absl::Status Dispatcher::Remove(NativeSocket socket) {
  if (absl::Status s = CheckHandle("Remove", socket); !s.ok()) return s;
  const Registration* current = registrations_.Find(socket);
  if (current == nullptr) {
    return NameTheCall(absl::NotFoundError("socket is not registered"),
                       "Remove", socket, name());
  }
  const absl::Status removed = RemoveFromBackend(socket, current->interest);
  // Forget the socket even when the system refused (it was closed first):
  // keeping a dead entry would make every later Add of that number fail.
  registrations_.Erase(socket);
  if (!removed.ok()) return NameTheCall(removed, "Remove", socket, name());
  if (closed_handles_ == ClosedHandles::kByBase && !IsOpenHandle(socket)) {
    return NameTheCall(ClosedBeforeRemoveError(), "Remove", socket, name());
  }
  return absl::OkStatus();
}

}  // namespace asycamore
