// DataReader: the seed's data_reader, the "just call me with the data" side
// of a connection.
//
//   DataReader reader(connection, [&](absl::string_view data) { ... });
//   reader.Start();                 // watch for reading
//   ... in dispatch_event: if (event.readable) reader.OnReadable();
//
// for_each(data) runs for every non-empty read. A zero-byte read means the
// peer will send nothing more; since the reads are in order, every byte it
// sent was delivered before that. Then on_end runs, and (the seed's rule,
// close_on_end) the connection is closed. With close_on_end off the
// connection stays open for writing (a half-close) and only stops watching
// for reading.
//
// Work is bounded: at most `max_reads_per_event` reads per OnReadable, so
// one fire-hose peer cannot starve the others; level-triggered readiness
// brings the rest on the next turn. ENOBUFS turns read interest off and
// retries after `no_buffers_backoff`. Any other error is recorded on the
// connection (last_error()), then on_error runs and the connection closes.
//
// for_each may close the connection; it must not destroy the DataReader.
#ifndef ASYCAMORE_TCPSOCKET_DATA_READER_H_
#define ASYCAMORE_TCPSOCKET_DATA_READER_H_

#include <cstddef>
#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "asycamore/tcpsocket/io_step.h"
#include "asycamore/tcpsocket/socket_reader.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "asycamore/timer_queue.h"

namespace asycamore {

using DataCallback = absl::AnyInvocable<void(absl::string_view data)>;

enum class ReadProgress : std::uint8_t {
  kReading,  // waiting for more
  kEnded,    // the peer finished sending; everything was delivered
  kFailed,   // an error ended the reading (the connection was closed)
};

struct DataReaderOptions {
  std::size_t buffer_size = SocketReader::kDefaultBufferSize;
  int max_reads_per_event = 16;
  bool close_on_end = true;
  absl::Duration no_buffers_backoff = absl::Milliseconds(5);
  // Called after the last byte was delivered, before any close.
  absl::AnyInvocable<void()> on_end;
  // Called with the step that failed, before the close.
  absl::AnyInvocable<void(const IoStep&)> on_error;
};

class DataReader {
 public:
  DataReader(TcpConnection& connection, DataCallback for_each,
             DataReaderOptions options = {});
  // Cancels a pending retry.
  ~DataReader();

  DataReader(const DataReader&) = delete;
  DataReader& operator=(const DataReader&) = delete;

  // Turns read interest on for the connection.
  absl::Status Start();

  // Reads what is there, at most max_reads_per_event times. Call it for
  // every readable event of the connection.
  ReadProgress OnReadable();

  ReadProgress progress() const { return progress_; }
  std::uint64_t bytes_read() const { return bytes_read_; }
  std::uint64_t read_calls() const { return read_calls_; }

 private:
  void RetryLater();

  TcpConnection& connection_;
  DataCallback for_each_;
  DataReaderOptions options_;
  SocketReader reader_;
  ReadProgress progress_ = ReadProgress::kReading;
  TimerId retry_timer_;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t read_calls_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_DATA_READER_H_
