// The ways the HTTP suites feed one input to a parser: whole, one byte at a
// time, split in two at every byte boundary, and in random chunks. A test
// runs them all and checks they give the same result.
#ifndef ASYCAMORE_TESTS_HTTP_CHUNKED_FEED_H_
#define ASYCAMORE_TESTS_HTTP_CHUNKED_FEED_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

}  // namespace asycamore::testing

#endif  // ASYCAMORE_TESTS_HTTP_CHUNKED_FEED_H_
