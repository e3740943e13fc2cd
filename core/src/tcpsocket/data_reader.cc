#include "asycamore/tcpsocket/data_reader.h"

#include <utility>

#include "read_buffer.h"

namespace asycamore {

DataReader::DataReader(TcpConnection& connection, DataCallback for_each,
                       DataReaderOptions options)
    : connection_(connection),
      for_each_(std::move(for_each)),
      options_(std::move(options)) {
  if (options_.max_reads_per_event < 1) options_.max_reads_per_event = 1;
  if (options_.buffer_size == 0) options_.buffer_size = 1;
  if (!for_each_) for_each_ = [](std::string_view) {};
}

absl::Status DataReader::Start() { return connection_.WatchRead(true); }

ReadProgress DataReader::OnReadable() {
  if (progress_ != ReadProgress::kReading) return progress_;
  // for_each may destroy the connection (and with it, usually, this
  // reader): the guard says so, and nothing of either is touched then.
  TcpConnection::AliveGuard alive(connection_);
  internal::ReadBuffer buffer(options_.buffer_size);
  for (int i = 0; i < options_.max_reads_per_event; ++i) {
    if (!connection_.can_read()) return progress_;
    const IoStep step =
        ReceiveStep(connection_.socket(), buffer.data(), buffer.size());
    ++read_calls_;
    switch (step.status) {
      case IoStatus::kOk:
        bytes_read_ += step.bytes;
        for_each_(std::string_view(buffer.data(), step.bytes));
        if (!alive.alive()) return ReadProgress::kReading;
        // A short read emptied the socket (most likely): stop here rather
        // than pay a read that only says would-block.
        if (step.bytes < buffer.size()) return progress_;
        continue;
      case IoStatus::kWouldBlock:
        return progress_;
      case IoStatus::kNoBuffers:
        connection_.BackOffReading();
        return progress_;
      case IoStatus::kEnd:
        // Reads come in order, so every byte the peer sent was delivered
        // before this zero-byte read.
        progress_ = ReadProgress::kEnded;
        connection_.OnPeerEnd();
        if (!alive.alive()) return ReadProgress::kEnded;
        connection_.WatchRead(false).IgnoreError();
        if (options_.on_end) {
          options_.on_end();
          if (!alive.alive()) return ReadProgress::kEnded;
        }
        if (options_.close_on_end) connection_.Close(options_.close_timeout);
        return ReadProgress::kEnded;
      case IoStatus::kError:
        progress_ = ReadProgress::kFailed;
        connection_.set_last_error(step.error);
        if (options_.on_error) {
          options_.on_error(step);
          if (!alive.alive()) return ReadProgress::kFailed;
        }
        connection_.Abort();
        return ReadProgress::kFailed;
    }
  }
  // The budget is spent; level-triggered readiness brings the rest next turn.
  return progress_;
}

}  // namespace asycamore
