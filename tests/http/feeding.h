// How the HTTP suites feed an input to a parser: whole, one byte at a time,
// split in two at every byte boundary, and in random chunks; each way must
// give the same outcome. Also: every prefix of a pipeline, finished, must
// give the messages wholly in it and a truncation error exactly when it ends
// inside a message.
#ifndef ASYCAMORE_TESTS_HTTP_FEEDING_H_
#define ASYCAMORE_TESTS_HTTP_FEEDING_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "asycamore/http/http_message.h"
#include "gtest/gtest.h"

namespace asycamore::testing {

struct Feeding {
  std::string description;  // e.g. "split at byte 17", "random #3 (seed 42)"
  std::vector<std::string_view> pieces;
};

// Returns the feedings of `input` (views into it).
std::vector<Feeding> Feedings(std::string_view input, int random_runs = 16);

// The seed of the random splits: ASYCAMORE_TEST_SEED when set (to replay a
// failure), else drawn once per process and printed on stderr.
std::uint64_t TestSeed();

// What one feeding gave: the handler's events (one line each) and the
// parser's final state.
struct ParseOutcome {
  std::vector<std::string> events;
  std::string status;  // of the first failing call, or of Finish
  HttpParseError error = HttpParseError::kNone;
  bool closed = false;
  std::uint64_t ignored = 0;
  std::uint64_t fed = 0;

  friend bool operator==(const ParseOutcome&, const ParseOutcome&) = default;
};

std::ostream& operator<<(std::ostream& os, const ParseOutcome& o);

// Feeds `pieces` to `parser`, then Finish() when `finish`; checks that a
// stopped parser keeps returning its first error. Fills all but events.
template <typename Parser>
ParseOutcome FeedPieces(Parser& parser,
                        const std::vector<std::string_view>& pieces,
                        bool finish) {
  absl::Status first = absl::OkStatus();
  for (std::string_view piece : pieces) {
    const absl::Status s = parser.Feed(piece);
    if (first.ok()) {
      first = s;
    } else {
      EXPECT_EQ(s, first) << "a stopped parser must keep returning its error";
    }
  }
  if (first.ok() && finish) first = parser.Finish();
  return {{},
          first.ToString(),
          parser.error(),
          parser.closed(),
          parser.ignored_bytes(),
          parser.bytes_fed()};
}

// run(pieces, finish) -> ParseOutcome. Feeds `input` every way Feedings()
// knows, finishing each; all must agree. Returns the outcome.
template <typename RunFn>
ParseOutcome ParseEveryWay(std::string_view input, RunFn run,
                           bool finish = true) {
  const ParseOutcome whole = run(std::vector<std::string_view>{input}, finish);
  for (const Feeding& feeding : Feedings(input)) {
    const ParseOutcome got = run(feeding.pieces, finish);
    EXPECT_EQ(got, whole) << "fed " << feeding.description;
    if (got != whole) break;  // one report is enough
  }
  return whole;
}

// ParseEveryWay, expecting no error and exactly `events`.
template <typename RunFn>
ParseOutcome ExpectEventsEveryWay(std::string_view input, RunFn run,
                                  const std::vector<std::string>& events) {
  const ParseOutcome o = ParseEveryWay(input, run);
  EXPECT_EQ(o.error, HttpParseError::kNone) << o;
  EXPECT_EQ(o.events, events);
  return o;
}

// A pipeline of messages, with the offsets where each one ends.
struct Pipeline {
  std::string text;
  std::vector<std::size_t> ends;

  Pipeline& Add(std::string_view message) {
    text.append(message);
    ends.push_back(text.size());
    return *this;
  }
};

// For every prefix of the pipeline, fed (in two pieces) then finished: the
// messages wholly in it come out, and Finish reports kTruncated, at the
// prefix's end, exactly when the prefix ends inside a message.
template <typename RunFn>
void ExpectTruncatedAtEveryByte(const Pipeline& p, RunFn run) {
  const ParseOutcome full = run(std::vector<std::string_view>{p.text}, true);
  ASSERT_EQ(full.error, HttpParseError::kNone) << full;
  ASSERT_EQ(full.events.size(), p.ends.size()) << full;
  for (std::size_t k = 0; k <= p.text.size(); ++k) {
    const std::string_view prefix = std::string_view(p.text).substr(0, k);
    const ParseOutcome got =
        run(std::vector<std::string_view>{prefix.substr(0, k / 2),
                                          prefix.substr(k / 2)},
            true);
    const auto complete = static_cast<std::size_t>(
        std::count_if(p.ends.begin(), p.ends.end(),
                      [k](std::size_t end) { return end <= k; }));
    const bool at_boundary =
        k == 0 || std::find(p.ends.begin(), p.ends.end(), k) != p.ends.end();
    ASSERT_EQ(got.events.size(), complete) << "prefix " << k << ": " << got;
    EXPECT_TRUE(
        std::equal(got.events.begin(), got.events.end(), full.events.begin()))
        << "prefix " << k << ": " << got;
    if (at_boundary) {
      EXPECT_EQ(got.error, HttpParseError::kNone)
          << "prefix " << k << ": " << got;
    } else {
      EXPECT_EQ(got.error, HttpParseError::kTruncated)
          << "prefix " << k << ": " << got;
      EXPECT_NE(got.status.find(absl::StrFormat("at byte %d ", k)),
                std::string::npos)
          << got.status;
    }
  }
}

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_HTTP_FEEDING_H_
