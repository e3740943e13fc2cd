#include "asycamore/tcpsocket/write_queue.h"

#include <algorithm>
#include <utility>

namespace asycamore {

void WriteQueue::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  pending_.Append(absl::string_view(bytes.data(), bytes.size()));
  size_ += bytes.size();
  ++generation_;
}

void WriteQueue::Append(absl::Cord bytes) {
  if (bytes.empty()) return;
  size_ += bytes.size();
  pending_.Append(std::move(bytes));
  ++generation_;
}

std::size_t WriteQueue::Peek(ConstBuffer* buffers, std::size_t max,
                             std::size_t& bytes) const {
  std::size_t count = 0;
  bytes = 0;
  if (sending_active_) {
    std::size_t skip = chunk_offset_;
    absl::Cord::ChunkIterator it = cursor_;
    for (; it != sending_.chunk_end() && count < max; ++it) {
      const absl::string_view chunk = *it;
      buffers[count++] = ConstBuffer{chunk.data() + skip, chunk.size() - skip};
      bytes += chunk.size() - skip;
      skip = 0;
    }
    if (it != sending_.chunk_end()) return count;
  }
  for (const absl::string_view chunk : pending_.Chunks()) {
    if (count == max) break;
    buffers[count++] = ConstBuffer{chunk.data(), chunk.size()};
    bytes += chunk.size();
  }
  return count;
}

void WriteQueue::Consume(std::size_t count) {
  count = std::min(count, size_);
  size_ -= count;
  sent_ += count;
  while (count > 0) {
    if (!sending_active_) {
      // The cursor finished the frozen part: what was appended since is
      // next. Only a moved-in Cord is walked, so the cursor stays valid.
      sending_ = std::move(pending_);
      pending_.Clear();
      cursor_ = sending_.chunk_begin();
      chunk_offset_ = 0;
      sending_active_ = cursor_ != sending_.chunk_end();
      if (!sending_active_) break;  // unreachable: size_ counted bytes here
    }
    const std::size_t chunk_size = (*cursor_).size();
    const std::size_t take = std::min(count, chunk_size - chunk_offset_);
    chunk_offset_ += take;
    count -= take;
    if (chunk_offset_ == chunk_size) {
      ++cursor_;
      chunk_offset_ = 0;
      if (cursor_ == sending_.chunk_end()) {
        // Let go of the memory now (an external Cord's releaser runs).
        sending_active_ = false;
        cursor_ = absl::Cord::ChunkIterator();
        sending_.Clear();
      }
    }
  }
}

std::size_t WriteQueue::Clear() {
  const std::size_t dropped = size_;
  sending_active_ = false;
  cursor_ = absl::Cord::ChunkIterator();
  chunk_offset_ = 0;
  sending_.Clear();
  pending_.Clear();
  size_ = 0;
  ++generation_;
  return dropped;
}

}  // namespace asycamore
