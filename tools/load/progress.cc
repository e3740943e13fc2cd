#include "progress.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "report/format.h"

namespace asycamore {
namespace {

// Redraws one line: carriage return, the text, erase to the end of line.
class TerminalProgress : public ProgressSink {
 public:
  TerminalProgress(const LoadOptions& options, int fd)
      : options_(options), fd_(fd) {}

  void Report(const LoadProgress& progress) override {
    Write(absl::StrCat("\r", FormatProgressLine(options_, last_, progress),
                       "\x1b[K"));
    last_ = progress;
  }
  void Finish() override { Write("\r\x1b[K"); }

 private:
  void Write(const std::string& text) {
    // A progress line that cannot be written is not worth failing a run.
    [[maybe_unused]] const ssize_t n = ::write(fd_, text.data(), text.size());
  }

  const LoadOptions& options_;
  const int fd_;
  LoadProgress last_;
};

class SilentProgress : public ProgressSink {
 public:
  void Report(const LoadProgress&) override {}
  void Finish() override {}
};

}  // namespace

std::string FormatProgressLine(const LoadOptions& options,
                               const LoadProgress& before,
                               const LoadProgress& now) {
  const double seconds = absl::ToDoubleSeconds(now.elapsed - before.elapsed);
  const double rate =
      seconds > 0
          ? static_cast<double>(now.responses - before.responses) / seconds
          : 0;
  const std::string clock =
      absl::StrFormat("%.1fs", absl::ToDoubleSeconds(now.elapsed));
  if (options.requests > 0) {
    return absl::StrFormat("[%s] %d/%d requests, %s req/s, %d errors", clock,
                           now.responses, options.requests,
                           report::FormatRate(rate), now.errors);
  }
  return absl::StrFormat("[%s/%s] %s req/s, %d responses, %d errors", clock,
                         absl::FormatDuration(options.duration),
                         report::FormatRate(rate), now.responses, now.errors);
}

std::unique_ptr<ProgressSink> MakeProgressSink(const LoadOptions& options,
                                               int fd) {
  if (::isatty(fd) == 1) return std::make_unique<TerminalProgress>(options, fd);
  return std::make_unique<SilentProgress>();
}

}  // namespace asycamore
