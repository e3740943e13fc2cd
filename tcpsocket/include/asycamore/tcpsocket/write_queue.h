// WriteQueue: the bytes a connection has accepted and not yet handed to its
// socket, in order. TcpConnection owns one; you use it through
// TcpConnection::Send, so read this only to know how it costs.
//
// A ring of Cords, one per append: the front one is walked by a cursor (the
// chunk holding the next byte and the offset in it), appends go behind it.
// So a send never rescans bytes already sent (the cost of a send is the
// buffers it offers, not the size of the queue), nothing is copied to build
// a send (each buffer points into a Cord chunk), and in the steady state
// nothing allocates: appending a Cord shares its memory and takes a ring
// slot (concatenating Cords would allocate tree nodes), consuming lets each
// Cord go as its last byte is sent. Only Append(string_view) copies, into
// the last Cord when that one holds copies already.
//
// Positions count bytes over the connection's whole life: sent_position()
// is how many bytes were handed to the socket, end_position() how many were
// accepted. WriteIterable marks item boundaries with them.
#ifndef ASYCAMORE_TCPSOCKET_WRITE_QUEUE_H_
#define ASYCAMORE_TCPSOCKET_WRITE_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/strings/cord.h"
#include "asycamore/export.h"
#include "asycamore/ring_queue.h"
#include "asycamore/tcpsocket/socket_ops.h"

namespace asycamore {

class ASYCAMORE_TCPSOCKET_API WriteQueue {
 public:
  WriteQueue() = default;
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Appends a copy of `bytes`.
  void Append(std::string_view bytes);
  // Appends `bytes`, sharing its memory (a Cord's chunks are refcounted).
  void Append(absl::Cord bytes);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint64_t sent_position() const { return sent_; }
  std::uint64_t end_position() const { return sent_ + size_; }
  // Changes on every append: buffers filled by Peek before an append may
  // point into memory the append moved.
  std::uint64_t generation() const { return generation_; }

  // Fills at most `max` buffers with the next unsent bytes, in order, and
  // sets `bytes` to their total. Returns the buffer count. The buffers stay
  // valid until the next Append, Consume or Clear.
  std::size_t Peek(ConstBuffer* buffers, std::size_t max,
                   std::size_t& bytes) const;

  // Drops the first `count` bytes (the socket took them).
  void Consume(std::size_t count);

  // Counts `count` bytes sent straight from the caller's memory while the
  // queue was empty (positions stay those of the whole stream).
  void CountSentPast(std::size_t count) { sent_ += count; }

  // Drops every unsent byte; returns how many there were.
  std::size_t Clear();

 private:
  // Points the cursor at the front Cord's byte `front_sent_` (after the
  // ring moved the Cords, whose inline bytes move with them).
  void Reseat();

  RingQueue<absl::Cord> entries_;
  absl::Cord::ChunkIterator cursor_;  // chunk of the front holding the next byte
  std::size_t chunk_offset_ = 0;      // bytes of *cursor_ already sent
  std::size_t front_sent_ = 0;        // bytes of the front already sent
  bool cursor_set_ = false;           // the cursor is inside the front
  bool back_is_copy_ = false;         // the last Cord holds copied bytes
  std::size_t size_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_WRITE_QUEUE_H_
