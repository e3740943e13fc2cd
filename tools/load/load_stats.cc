#include "load_stats.h"

#include <utility>

namespace asycamore {

std::string_view LoadErrorClassName(LoadErrorClass error_class) {
  switch (error_class) {
    case LoadErrorClass::kConnect:
      return "connect";
    case LoadErrorClass::kRead:
      return "read";
    case LoadErrorClass::kWrite:
      return "write";
    case LoadErrorClass::kTimeout:
      return "timeout";
    case LoadErrorClass::kParse:
      return "parse";
  }
  return "unknown";
}

absl::StatusOr<LoadStats> LoadStats::Create(
    const LatencyHistogramOptions& latency) {
  absl::StatusOr<LatencyHistogram> histogram =
      LatencyHistogram::Create(latency);
  if (!histogram.ok()) return histogram.status();
  return LoadStats(*std::move(histogram));
}

LoadStats::LoadStats(LatencyHistogram latency) : latency_(std::move(latency)) {}

void LoadStats::RecordError(LoadErrorClass error_class,
                            std::string_view message,
                            std::uint64_t requests_ended) {
  LoadErrorCount& e = errors_[static_cast<std::size_t>(error_class)];
  ++e.count;
  e.requests += requests_ended;
  if (e.sample.empty()) e.sample = std::string(message);
}

void LoadStats::RecordUnfinished(std::uint64_t timed_out,
                                 std::uint64_t in_flight,
                                 std::string_view message) {
  if (timed_out > 0) RecordError(LoadErrorClass::kTimeout, message, timed_out);
  in_flight_at_end_ += in_flight;
}

absl::Status LoadStats::Merge(const LoadStats& other) {
  if (absl::Status s = latency_.Merge(other.latency_); !s.ok()) return s;
  responses_ += other.responses_;
  for (std::size_t i = 0; i < status_counts_.size(); ++i) {
    status_counts_[i] += other.status_counts_[i];
  }
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    errors_[i].count += other.errors_[i].count;
    errors_[i].requests += other.errors_[i].requests;
    if (errors_[i].sample.empty()) errors_[i].sample = other.errors_[i].sample;
  }
  in_flight_at_end_ += other.in_flight_at_end_;
  bytes_read_ += other.bytes_read_;
  connects_ += other.connects_;
  reconnects_ += other.reconnects_;
  if (other.elapsed_ > elapsed_) elapsed_ = other.elapsed_;
  return absl::OkStatus();
}

std::uint64_t LoadStats::successes() const {
  std::uint64_t n = 0;
  for (int status = 200; status < 300; ++status) n += status_counts_[status];
  return n;
}

std::uint64_t LoadStats::failed_requests() const {
  std::uint64_t n = 0;
  for (const LoadErrorCount& e : errors_) n += e.requests;
  return n;
}

double LoadStats::success_rate() const {
  const std::uint64_t ended = responses_ + failed_requests();
  return ended == 0
             ? 0
             : static_cast<double>(successes()) / static_cast<double>(ended);
}

std::uint64_t LoadStats::error_count() const {
  std::uint64_t n = 0;
  for (const LoadErrorCount& e : errors_) n += e.count;
  return n;
}

}  // namespace asycamore
