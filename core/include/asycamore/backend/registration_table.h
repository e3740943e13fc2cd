// RegistrationTable: what a dispatcher knows about each registered socket
// (its interest and token). The base Dispatcher keeps it to catch misuse;
// backends read it to build events.
//
// On POSIX, descriptors are small and dense, so the table is a vector
// indexed by descriptor: a lookup per event is one bounds check and one load.
// Windows SOCKETs are not dense, so there it is a hash map.
#ifndef ASYCAMORE_BACKEND_REGISTRATION_TABLE_H_
#define ASYCAMORE_BACKEND_REGISTRATION_TABLE_H_

#include <cstddef>
#include <cstdint>

#include "asycamore/event.h"
#include "asycamore/native_socket.h"

#ifdef _WIN32
#include "absl/container/flat_hash_map.h"
#else
#include <vector>
#endif

namespace asycamore {

struct Registration {
  Interest interest = Interest::kNone;  // kNone marks a free entry
  std::uint64_t token = 0;
};

class RegistrationTable {
 public:
  // Returns the registration of `socket`, or nullptr if it has none.
  const Registration* Find(NativeSocket socket) const {
#ifdef _WIN32
    auto it = entries_.find(socket);
    return it == entries_.end() ? nullptr : &it->second;
#else
    if (socket < 0 || static_cast<std::size_t>(socket) >= entries_.size()) {
      return nullptr;
    }
    const Registration& entry = entries_[static_cast<std::size_t>(socket)];
    return entry.interest == Interest::kNone ? nullptr : &entry;
#endif
  }

  // Records or replaces the registration of `socket`.
  void Set(NativeSocket socket, Interest interest, std::uint64_t token) {
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

  // Forgets `socket`. It must be registered.
  void Erase(NativeSocket socket) {
#ifdef _WIN32
    if (entries_.erase(socket) != 0) --size_;
#else
    entries_[static_cast<std::size_t>(socket)] = Registration{};
    --size_;
#endif
  }

  std::size_t size() const { return size_; }

 private:
#ifdef _WIN32
  absl::flat_hash_map<NativeSocket, Registration> entries_;
#else
  std::vector<Registration> entries_;
#endif
  std::size_t size_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_BACKEND_REGISTRATION_TABLE_H_
