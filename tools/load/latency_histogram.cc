#include "latency_histogram.h"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace asycamore {

absl::StatusOr<LatencyHistogram> LatencyHistogram::Create(
    LatencyHistogramOptions options) {
  if (options.significant_digits < 1 || options.significant_digits > 5) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "LatencyHistogram::Create: significant_digits %d is outside 1..5",
        options.significant_digits));
  }
  if (options.lowest_ns < 1 || options.highest_ns < 2 * options.lowest_ns) {
    return absl::InvalidArgumentError(
        absl::StrFormat("LatencyHistogram::Create: the range %d..%d ns is "
                        "empty or starts below 1 ns "
                        "(highest_ns must be at least twice lowest_ns)",
                        options.lowest_ns, options.highest_ns));
  }
  std::uint64_t precision = 1;
  for (int i = 0; i < options.significant_digits; ++i) precision *= 10;
  // 2^(k-1) >= 10^digits.
  const int k = std::bit_width(precision - 1) + 1;
  // 2^(u+k-1) <= lowest_ns.
  const int log2_lowest =
      std::bit_width(static_cast<std::uint64_t>(options.lowest_ns)) - 1;
  const int u = log2_lowest >= k - 1 ? log2_lowest - (k - 1) : 0;
  return LatencyHistogram(options, k, u);
}

LatencyHistogram::LatencyHistogram(LatencyHistogramOptions options,
                                   int sub_bucket_bits, int unit_shift)
    : options_(options),
      sub_bucket_bits_(sub_bucket_bits),
      unit_shift_(unit_shift),
      sub_mask_((std::uint64_t{1} << sub_bucket_bits) - 1),
      half_count_(std::uint64_t{1} << (sub_bucket_bits - 1)),
      highest_ns_(options.highest_ns),
      counts_(IndexOf(options.highest_ns) + 1, 0),
      min_(std::numeric_limits<std::int64_t>::max()) {}

absl::Status LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.sub_bucket_bits_ != sub_bucket_bits_ ||
      other.unit_shift_ != unit_shift_ ||
      other.counts_.size() != counts_.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "LatencyHistogram::Merge: layouts differ (this: %d..%d ns at %d "
        "digits, other: %d..%d "
        "ns at %d digits); create both with the same options",
        options_.lowest_ns, options_.highest_ns, options_.significant_digits,
        other.options_.lowest_ns, other.options_.highest_ns,
        other.options_.significant_digits));
  }
  for (std::size_t i = 0; i < counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  saturated_ += other.saturated_;
  if (other.count_ > 0) {
    if (other.min_ < min_) min_ = other.min_;
    if (other.max_ > max_) max_ = other.max_;
  }
  const std::uint64_t before = sum_low_;
  sum_low_ += other.sum_low_;
  sum_high_ += other.sum_high_ + (sum_low_ < before ? 1 : 0);
  return absl::OkStatus();
}

void LatencyHistogram::Reset() {
  for (std::uint64_t& c : counts_) c = 0;
  count_ = saturated_ = sum_low_ = sum_high_ = 0;
  min_ = std::numeric_limits<std::int64_t>::max();
  max_ = 0;
}

double LatencyHistogram::mean_ns() const {
  if (count_ == 0) return 0;
  const long double sum =
      static_cast<long double>(sum_high_) * 18446744073709551616.0L +
      static_cast<long double>(sum_low_);
  return static_cast<double>(sum / static_cast<long double>(count_));
}

double LatencyHistogram::stddev_ns() const {
  if (count_ == 0) return 0;
  const double mean = mean_ns();
  long double sum_of_squares = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    // The middle of the counter, kept within the exact extremes.
    double middle = (static_cast<double>(LowestAt(i)) +
                     static_cast<double>(HighestAt(i))) /
                    2;
    if (middle < static_cast<double>(min_)) middle = static_cast<double>(min_);
    if (middle > static_cast<double>(max_)) middle = static_cast<double>(max_);
    const double deviation = middle - mean;
    sum_of_squares += static_cast<long double>(counts_[i]) * deviation * deviation;
  }
  return std::sqrt(
      static_cast<double>(sum_of_squares / static_cast<long double>(count_)));
}

std::int64_t LatencyHistogram::HighestAt(std::size_t index) const {
  const std::size_t half = half_count_;
  const std::size_t shift = index < 2 * half ? 0 : index / half - 1;
  const std::uint64_t sub = index - shift * half;
  const int magnitude = static_cast<int>(shift) + unit_shift_;
  const std::uint64_t lowest = sub << magnitude;
  return static_cast<std::int64_t>(lowest + (std::uint64_t{1} << magnitude) -
                                   1);
}

std::int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  const double clamped =
      percentile > 100 ? 100 : (percentile < 0 ? 0 : percentile);
  // The tolerance keeps 99.9% of 1000 at rank 999, not 1000 (0.999 is not
  // exact in binary).
  auto rank = static_cast<std::uint64_t>(
      std::ceil(clamped / 100 * static_cast<double>(count_) - 1e-9));
  if (rank < 1) rank = 1;
  if (rank > count_) rank = count_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::int64_t v = HighestAt(i);
      return v < max_ ? v : max_;
    }
  }
  return max_;
}

LatencySummary LatencyHistogram::Summarize() const {
  LatencySummary s;
  s.count = count_;
  s.min_ns = min_ns();
  s.mean_ns = mean_ns();
  s.stddev_ns = stddev_ns();
  for (std::size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    s.percentile_ns[i] = ValueAtPercentile(kReportedPercentiles[i]);
  }
  s.max_ns = max_ns();
  s.saturated = saturated_;
  return s;
}

}  // namespace asycamore
