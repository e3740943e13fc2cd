// SoakTally: what a soak run did and lost, summed over its sessions, and
// its two reports: one summary line for people, JSON for the scripts
// (tools/scripts/soak.sh reads `loss` and the counts).
#ifndef ASYCAMORE_TOOLS_SOAK_SOAK_TALLY_H_
#define ASYCAMORE_TOOLS_SOAK_SOAK_TALLY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "soak_options.h"
#include "soak_session.h"

namespace asycamore {

struct SoakTally {
  std::uint64_t opened = 0;    // sessions started: each ended or hung
  std::uint64_t sessions = 0;  // ended (hung ones not among them)
  std::uint64_t plain = 0;     // by role, lost or not
  std::uint64_t resets = 0;
  std::uint64_t half_closes = 0;
  std::uint64_t slow_readers = 0;
  std::uint64_t pushed_back = 0;       // slow readers the server held off
  std::uint64_t connect_failures = 0;  // among the lost
  std::uint64_t lost = 0;              // sessions with a loss
  std::uint64_t hung = 0;              // still open after the drain time
  std::uint64_t bytes_sent = 0;
  std::uint64_t answers = 0;  // verified: echo bytes, or HTTP responses
  int peak_connections = 0;   // connected at once, at the most
  // Connected at once on average over the run (sampled every 100 ms until
  // the wind-down): slots are empty while a session closes and the next
  // one connects.
  double mean_connections = 0;
  double seconds = 0;  // the run, drain included
  std::string first_loss = "";

  void Add(const SessionOutcome& outcome);
  // Sessions lost or hung: the run passes only with none.
  std::uint64_t loss() const { return lost + hung; }
};

// "echo: 5000 connections held (peak 5000, mean 4890), 60 s, 1.2 GiB sent, 1.2
// GiB verified (20.1 MiB/s), 4100 sessions: 1640 plain, 820 resets, 820
// half-closes, 820 slow readers (800 pushed back), loss 0 (seed 42)".
std::string SoakSummaryLine(const SoakOptions& options, const SoakTally& tally);

// Writes the settings and the tally as one JSON object to `path`.
absl::Status WriteSoakJson(const SoakOptions& options, const SoakTally& tally,
                           const std::string& path);

}  // namespace asycamore

#endif  // ASYCAMORE_TOOLS_SOAK_SOAK_TALLY_H_
