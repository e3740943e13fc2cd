// PatternStream: an endless, seeded pseudo-random byte stream, so that a
// sender and a checker that share a seed agree on every byte without
// keeping what was sent (a slow reader may have megabytes in flight).
//
//   PatternStream out(seed), in(seed);
//   out.Append(1000, buffer);            // the next 1000 bytes, to send
//   in.Check(received) == kMatches       // the next bytes, as expected
//
// The stream is a window into one table of pseudo-random bytes, made once
// per process, that wraps around; the seed picks where it starts. The
// table's length is a prime (1,048,573), so no chunk or buffer size lines
// up with it: a byte lost, repeated or reordered shows up as a mismatch,
// unless the error is a whole multiple of the table, more than 1 MiB.
// Copying and comparing are memcpy and memcmp, fast even in a debug build.
#ifndef ASYCAMORE_TOOLS_SOAK_PATTERN_STREAM_H_
#define ASYCAMORE_TOOLS_SOAK_PATTERN_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace asycamore {

class PatternStream {
 public:
  static constexpr std::size_t kMatches = std::string_view::npos;
  static constexpr std::size_t kPeriod = 1'048'573;

  explicit PatternStream(std::uint64_t seed);

  // Appends the stream's next `count` bytes to `out`.
  void Append(std::size_t count, std::string& out);

  // Consumes data.size() bytes of the stream; returns the offset in `data`
  // of the first byte that differs from them, or kMatches.
  std::size_t Check(std::string_view data);

  // The bytes appended or checked so far.
  std::uint64_t position() const { return position_; }

 private:
  // The table's bytes from the stream's current position on, as many as
  // are left before it wraps, `count` at most.
  std::string_view NextRun(std::size_t count) const;

  std::size_t start_;
  std::uint64_t position_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_SOAK_PATTERN_STREAM_H_
