// PatternStream (tools/soak/pattern_stream.h): a sender and a checker with
// one seed agree on every byte, also where the table wraps, and the checker
// names the first byte that is not what was sent.
#include "pattern_stream.h"

#include <string>

#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(PatternStreamTest, OneSeedAgreesAcrossTheTableWrap) {
  PatternStream sent(42), checked(42);
  std::string bytes;
  sent.Append(PatternStream::kPeriod + 1000, bytes);
  // In uneven pieces, so that one piece spans the wrap.
  EXPECT_EQ(checked.Check(std::string_view(bytes).substr(0, 777)),
            PatternStream::kMatches);
  EXPECT_EQ(checked.Check(std::string_view(bytes).substr(777)),
            PatternStream::kMatches);
  EXPECT_EQ(checked.position(), bytes.size());
}

TEST(PatternStreamTest, CheckNamesTheFirstChangedByte) {
  PatternStream sent(7), checked(7);
  std::string bytes;
  sent.Append(5000, bytes);
  bytes[1234] ^= 1;
  bytes[4000] ^= 1;
  EXPECT_EQ(checked.Check(bytes), 1234u);
}

TEST(PatternStreamTest, ALostByteIsAMismatch) {
  PatternStream sent(9), checked(9);
  std::string bytes;
  sent.Append(5000, bytes);
  bytes.erase(2000, 1);
  EXPECT_NE(checked.Check(bytes), PatternStream::kMatches);
}

TEST(PatternStreamTest, SeedsStartAtDifferentBytes) {
  PatternStream one(1), two(2);
  std::string a, b;
  one.Append(64, a);
  two.Append(64, b);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace asycamore
