#include "load_stats.h"

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

LoadStats Empty() {
  absl::StatusOr<LoadStats> s = LoadStats::Create();
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

TEST(LoadStats, MergeOfPerThreadStatsEqualsCountingAllInOne) {
  LoadStats all = Empty();
  std::vector<LoadStats> threads(3, Empty());
  for (int i = 0; i < 3000; ++i) {
    const int status = i % 10 == 0 ? 503 : 200;
    const std::int64_t latency = 1'000 + 37 * i;
    all.RecordResponse(status, latency);
    threads[i % 3].RecordResponse(status, latency);
    all.AddBytesRead(100 + i);
    threads[i % 3].AddBytesRead(100 + i);
    if (i % 500 == 0) {
      all.RecordConnect(i > 0);
      threads[i % 3].RecordConnect(i > 0);
      all.RecordError(LoadErrorClass::kRead, "reset", 2);
      threads[i % 3].RecordError(LoadErrorClass::kRead, "reset", 2);
    }
  }
  threads[1].RecordUnfinished(1, 4, "unanswered");
  all.RecordUnfinished(1, 4, "unanswered");
  LoadStats merged = Empty();
  for (const LoadStats& t : threads) ASSERT_TRUE(merged.Merge(t).ok());

  EXPECT_EQ(merged.responses(), all.responses());
  EXPECT_EQ(merged.successes(), all.successes());
  EXPECT_EQ(merged.status_count(503), all.status_count(503));
  EXPECT_EQ(merged.bytes_read(), all.bytes_read());
  EXPECT_EQ(merged.connects(), all.connects());
  EXPECT_EQ(merged.reconnects(), all.reconnects());
  EXPECT_EQ(merged.error(LoadErrorClass::kRead).count,
            all.error(LoadErrorClass::kRead).count);
  EXPECT_EQ(merged.failed_requests(), all.failed_requests());
  EXPECT_EQ(merged.in_flight_at_end(), all.in_flight_at_end());
  EXPECT_EQ(merged.error_count(), all.error_count());
  EXPECT_DOUBLE_EQ(merged.success_rate(), all.success_rate());
  EXPECT_EQ(merged.latency().Summarize().percentile_ns,
            all.latency().Summarize().percentile_ns);
  EXPECT_EQ(merged.latency().count(), 3000u);
}

TEST(LoadStats, Non2xxAnswersAreKeptOutOfTheSuccessRate) {
  LoadStats s = Empty();
  for (int i = 0; i < 8; ++i) s.RecordResponse(200, 1'000);
  s.RecordResponse(404, 1'000);
  s.RecordResponse(302, 1'000);
  EXPECT_EQ(s.responses(), 10u);
  EXPECT_EQ(s.successes(), 8u);
  EXPECT_DOUBLE_EQ(s.success_rate(), 0.8);
  EXPECT_EQ(s.status_count(404), 1u);
  EXPECT_EQ(s.status_count(302), 1u);
}

TEST(LoadStats, FailedRequestsCountAgainstTheSuccessRate) {
  LoadStats s = Empty();
  for (int i = 0; i < 9; ++i) s.RecordResponse(204, 1'000);
  s.RecordError(LoadErrorClass::kParse, "bad chunk size", 1);
  s.RecordError(LoadErrorClass::kConnect, "refused", 0);  // retried
  EXPECT_EQ(s.failed_requests(), 1u);
  EXPECT_EQ(s.error_count(), 2u);
  EXPECT_DOUBLE_EQ(s.success_rate(), 0.9);
}

TEST(LoadStats, EachErrorClassKeepsItsFirstSampleThroughMerges) {
  LoadStats a = Empty();
  LoadStats b = Empty();
  a.RecordError(LoadErrorClass::kRead, "first read", 0);
  a.RecordError(LoadErrorClass::kRead, "second read", 0);
  b.RecordError(LoadErrorClass::kRead, "other thread's read", 0);
  b.RecordError(LoadErrorClass::kWrite, "broken pipe", 0);
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_EQ(a.error(LoadErrorClass::kRead).sample, "first read");
  EXPECT_EQ(a.error(LoadErrorClass::kRead).count, 3u);
  EXPECT_EQ(a.error(LoadErrorClass::kWrite).sample, "broken pipe");
  EXPECT_TRUE(a.error(LoadErrorClass::kTimeout).sample.empty());
}

TEST(LoadStats, UnfinishedRequestsPastTheTimeoutAreTimeoutsTheRestInFlight) {
  LoadStats s = Empty();
  s.RecordUnfinished(3, 5, "no response within 2s");
  const LoadErrorCount& t = s.error(LoadErrorClass::kTimeout);
  EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(t.requests, 3u);
  EXPECT_EQ(t.sample, "no response within 2s");
  EXPECT_EQ(s.in_flight_at_end(), 5u);
  EXPECT_EQ(s.failed_requests(), 3u) << "in flight is not failed";
  s.RecordUnfinished(0, 2, "ignored");
  EXPECT_EQ(t.count, 1u) << "no timeout, no error";
  EXPECT_EQ(s.in_flight_at_end(), 7u);
}

TEST(LoadStats, StatusCodesBeyondThreeDigitsAreCountedAsZero) {
  LoadStats s = Empty();
  s.RecordResponse(1234, 1'000);
  s.RecordResponse(-1, 1'000);
  EXPECT_EQ(s.status_count(0), 2u);
  EXPECT_EQ(s.status_count(1234), 0u);
  EXPECT_EQ(s.successes(), 0u);
}

TEST(LoadStats, MergeKeepsTheLongestElapsed) {
  LoadStats a = Empty();
  LoadStats b = Empty();
  a.set_elapsed(absl::Seconds(2));
  b.set_elapsed(absl::Seconds(3));
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_EQ(a.elapsed(), absl::Seconds(3));
}

TEST(LoadStats, MergeRefusesAnotherHistogramLayout) {
  absl::StatusOr<LoadStats> a = LoadStats::Create({.significant_digits = 3});
  absl::StatusOr<LoadStats> b = LoadStats::Create({.significant_digits = 2});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->Merge(*b).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace asycamore
