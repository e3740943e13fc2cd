// SocketPairs: N nonblocking AF_UNIX stream socket pairs, closed on
// destruction. One set is shared by every implementation measured on a
// workload, so all of them see the same descriptors.
#ifndef ASYCAMORE_BENCHMARKS_WORKLOADS_SOCKET_PAIRS_H_
#define ASYCAMORE_BENCHMARKS_WORKLOADS_SOCKET_PAIRS_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"

namespace asycamore::bench {

class SocketPairs {
 public:
  // Opens `count` pairs. Fails (closing what it opened) when the system
  // refuses, e.g. at the open-file limit.
  static absl::StatusOr<SocketPairs> Open(std::size_t count);

  SocketPairs() = default;
  SocketPairs(SocketPairs&& other) noexcept : fds_(std::move(other.fds_)) {
    other.fds_.clear();
  }
  SocketPairs& operator=(SocketPairs&& other) noexcept;
  SocketPairs(const SocketPairs&) = delete;
  SocketPairs& operator=(const SocketPairs&) = delete;
  ~SocketPairs() { Close(); }

  std::size_t size() const { return fds_.size() / 2; }
  // The end a workload watches for reading.
  int read_fd(std::size_t pair) const { return fds_[2 * pair]; }
  // The end a workload writes to, making read_fd(pair) readable.
  int write_fd(std::size_t pair) const { return fds_[2 * pair + 1]; }
  // Returns the highest descriptor number of any pair, or -1.
  int max_fd() const;

 private:
  void Close();
  std::vector<int> fds_;
};

}  // namespace asycamore::bench

#endif  // ASYCAMORE_BENCHMARKS_WORKLOADS_SOCKET_PAIRS_H_
