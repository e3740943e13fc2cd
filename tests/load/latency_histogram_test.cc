#include "latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

std::uint64_t Seed() {
  static const std::uint64_t seed = [] {
    const std::uint64_t s = std::random_device{}();
    std::printf("latency histogram test seed: %llu\n",
                static_cast<unsigned long long>(s));
    return s;
  }();
  return seed;
}

// Log-uniform latencies from 1 us to 10 s, with a cluster near 100 us, the
// shape of a loaded server's.
std::vector<std::int64_t> RandomLatencies(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> exponent(3.0,
                                                  10.0);  // 10^3 .. 10^10 ns
  std::normal_distribution<double> cluster(100'000.0, 15'000.0);
  std::vector<std::int64_t> values(n);
  for (std::int64_t& v : values) {
    v = (random() % 3 == 0)
            ? static_cast<std::int64_t>(std::pow(10.0, exponent(random)))
            : std::max<std::int64_t>(1'000, std::llround(cluster(random)));
  }
  return values;
}

// The textbook percentile of the sorted values: the ceil(p/100 * n)-th.
std::int64_t ReferencePercentile(const std::vector<std::int64_t>& sorted,
                                 double p) {
  auto rank = static_cast<std::size_t>(
      std::ceil(p / 100 * static_cast<double>(sorted.size()) - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(LatencyHistogram,
     PercentilesAreWithinTheStatedPrecisionOfASortedReference) {
  for (int digits : {2, 3, 4}) {
    SCOPED_TRACE(::testing::Message() << digits << " digits, seed " << Seed());
    absl::StatusOr<LatencyHistogram> h =
        LatencyHistogram::Create({.significant_digits = digits});
    ASSERT_TRUE(h.ok()) << h.status();
    const double bound = std::pow(10.0, -digits);
    EXPECT_LE(h->relative_precision(), bound);
    std::vector<std::int64_t> values =
        RandomLatencies(200'000, Seed() + digits);
    for (std::int64_t v : values) h->Record(v);
    std::sort(values.begin(), values.end());
    for (double p : {0.001, 1.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99,
                     99.999, 100.0}) {
      const std::int64_t want = ReferencePercentile(values, p);
      const std::int64_t got = h->ValueAtPercentile(p);
      EXPECT_GE(got, want) << "p" << p;
      EXPECT_LE(static_cast<double>(got - want),
                bound * static_cast<double>(want))
          << "p" << p;
    }
    EXPECT_EQ(h->count(), values.size());
    EXPECT_EQ(h->min_ns(), values.front());
    EXPECT_EQ(h->max_ns(), values.back());
    long double sum = 0;
    for (std::int64_t v : values) sum += static_cast<long double>(v);
    EXPECT_NEAR(h->mean_ns(), static_cast<double>(sum / values.size()), 1e-6);
  }
}

TEST(LatencyHistogram, StddevIsWithinThePrecisionTimesTheRootMeanSquare) {
  absl::StatusOr<LatencyHistogram> h = LatencyHistogram::Create();
  ASSERT_TRUE(h.ok()) << h.status();
  const std::vector<std::int64_t> values = RandomLatencies(100'000, Seed() + 7);
  long double sum = 0;
  long double sum_of_squares = 0;
  for (std::int64_t v : values) {
    h->Record(v);
    sum += static_cast<long double>(v);
    sum_of_squares += static_cast<long double>(v) * static_cast<long double>(v);
  }
  const long double n = static_cast<long double>(values.size());
  const long double mean = sum / n;
  long double deviations = 0;
  for (std::int64_t v : values) {
    deviations += (static_cast<long double>(v) - mean) *
                  (static_cast<long double>(v) - mean);
  }
  const double exact = std::sqrt(static_cast<double>(deviations / n));
  const double rms = std::sqrt(static_cast<double>(sum_of_squares / n));
  EXPECT_NEAR(h->stddev_ns(), exact, h->relative_precision() * rms)
      << "seed " << Seed();
  EXPECT_EQ(h->Summarize().stddev_ns, h->stddev_ns());
}

TEST(LatencyHistogram, StddevOfOneRepeatedValueIsZero) {
  absl::StatusOr<LatencyHistogram> h = LatencyHistogram::Create();
  ASSERT_TRUE(h.ok());
  for (int i = 0; i < 10; ++i) h->Record(123'456'789);
  EXPECT_EQ(h->stddev_ns(), 0) << "the middle of the counter is clamped to "
                                  "the exact extremes";
}

TEST(LatencyHistogram, SmallValuesBelowTheRangeAreExactToTheUnit) {
  absl::StatusOr<LatencyHistogram> h = LatencyHistogram::Create();
  ASSERT_TRUE(h.ok());
  for (std::int64_t v : {0, 1, 2, 3, 999, 1'000, 1'001}) {
    h->Reset();
    h->Record(v);
    EXPECT_EQ(h->ValueAtPercentile(50), v)
        << "1 ns units below 1 us at 3 digits";
  }
}

TEST(LatencyHistogram, MergeOfPerThreadHistogramsEqualsRecordingAllInOne) {
  absl::StatusOr<LatencyHistogram> all = LatencyHistogram::Create();
  ASSERT_TRUE(all.ok());
  std::vector<LatencyHistogram> threads(4, *all);
  const std::vector<std::int64_t> values = RandomLatencies(50'000, Seed());
  for (std::size_t i = 0; i < values.size(); ++i) {
    all->Record(values[i]);
    threads[i % threads.size()].Record(values[i]);
  }
  LatencyHistogram merged = threads[0];
  for (std::size_t t = 1; t < threads.size(); ++t)
    ASSERT_TRUE(merged.Merge(threads[t]).ok());
  EXPECT_EQ(merged.count(), all->count());
  EXPECT_EQ(merged.min_ns(), all->min_ns());
  EXPECT_EQ(merged.max_ns(), all->max_ns());
  EXPECT_DOUBLE_EQ(merged.mean_ns(), all->mean_ns())
      << "the sum is kept exactly";
  for (double p = 0.5; p <= 100; p += 0.5) {
    EXPECT_EQ(merged.ValueAtPercentile(p), all->ValueAtPercentile(p))
        << "p" << p;
  }
  const LatencySummary a = merged.Summarize();
  const LatencySummary b = all->Summarize();
  EXPECT_EQ(a.percentile_ns, b.percentile_ns);
}

TEST(LatencyHistogram, ValuesPastTheRangeSaturateAndAreCounted) {
  absl::StatusOr<LatencyHistogram> h =
      LatencyHistogram::Create({.lowest_ns = 1'000, .highest_ns = 1'000'000});
  ASSERT_TRUE(h.ok());
  h->Record(absl::Seconds(5));
  h->Record(-7);
  EXPECT_EQ(h->saturated(), 1u);
  EXPECT_EQ(h->max_ns(), 1'000'000);
  EXPECT_EQ(h->min_ns(), 0);
  EXPECT_EQ(h->ValueAtPercentile(100), 1'000'000);
}

TEST(LatencyHistogram, MergeRefusesADifferentLayout) {
  absl::StatusOr<LatencyHistogram> a =
      LatencyHistogram::Create({.significant_digits = 3});
  absl::StatusOr<LatencyHistogram> b =
      LatencyHistogram::Create({.significant_digits = 2});
  ASSERT_TRUE(a.ok() && b.ok());
  const absl::Status s = a->Merge(*b);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(s.message().find("LatencyHistogram::Merge: layouts differ"),
            absl::string_view::npos);
}

TEST(LatencyHistogram, CreateRefusesOptionsOutOfRange) {
  for (const LatencyHistogramOptions& o :
       {LatencyHistogramOptions{.significant_digits = 0},
        LatencyHistogramOptions{.significant_digits = 6},
        LatencyHistogramOptions{.lowest_ns = 0},
        LatencyHistogramOptions{.lowest_ns = 10, .highest_ns = 19}}) {
    absl::StatusOr<LatencyHistogram> h = LatencyHistogram::Create(o);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument)
        << h.status();
  }
}

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
  absl::StatusOr<LatencyHistogram> h = LatencyHistogram::Create();
  ASSERT_TRUE(h.ok());
  const LatencySummary s = h->Summarize();
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.max_ns, 0);
  EXPECT_EQ(s.stddev_ns, 0);
  EXPECT_EQ(s.percentile_ns[0], 0);
  std::printf("1 us .. 1 h at 3 digits: %zu counters\n", h->counter_count());
}

}  // namespace
}  // namespace asycamore
