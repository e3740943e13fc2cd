#include "load_engine.h"

#include "absl/status/status.h"

namespace asycamore {

absl::StatusOr<std::unique_ptr<LoadEngine>> CreateLoadEngine() {
  // The engine is StartMultipleClients over HttpClientSocket (issue 13);
  // this returns it once the library has them.
  return absl::UnimplementedError(
      "the load engine is not built yet: it needs the library's HTTP client "
      "(HttpClientSocket, StartMultipleClients; issue 13)");
}

}  // namespace asycamore
