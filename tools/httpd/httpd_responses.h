// What asycamore-httpd answers, apart from any socket: the routes
// (GET or HEAD /plaintext, POST /echo, 404 for the rest), the error answers
// (400, 413, 431) and the headers TechEmpower's plaintext test expects
// (Server, Date, Content-Type). One per loop: it holds that loop's cached
// Date, and the whole keep-alive answer to GET /plaintext built from it, so
// the common answer is one append of bytes made once a second.
#ifndef ASYCAMORE_TOOLS_HTTPD_HTTPD_RESPONSES_H_
#define ASYCAMORE_TOOLS_HTTPD_HTTPD_RESPONSES_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "asycamore/http/request_parser.h"

namespace asycamore {

inline constexpr std::string_view kPlaintextBody = "Hello, World!";
inline constexpr std::string_view kServerName = "asycamore";

class HttpdResponses {
 public:
  explicit HttpdResponses(absl::Time now);

  // Moves the clock to `now`; the Date changes when the second does.
  void SetNow(absl::Time now);
  std::string_view date() const { return date_; }

  // Appends the answer to `request` to `out`. It carries `Connection: close`
  // when the request does not keep the connection alive, and `Connection:
  // keep-alive` for an HTTP/1.0 request that asked for it.
  void AppendAnswer(const HttpRequestView& request, std::string& out) const;

  // Appends the answer to a request that could not be parsed (`status` is
  // ResponseStatusFor of the parse error: 400, 413 or 431), with
  // `Connection: close`: nothing more is read from that connection.
  void AppendError(int status, std::string& out) const;

 private:
  void Append(int status, std::string_view content_type, std::string_view body,
              bool head_only, std::string_view connection, bool close,
              std::string& out) const;

  absl::Time second_;
  std::string date_;
  std::string plaintext_;  // the whole answer to a keep-alive HTTP/1.1 GET
};

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_HTTPD_HTTPD_RESPONSES_H_
