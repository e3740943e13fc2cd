// The HTTP request stream as a server sees it: HttpRequestParser fed
// arbitrary bytes. Input: 2 control bytes, then the stream.
//   byte 0: bits 0-1 pick the limits (default, or small enough that
//           arbitrary input reaches 431 and 413), bit 2 calls Finish() at
//           the end (the client's FIN);
//   byte 1: seeds the random split of the stream into chunks.
// Properties: no crash, leak or UB; the chunks give exactly what the whole
// stream gives (the same requests in order, the same error, the same status
// text with its byte offset, the same counters); after Reset the parser
// gives the same again; every request is self-consistent.
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "asycamore/http/request_parser.h"
#include "fuzz_check.h"

namespace asycamore {
namespace {

class Recorder : public HttpRequestHandler {
 public:
  void OnRequest(const HttpRequestView& r) override {
    FUZZ_REQUIRE(r.headers.size() == r.header_count,
                 absl::StrCat(r.headers.size(), " headers, counted ", r.header_count));
    FUZZ_REQUIRE(r.body.size() == r.body_size,
                 absl::StrCat(r.body.size(), " body bytes, counted ", r.body_size));
    FUZZ_REQUIRE(HttpMethodFromName(r.method_name) == r.method,
                 absl::StrCat("method ", Text(r.method_name)));
    FUZZ_REQUIRE(!r.target.empty(), "an empty request-target");
    FUZZ_REQUIRE(r.method != HttpMethod::kConnect || !r.keep_alive,
                 "keep-alive after CONNECT");
    std::string line = absl::StrCat(Text(r.method_name), " ", Text(r.target), " ",
                                    r.version.major, ".", r.version.minor,
                                    " ka=", r.keep_alive, " framing=",
                                    Text(BodyFramingName(r.framing)), " body=", Text(r.body));
    for (const HttpHeader& h : r.headers) absl::StrAppend(&line, "|", Text(h.name), ":", Text(h.value));
    events.push_back(std::move(line));
  }
  std::vector<std::string> events;
};

struct Outcome {
  std::vector<std::string> events;
  std::string status;
  HttpParseError error = HttpParseError::kNone;
  bool closed = false;
  std::uint64_t fed = 0;
  std::uint64_t ignored = 0;
  bool operator==(const Outcome&) const = default;
};

Outcome Parse(HttpRequestParser& parser, Recorder& recorder,
              const std::vector<std::string_view>& pieces, bool finish) {
  recorder.events.clear();
  absl::Status first;
  for (std::string_view piece : pieces) {
    const absl::Status s = parser.Feed(piece);
    if (first.ok()) first = s;
    FUZZ_REQUIRE(s == first, "a stopped parser changed its error: " + s.ToString());
  }
  if (first.ok() && finish) first = parser.Finish();
  FUZZ_REQUIRE(first.ok() == (parser.error() == HttpParseError::kNone),
               first.ToString());
  return {recorder.events, first.ToString(), parser.error(), parser.closed(),
          parser.bytes_fed(), parser.ignored_bytes()};
}

std::string Describe(const Outcome& o) {
  return absl::StrCat(o.events.size(), " requests, status '", o.status,
                      "', closed=", o.closed, " fed=", o.fed, " ignored=", o.ignored);
}

HttpRequestParserOptions LimitsFor(unsigned pick) {
  switch (pick) {
    case 1: return {.max_header_bytes = 64, .max_header_count = 3, .max_body_bytes = 16};
    case 2: return {.max_header_bytes = 200, .max_header_count = 100, .max_body_bytes = 0};
    case 3: return {.max_header_bytes = 8 * 1024, .max_header_count = 1, .max_body_bytes = 100};
    default: return {};
  }
}

}  // namespace
}  // namespace asycamore

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace asycamore;
  if (size < 2) return 0;
  const unsigned control = data[0];
  std::minstd_rand split(data[1] + 1u);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);
  const bool finish = (control & 4) != 0;

  Recorder recorder;
  HttpRequestParser parser(recorder, LimitsFor(control & 3));
  const Outcome whole = Parse(parser, recorder, {stream}, finish);

  std::vector<std::string_view> pieces;
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t n = 1 + split() % 24;
    pieces.push_back(stream.substr(at, n));
    at += n;
  }
  parser.Reset();
  const Outcome chunked = Parse(parser, recorder, pieces, finish);
  FUZZ_REQUIRE(chunked == whole, "whole: " + Describe(whole) +
                                     "\n  chunked: " + Describe(chunked));
  parser.Reset();
  const Outcome again = Parse(parser, recorder, {stream}, finish);
  FUZZ_REQUIRE(again == whole, "after Reset: " + Describe(again));
  return 0;
}
