// HttpStreamParser: what HttpRequestParser and HttpResponseParser share, the
// byte-stream side of a parser. Construct one of those; this class only
// documents and implements their common calls once.
#ifndef ASYCAMORE_HTTP_HTTP_STREAM_PARSER_H_
#define ASYCAMORE_HTTP_HTTP_STREAM_PARSER_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "asycamore/export.h"
#include "asycamore/http/http_message.h"

namespace asycamore {

namespace http_internal {
class ParserCore;
}  // namespace http_internal

class ASYCAMORE_HTTP_API HttpStreamParser {
 public:
  HttpStreamParser(const HttpStreamParser&) = delete;
  HttpStreamParser& operator=(const HttpStreamParser&) = delete;

  // Parses the next bytes of the connection; calls the handler for every
  // message they complete. Returns the error that stopped the parser, if
  // any: from then on every call returns it.
  absl::Status Feed(std::string_view data);

  // Tells the parser the peer will send nothing more (its FIN, or a reset).
  // Completes a response whose body runs until the end; a message cut short
  // is a kTruncated error saying where it was cut. OK between messages.
  absl::Status Finish();

  // Starts over for a new connection, keeping the buffers' capacity.
  void Reset();

  HttpParseError error() const;
  // True between messages (nothing of the next one received yet).
  bool idle() const;
  // True once a message ended HTTP on the connection (keep_alive false):
  // later bytes are ignored.
  bool closed() const;
  // Every byte given to Feed.
  std::uint64_t bytes_fed() const;
  // The bytes given after the parser closed.
  std::uint64_t ignored_bytes() const;

 protected:
  explicit HttpStreamParser(std::unique_ptr<http_internal::ParserCore> core);
  ~HttpStreamParser();

 private:
  std::unique_ptr<http_internal::ParserCore> core_;
};

}  // namespace asycamore

#endif  // ASYCAMORE_HTTP_HTTP_STREAM_PARSER_H_
