#include "asycamore/dispatcher.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl_string_view.h"

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

absl::Status Dispatcher::Add(NativeSocket socket, Interest interest,
                             std::uint64_t token) {
  if (absl::Status s = CheckHandle("Add", socket); !s.ok()) return s;
  if (absl::Status s = CheckInterest("Add", socket, interest); !s.ok()) {
    return s;
  }
  if (registrations_.Find(socket) != nullptr) {
    return NameTheCall(absl::AlreadyExistsError("socket is already registered"),
                       "Add", socket, name(), &interest);
  }
  if (absl::Status s = AddToBackend(socket, interest); !s.ok()) {
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
  const Registration* current = registrations_.Find(socket);
  if (current == nullptr) {
    return NameTheCall(absl::NotFoundError("socket is not registered"),
                       "Modify", socket, name(), &interest);
  }
  if (current->interest != interest) {
    if (absl::Status s = ModifyInBackend(socket, current->interest, interest);
        !s.ok()) {
      return NameTheCall(s, "Modify", socket, name(), &interest);
    }
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
  return absl::OkStatus();
}

}  // namespace asycamore
