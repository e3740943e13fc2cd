// LatencyHistogram: the load generator's per-thread latency record. A
// log-linear ("HDR") histogram of our own: recording is O(1) and allocates
// nothing after Create(); threads record into their own and Merge() once at
// the end; percentiles come out within a stated relative precision.
//
//   absl::StatusOr<LatencyHistogram> h = LatencyHistogram::Create(
//       {.lowest_ns = 1'000, .highest_ns = 3'600'000'000'000,
//       .significant_digits = 3});
//   h->Record(absl::Microseconds(87));     // per response, on the loop thread
//   total.Merge(*h);                       // after the threads joined
//   LatencySummary s = total.Summarize();  // p50 ... p99.99, max, mean, stdev
//
// Buckets: values are counted in units of 2^u ns. The first 2^k counters are
// one unit wide; after that each power of two is cut into 2^(k-1) counters,
// so a counter's width is at most 1/2^(k-1) of the values in it. k is the
// least that makes 2^(k-1) >= 10^significant_digits, and u the greatest with
// 2^(u+k-1) <= lowest_ns, so every value from lowest_ns up is reported within
// 10^-significant_digits of itself (relative_precision()); below lowest_ns the
// error is at most one unit. For 1 us .. 1 h at 3 digits: 1 ns units, 1024
// counters per power of two, 33,421 counters (261 KiB).
//
// Percentiles are HDR's: the value at percentile p is the largest value
// equivalent to (in the same counter as) the ceil(p/100 * count)-th smallest
// recorded value, capped at the exact maximum. min, max and mean are exact;
// the standard deviation is computed from the counters (each value taken as
// the middle of its counter, as HdrHistogram does), so it costs nothing per
// value and is off by at most relative_precision() times the values' root
// mean square.
// Values past highest_ns are counted as highest_ns and in saturated().
#ifndef ASYCAMORE_TOOLS_LOAD_LATENCY_HISTOGRAM_H_
#define ASYCAMORE_TOOLS_LOAD_LATENCY_HISTOGRAM_H_

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace asycamore {

struct LatencyHistogramOptions {
  std::int64_t lowest_ns = 1'000;  // from here up, the stated precision
  std::int64_t highest_ns = 3'600'000'000'000;  // 1 h; larger values saturate
  int significant_digits = 3;                   // 1..5
};

// The percentiles a report shows (issue 13: 50/75/90/99/99.9/99.99).
inline constexpr std::array<double, 6> kReportedPercentiles = {50, 75,   90,
                                                               99, 99.9, 99.99};

struct LatencySummary {
  std::uint64_t count = 0;
  std::int64_t min_ns = 0;
  double mean_ns = 0;
  double stddev_ns = 0;
  std::array<std::int64_t, kReportedPercentiles.size()> percentile_ns = {};
  std::int64_t max_ns = 0;
  std::uint64_t saturated = 0;
};

class LatencyHistogram {
 public:
  // Refuses options out of range (lowest_ns < 1, highest_ns < 2 * lowest_ns,
  // significant_digits outside 1..5), naming them.
  static absl::StatusOr<LatencyHistogram> Create(
      LatencyHistogramOptions options = {});

  // Counts one value (negative ones as 0).
  void Record(std::int64_t ns) {
    if (ns < 0) ns = 0;
    if (ns > highest_ns_) {
      ns = highest_ns_;
      ++saturated_;
    }
    ++counts_[IndexOf(ns)];
    ++count_;
    if (ns < min_) min_ = ns;
    if (ns > max_) max_ = ns;
    const auto v = static_cast<std::uint64_t>(ns);
    sum_low_ += v;
    if (sum_low_ < v) ++sum_high_;  // carry: the sum is exact for any count
  }
  void Record(absl::Duration latency) {
    Record(absl::ToInt64Nanoseconds(latency));
  }

  // Adds `other`'s counts. Both must have been created with the same options.
  absl::Status Merge(const LatencyHistogram& other);

  void Reset();

  std::uint64_t count() const { return count_; }
  std::uint64_t saturated() const { return saturated_; }
  std::int64_t min_ns() const { return count_ == 0 ? 0 : min_; }
  std::int64_t max_ns() const { return count_ == 0 ? 0 : max_; }
  double mean_ns() const;
  // The population standard deviation (see the top of this file); O(number
  // of counters), so call it once per report, not per value.
  double stddev_ns() const;
  // 0 < percentile <= 100; 0 when nothing was recorded.
  std::int64_t ValueAtPercentile(double percentile) const;
  LatencySummary Summarize() const;

  // The bound on the relative error of a reported value >= lowest_ns.
  double relative_precision() const {
    return 1.0 / static_cast<double>(half_count_);
  }
  std::size_t counter_count() const { return counts_.size(); }
  const LatencyHistogramOptions& options() const { return options_; }

 private:
  LatencyHistogram(LatencyHistogramOptions options, int sub_bucket_bits,
                   int unit_shift);

  std::size_t IndexOf(std::int64_t ns) const {
    const auto units = static_cast<std::uint64_t>(ns) >> unit_shift_;
    // How many halvings bring `units` below 2^k: 0 in the linear part.
    const int shift = std::bit_width(units | sub_mask_) - sub_bucket_bits_;
    return (static_cast<std::size_t>(shift) << (sub_bucket_bits_ - 1)) +
           static_cast<std::size_t>(units >> shift);
  }
  // The largest value counted at `index`.
  std::int64_t HighestAt(std::size_t index) const;
  // The smallest value counted at `index` (counters are contiguous).
  std::int64_t LowestAt(std::size_t index) const {
    return index == 0 ? 0 : HighestAt(index - 1) + 1;
  }

  LatencyHistogramOptions options_;
  int sub_bucket_bits_;  // k
  int unit_shift_;       // u
  std::uint64_t sub_mask_;
  std::uint64_t half_count_;
  std::int64_t highest_ns_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t saturated_ = 0;
  std::int64_t min_;
  std::int64_t max_ = 0;
  std::uint64_t sum_low_ = 0;
  std::uint64_t sum_high_ = 0;
};

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_LOAD_LATENCY_HISTOGRAM_H_
