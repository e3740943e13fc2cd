// DataReader: the seed's data_reader, the "just call me with the data" side
// of a connection.
//
//   DataReader reader(connection, [&](std::string_view data) { ... });
//   reader.Start();                 // watch for reading
//   ... in dispatch_event: if (event.readable) reader.OnReadable();
//
// for_each(data) runs for every non-empty read; `data` is valid during the
// call only (reads land in a buffer the thread's connections share, so an
// idle connection holds none). A zero-byte read means the peer will send
// nothing more; since the reads are in order, every byte it sent was
// delivered before that. Then on_end runs, and with close_on_end (the
// default, the seed's rule) the connection closes gracefully:
// Close(close_timeout) flushes the replies still queued, sends the FIN and
// closes (the peer's end is already known, so it does not wait for it). It
// never closes with bytes queued unless close_timeout runs out. With
// close_on_end off the connection stays open for writing (a half-close)
// and only stops watching for reading.
//
// Cost per event: after a short read (fewer bytes than buffer_size) it
// stops, as the socket is then most likely empty (level-triggered readiness
// brings anything else on the next turn): an echo round trip costs one read
// and one send. At most `max_reads_per_event` reads, so one fire-hose peer
// cannot starve the others. While the connection's reading is paused
// (PauseReading, e.g. from on_write_blocked) it reads nothing. ENOBUFS
// stops read interest until the connection's retry timer (one per
// connection) fires. Any other error is recorded on the connection
// (last_error()), then on_error runs and the connection is aborted.
//
// for_each may close the connection; it must not destroy the DataReader
// (nor the connection, which usually holds it).
#ifndef ASYCAMORE_TCPSOCKET_DATA_READER_H_
#define ASYCAMORE_TCPSOCKET_DATA_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "asycamore/export.h"
#include "asycamore/tcpsocket/io_step.h"
#include "asycamore/tcpsocket/socket_reader.h"
#include "asycamore/tcpsocket/tcp_connection.h"

namespace asycamore {

using DataCallback = absl::AnyInvocable<void(std::string_view data)>;

enum class ReadProgress : std::uint8_t {
  kReading,  // waiting for more
  kEnded,    // the peer finished sending; everything was delivered
  kFailed,   // an error ended the reading (the connection was aborted)
};

struct DataReaderOptions {
  // Bytes one read asks for, at most.
  std::size_t buffer_size = SocketReader::kDefaultBufferSize;
  int max_reads_per_event = 16;
  // At the peer's end: Close(close_timeout) (flush, FIN, close).
  bool close_on_end = true;
  // How long that close may take to flush the replies still queued.
  absl::Duration close_timeout = absl::Seconds(30);
  // Called after the last byte was delivered, before any close.
  absl::AnyInvocable<void()> on_end = nullptr;
  // Called with the step that failed, before the abort.
  absl::AnyInvocable<void(const IoStep&)> on_error = nullptr;
};

class ASYCAMORE_TCPSOCKET_API DataReader {
 public:
  DataReader(TcpConnection& connection, DataCallback for_each,
             DataReaderOptions options = {});

  DataReader(const DataReader&) = delete;
  DataReader& operator=(const DataReader&) = delete;

  // Turns read interest on for the connection.
  absl::Status Start();

  // Reads what is there (see "Cost per event"). Call it for every readable
  // event of the connection.
  ReadProgress OnReadable();

  ReadProgress progress() const { return progress_; }
  std::uint64_t bytes_read() const { return bytes_read_; }
  std::uint64_t read_calls() const { return read_calls_; }

 private:
  TcpConnection& connection_;
  DataCallback for_each_;
  DataReaderOptions options_;
  ReadProgress progress_ = ReadProgress::kReading;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t read_calls_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TCPSOCKET_DATA_READER_H_
