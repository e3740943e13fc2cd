#include "cli_values.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(CliValues, CountsTakeWrksSuffixes) {
  const std::pair<const char*, std::uint64_t> cases[] = {
      {"0", 0},        {"64", 64},        {"1k", 1'000},        {"1K", 1'000},
      {"2.5k", 2'500}, {"1M", 1'000'000}, {"3G", 3'000'000'000}};
  for (const auto& [text, want] : cases) {
    absl::StatusOr<std::uint64_t> n = ParseCount(text);
    ASSERT_TRUE(n.ok()) << text << ": " << n.status();
    EXPECT_EQ(*n, want) << text;
  }
}

TEST(CliValues, CountsRefuseFractionsSignsAndJunk) {
  for (const char* bad : {"", "1.5", "-1", "+1", " 1", "1 ", "1e3", "k", "1kk",
                          "0x10", ".5", "5.", "1m", "1..2"}) {
    EXPECT_FALSE(ParseCount(bad).ok()) << "'" << bad << "'";
  }
}

TEST(CliValues, RatesTakeFractionsAndSuffixes) {
  EXPECT_EQ(*ParseRate("0.5"), 0.5);
  EXPECT_EQ(*ParseRate("2.5k"), 2'500);
  EXPECT_EQ(*ParseRate("1M"), 1e6);
  EXPECT_FALSE(ParseRate("-5").ok());
  EXPECT_FALSE(ParseRate("fast").ok());
}

TEST(CliValues, DurationsTakeWrksUnits) {
  const std::pair<const char*, absl::Duration> cases[] = {
      {"10", absl::Seconds(10)},          {"10s", absl::Seconds(10)},
      {"2m", absl::Minutes(2)},           {"1h", absl::Hours(1)},
      {"250ms", absl::Milliseconds(250)}, {"1.5s", absl::Milliseconds(1500)},
      {"0", absl::ZeroDuration()}};
  for (const auto& [text, want] : cases) {
    absl::StatusOr<absl::Duration> d = ParseWrkDuration(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.status();
    EXPECT_EQ(*d, want) << text;
  }
}

TEST(CliValues, DurationsRefuseUnknownUnitsAndSigns) {
  for (const char* bad :
       {"", "s", "10x", "10 s", "-1s", "10us", "1d", "10sec", "9999999h"}) {
    EXPECT_FALSE(ParseWrkDuration(bad).ok()) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace asycamore
