#include "soak_tally.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "report/files.h"
#include "report/format.h"
#include "report/json.h"

namespace asycamore {
namespace {

std::string Mib(std::uint64_t bytes) {
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

bool IsEcho(const SoakOptions& options) {
  return options.protocol == SoakProtocol::kEcho;
}

}  // namespace

void SoakTally::Add(const SessionOutcome& outcome) {
  ++sessions;
  switch (outcome.role) {
    case SessionRole::kPlain:
      ++plain;
      break;
    case SessionRole::kReset:
      ++resets;
      break;
    case SessionRole::kHalfClose:
      ++half_closes;
      break;
    case SessionRole::kSlowReader:
      ++slow_readers;
      break;
  }
  if (outcome.pushed_back) ++pushed_back;
  bytes_sent += outcome.bytes_sent;
  answers += outcome.answers;
  if (!outcome.lost) return;
  ++lost;
  if (!outcome.connected) ++connect_failures;
  if (first_loss.empty()) first_loss = outcome.loss;
}

std::string SoakSummaryLine(const SoakOptions& options,
                            const SoakTally& tally) {
  const double seconds = tally.seconds > 0 ? tally.seconds : 1;
  const std::string verified =
      IsEcho(options)
          ? absl::StrCat(
                Mib(tally.answers), " echoed and verified (",
                Mib(static_cast<std::uint64_t>(tally.answers / seconds)), "/s)")
          : absl::StrCat(tally.answers, " responses verified (",
                         report::FormatRate(tally.answers / seconds),
                         " requests/s)");
  std::string line = absl::StrFormat(
      "%s: %d connections held (peak %d, mean %.0f), %d s + %.1f s drain, "
      "%s sent, %s, "
      "%d sessions: %d plain, %d resets, %d half-closes, %d slow readers "
      "(%d pushed back), loss %d (seed %d)",
      IsEcho(options) ? "echo" : "http", options.connections,
      tally.peak_connections, tally.mean_connections,
      absl::ToInt64Seconds(options.duration),
      tally.seconds - absl::ToDoubleSeconds(options.duration),
      Mib(tally.bytes_sent), verified, tally.sessions, tally.plain,
      tally.resets, tally.half_closes, tally.slow_readers, tally.pushed_back,
      tally.loss(), options.seed);
  if (tally.hung > 0) {
    absl::StrAppend(&line, "; ", tally.hung, " sessions hung");
  }
  if (!tally.first_loss.empty()) {
    absl::StrAppend(&line, "; first loss: ", tally.first_loss);
  }
  return line;
}

absl::Status WriteSoakJson(const SoakOptions& options, const SoakTally& tally,
                           const std::string& path) {
  // The seed is a string: a 64-bit value that JSON readers holding numbers
  // as doubles (jq 1.6, soak.sh's) would round.
  std::string json = absl::StrFormat(
      "{\n  \"tool\": \"asycamore-soak\",\n  \"protocol\": %s,\n"
      "  \"settings\": {\"address\": %s, \"port\": %d, \"connections\": %d, "
      "\"seconds\": %d, \"drain_seconds\": %d, \"gap_ms\": %d, "
      "\"seed\": \"%d\", "
      "\"reset_percent\": %d, \"half_close_percent\": %d, "
      "\"slow_percent\": %d},\n",
      report::JsonString(IsEcho(options) ? "echo" : "http"),
      report::JsonString(options.address), options.port, options.connections,
      absl::ToInt64Seconds(options.duration),
      absl::ToInt64Seconds(options.drain),
      absl::ToInt64Milliseconds(options.gap), options.seed,
      options.mix.reset_percent, options.mix.half_close_percent,
      options.mix.slow_percent);
  absl::StrAppendFormat(
      &json,
      "  \"elapsed_s\": %s,\n  \"peak_connections\": %d,\n"
      "  \"mean_connections\": %s,\n"
      "  \"opened\": %d,\n  \"sessions\": %d,\n"
      "  \"plain\": %d,\n  \"resets\": %d,\n"
      "  \"half_closes\": %d,\n  \"slow_readers\": %d,\n"
      "  \"pushed_back\": %d,\n  \"bytes_sent\": %d,\n"
      "  \"answers_verified\": %d,\n  \"answers_are\": %s,\n"
      "  \"lost\": %d,\n  \"connect_failures\": %d,\n  \"hung\": %d,\n"
      "  \"loss\": %d,\n  \"first_loss\": %s\n}\n",
      report::JsonNumber(tally.seconds), tally.peak_connections,
      report::JsonNumber(tally.mean_connections), tally.opened, tally.sessions,
      tally.plain, tally.resets, tally.half_closes, tally.slow_readers,
      tally.pushed_back, tally.bytes_sent, tally.answers,
      report::JsonString(IsEcho(options) ? "bytes" : "responses"), tally.lost,
      tally.connect_failures, tally.hung, tally.loss(),
      tally.first_loss.empty() ? std::string("null")
                               : report::JsonString(tally.first_loss));
  return report::WriteFile(path, json);
}

}  // namespace asycamore
