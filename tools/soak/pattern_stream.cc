#include "pattern_stream.h"

#include <algorithm>
#include <cstring>

namespace asycamore {
namespace {

const std::string& Table() {
  static const std::string table = [] {
    std::string bytes(PatternStream::kPeriod, '\0');
    // xorshift64* (Vigna), one byte of each output.
    std::uint64_t state = 0x9e3779b97f4a7c15ull;
    for (char& byte : bytes) {
      state ^= state >> 12;
      state ^= state << 25;
      state ^= state >> 27;
      byte = static_cast<char>((state * 0x2545f4914f6cdd1dull) >> 56);
    }
    return bytes;
  }();
  return table;
}

}  // namespace

PatternStream::PatternStream(std::uint64_t seed)
    : start_(static_cast<std::size_t>(seed % kPeriod)) {}

std::string_view PatternStream::NextRun(std::size_t count) const {
  const std::size_t at = (start_ + position_) % kPeriod;
  return std::string_view(Table()).substr(at, std::min(count, kPeriod - at));
}

void PatternStream::Append(std::size_t count, std::string& out) {
  while (count > 0) {
    const std::string_view run = NextRun(count);
    out.append(run);
    count -= run.size();
    position_ += run.size();
  }
}

std::size_t PatternStream::Check(std::string_view data) {
  std::size_t first_difference = kMatches;
  for (std::size_t done = 0; done < data.size();) {
    const std::string_view run = NextRun(data.size() - done);
    const std::string_view got = data.substr(done, run.size());
    if (first_difference == kMatches &&
        std::memcmp(run.data(), got.data(), run.size()) != 0) {
      std::size_t i = 0;
      while (run[i] == got[i]) ++i;
      first_difference = done + i;
    }
    done += run.size();
    position_ += run.size();
  }
  return first_difference;
}

}  // namespace asycamore
