#include "asycamore/tcpsocket/data_reader.h"

#include <utility>

#include "asycamore/event_loop.h"

namespace asycamore {
namespace {

bool IsOpen(const TcpConnection& connection) {
  return connection.dispatch_state() == ConnectionState::kConnected ||
         connection.dispatch_state() == ConnectionState::kConnecting;
}

}  // namespace

DataReader::DataReader(TcpConnection& connection, DataCallback for_each,
                       DataReaderOptions options)
    : connection_(connection),
      for_each_(std::move(for_each)),
      options_(std::move(options)),
      reader_(options_.buffer_size) {
  if (options_.max_reads_per_event < 1) options_.max_reads_per_event = 1;
  if (!for_each_) for_each_ = [](absl::string_view) {};
}

DataReader::~DataReader() {
  if (retry_timer_.valid() && connection_.loop() != nullptr) {
    connection_.loop()->CancelTimer(retry_timer_);
  }
}

absl::Status DataReader::Start() { return connection_.WatchRead(true); }

ReadProgress DataReader::OnReadable() {
  for (int i = 0; i < options_.max_reads_per_event; ++i) {
    if (progress_ != ReadProgress::kReading || !IsOpen(connection_)) {
      return progress_;
    }
    const IoStep step = reader_.Step(connection_.socket());
    ++read_calls_;
    switch (step.status) {
      case IoStatus::kOk:
        bytes_read_ += step.bytes;
        for_each_(reader_.data());
        continue;
      case IoStatus::kWouldBlock:
        return progress_;
      case IoStatus::kNoBuffers:
        RetryLater();
        return progress_;
      case IoStatus::kEnd:
        // Reads come in order, so every byte the peer sent was delivered
        // before this zero-byte read.
        progress_ = ReadProgress::kEnded;
        connection_.WatchRead(false).IgnoreError();
        if (options_.on_end) options_.on_end();
        if (options_.close_on_end) connection_.Close();
        return progress_;
      case IoStatus::kError:
        progress_ = ReadProgress::kFailed;
        connection_.set_last_error(step.error);
        if (options_.on_error) options_.on_error(step);
        connection_.Close();
        return progress_;
    }
  }
  // The budget is spent; level-triggered readiness brings the rest next turn.
  return progress_;
}

void DataReader::RetryLater() {
  // ENOBUFS / ENOMEM: readiness does not tell when memory is back, and a
  // socket with data stays readable, so watching would spin. Pause instead.
  connection_.WatchRead(false).IgnoreError();
  retry_timer_ =
      connection_.loop()->RunAfter(options_.no_buffers_backoff, [this] {
        retry_timer_ = TimerId();
        if (!IsOpen(connection_) || progress_ != ReadProgress::kReading) return;
        if (!connection_.WatchRead(true).ok()) return;
        OnReadable();
      });
}

}  // namespace asycamore
