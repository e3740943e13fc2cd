// The parts of error_class.h that are the same on every system, written
// once: the lookups over the OS family's error table (ErrorClassTable(),
// defined in tcpsocket/src/<os>/error_classes.cc).
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/error_class.h"

namespace asycamore {
namespace {

// The first row for (op, code) decides, as everywhere the table is read.
ErrorClass ClassifyByTable(SocketOp op, SystemError code) {
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.op == op && entry.code == code) return entry.error_class;
  }
  return ErrorClass::kFatal;
}

// Every drain ends with "would block" and signals bring "interrupted", so
// those codes (and connect's "in progress") are answered per operation from
// a few slots instead of a scan of the whole table. The slots are filled
// from the table itself, which stays the one source.
constexpr std::size_t kOperations =
    static_cast<std::size_t>(SocketOp::kAccept) + 1;
constexpr std::size_t kHotSlots = 4;  // EAGAIN, EWOULDBLOCK, EINTR, ...

struct HotCodes {
  std::array<SystemError, kHotSlots> code{};
  std::array<ErrorClass, kHotSlots> error_class{};
  std::size_t count = 0;
};

bool IsHot(ErrorClass error_class) {
  return error_class == ErrorClass::kWouldBlock ||
         error_class == ErrorClass::kInterrupted ||
         error_class == ErrorClass::kInProgress;
}

std::array<HotCodes, kOperations> FindHotCodes() {
  std::array<HotCodes, kOperations> hot;
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    HotCodes& slots = hot[static_cast<std::size_t>(entry.op)];
    // A later row for the same (op, code) never decides: skip it, so the
    // slots answer exactly what the scan would.
    if (!IsHot(entry.error_class) || slots.count == kHotSlots ||
        ClassifyByTable(entry.op, entry.code) != entry.error_class) {
      continue;
    }
    slots.code[slots.count] = entry.code;
    slots.error_class[slots.count] = entry.error_class;
    ++slots.count;
  }
  return hot;
}

}  // namespace

ErrorClass ClassifyError(SocketOp op, SystemError code) {
  if (code == kNoSystemError) return ErrorClass::kNone;
  // Built on first use (thread-safe); afterwards one guard check.
  static const std::array<HotCodes, kOperations> hot = FindHotCodes();
  const HotCodes& slots = hot[static_cast<std::size_t>(op)];
  for (std::size_t i = 0; i < slots.count; ++i) {
    if (slots.code[i] == code) return slots.error_class[i];
  }
  return ClassifyByTable(op, code);
}

std::string SystemErrorName(SystemError code) {
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.code == code) return entry.name;
  }
  return absl::StrCat(code);
}

}  // namespace asycamore
