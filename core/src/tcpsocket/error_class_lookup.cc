// Lookups over the OS family's error table (ErrorClassTable(), defined in
// core/src/<os>/error_classes.cc): the same on every system, so written once.
#include <string>

#include "absl/strings/str_cat.h"
#include "asycamore/tcpsocket/system_error.h"

namespace asycamore {

ErrorClass ClassifyError(SocketOp op, SystemError code) {
  if (code == 0) return ErrorClass::kNone;
  // The table is short (tens of rows) and the hot paths only get here on a
  // failed call, which is rare next to the calls that moved bytes.
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.op == op && entry.code == code) return entry.error_class;
  }
  return ErrorClass::kFatal;
}

std::string SystemErrorName(SystemError code) {
  for (const ErrorClassEntry& entry : ErrorClassTable()) {
    if (entry.code == code) return entry.name;
  }
  return absl::StrCat(code);
}

}  // namespace asycamore
