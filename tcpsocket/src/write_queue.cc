#include "asycamore/tcpsocket/write_queue.h"

#include <algorithm>
#include <utility>

#include "asycamore/internal/absl_string_view.h"

namespace asycamore {

void WriteQueue::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  const absl::string_view view = AbslView(bytes);
  if (back_is_copy_ && entries_.size() >= 2) {
    // Not the front: the cursor is not inside it.
    entries_.back().Append(view);
  } else {
    const std::size_t capacity = entries_.capacity();
    entries_.push_back(absl::Cord(view));
    if (cursor_set_ && entries_.capacity() != capacity) Reseat();
    back_is_copy_ = true;
  }
  size_ += bytes.size();
  ++generation_;
}

void WriteQueue::Append(absl::Cord bytes) {
  if (bytes.empty()) return;
  size_ += bytes.size();
  const std::size_t capacity = entries_.capacity();
  entries_.push_back(std::move(bytes));
  if (cursor_set_ && entries_.capacity() != capacity) Reseat();
  back_is_copy_ = false;
  ++generation_;
}

void WriteQueue::Reseat() {
  const absl::Cord& front = entries_.front();
  std::size_t skip = front_sent_;
  for (cursor_ = front.chunk_begin(); cursor_ != front.chunk_end(); ++cursor_) {
    const std::size_t chunk = (*cursor_).size();
    if (skip < chunk) break;
    skip -= chunk;
  }
  chunk_offset_ = skip;
}

std::size_t WriteQueue::Peek(ConstBuffer* buffers, std::size_t max,
                             std::size_t& bytes) const {
  std::size_t count = 0;
  bytes = 0;
  for (std::size_t e = 0; e < entries_.size() && count < max; ++e) {
    const absl::Cord& entry = entries_[e];
    absl::Cord::ChunkIterator it = entry.chunk_begin();
    std::size_t skip = 0;
    if (e == 0 && cursor_set_) {
      it = cursor_;
      skip = chunk_offset_;
    }
    for (; it != entry.chunk_end() && count < max; ++it) {
      const absl::string_view chunk = *it;
      buffers[count++] = ConstBuffer{chunk.data() + skip, chunk.size() - skip};
      bytes += chunk.size() - skip;
      skip = 0;
    }
  }
  return count;
}

void WriteQueue::Consume(std::size_t count) {
  count = std::min(count, size_);
  size_ -= count;
  sent_ += count;
  while (count > 0) {
    const absl::Cord& front = entries_.front();
    if (!cursor_set_) {
      cursor_ = front.chunk_begin();
      chunk_offset_ = 0;
      front_sent_ = 0;
      cursor_set_ = true;
    }
    const std::size_t chunk_size = (*cursor_).size();
    const std::size_t take = std::min(count, chunk_size - chunk_offset_);
    chunk_offset_ += take;
    front_sent_ += take;
    count -= take;
    if (chunk_offset_ == chunk_size) {
      ++cursor_;
      chunk_offset_ = 0;
      if (cursor_ == front.chunk_end()) {
        // Let go of the memory now (an external Cord's releaser runs).
        cursor_set_ = false;
        cursor_ = absl::Cord::ChunkIterator();
        entries_.pop_front();
        if (entries_.empty()) back_is_copy_ = false;
      }
    }
  }
}

std::size_t WriteQueue::Clear() {
  const std::size_t dropped = size_;
  cursor_set_ = false;
  cursor_ = absl::Cord::ChunkIterator();
  chunk_offset_ = 0;
  front_sent_ = 0;
  entries_.clear();
  back_is_copy_ = false;
  size_ = 0;
  ++generation_;
  return dropped;
}

}  // namespace asycamore
