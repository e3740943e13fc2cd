#include "feeding.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace asycamore::testing {

std::uint64_t TestSeed() {
  static const std::uint64_t seed = [] {
    std::uint64_t s = 0;
    if (const char* env = std::getenv("ASYCAMORE_TEST_SEED");
        env != nullptr && *env != '\0') {
      s = std::strtoull(env, nullptr, 10);
    } else {
      s = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
          std::random_device{}();
    }
    std::fprintf(
        stderr,
        "random chunk splits: seed %llu (replay: ASYCAMORE_TEST_SEED=%llu)\n",
        static_cast<unsigned long long>(s), static_cast<unsigned long long>(s));
    return s;
  }();
  return seed;
}

std::vector<Feeding> Feedings(std::string_view input, int random_runs) {
  std::vector<Feeding> out;
  out.push_back({"whole", {input}});
  Feeding bytes{"one byte at a time", {}};
  for (std::size_t i = 0; i < input.size(); ++i)
    bytes.pieces.push_back(input.substr(i, 1));
  out.push_back(bytes);
  for (std::size_t at = 1; at < input.size(); ++at) {
    out.push_back({absl::StrFormat("split at byte %d", at),
                   {input.substr(0, at), input.substr(at)}});
  }
  std::mt19937_64 random(TestSeed() ^ input.size());
  for (int run = 0; run < random_runs; ++run) {
    Feeding f{absl::StrFormat("random #%d (seed %d)", run, TestSeed()), {}};
    std::size_t at = 0;
    while (at < input.size()) {
      // Mostly short pieces, sometimes long ones.
      const std::size_t limit = (random() % 4 == 0) ? 64 : 7;
      const std::size_t n = 1 + random() % limit;
      f.pieces.push_back(input.substr(at, n));
      at += f.pieces.back().size();
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const ParseOutcome& o) {
  return os << "{events: [" << absl::StrJoin(o.events, " | ")
            << "], status: " << o.status
            << ", error: " << HttpParseErrorName(o.error)
            << ", closed: " << o.closed << ", ignored: " << o.ignored
            << ", fed: " << o.fed << "}";
}

}  // namespace asycamore::testing
