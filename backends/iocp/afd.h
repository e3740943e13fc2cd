// The Ancillary Function Driver (AFD) poll request, the readiness primitive
// under Winsock's select/WSAPoll, used by the IOCP backend to learn readiness
// on a completion port (as wepoll, mio and libuv's uv_poll do).
//
// None of this is in the public Windows SDK headers: the layouts and codes
// below are the ones every AFD-based reactor uses, and were checked under
// Wine 8 (see iocp_dispatcher.cc for the behaviour seen). The four ntdll
// entry points are looked up at run time (NtCancelIoFileEx is not declared
// by mingw-w64's headers, and no import library is needed that way).
#ifndef ASYCAMORE_BACKENDS_IOCP_AFD_H_
#define ASYCAMORE_BACKENDS_IOCP_AFD_H_

#include "asycamore/native_socket.h"

#include <winsock2.h>
#include <windows.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace asycamore::afd {

using NtStatus = LONG;

inline constexpr NtStatus kStatusSuccess = 0;
inline constexpr NtStatus kStatusPending = 0x00000103;
inline constexpr NtStatus kStatusCancelled = static_cast<NtStatus>(0xC0000120);
inline constexpr NtStatus kStatusInvalidHandle =
    static_cast<NtStatus>(0xC0000008);

// NT_ERROR(status): severity "error" (0xC...). Only such a status means the
// request failed at once and no completion packet will be queued.
inline bool IsNtError(NtStatus status) {
  return (static_cast<std::uint32_t>(status) >> 30) == 3;
}

// Poll event bits (AFD_POLL_*).
inline constexpr ULONG kReceive = 0x0001;      // data to read
inline constexpr ULONG kSend = 0x0004;         // room to write; connected
inline constexpr ULONG kDisconnect = 0x0008;   // the peer's FIN was read to
inline constexpr ULONG kAbort = 0x0010;        // reset
inline constexpr ULONG kLocalClose = 0x0020;   // closed by this process
inline constexpr ULONG kAccept = 0x0080;       // a connection to accept
inline constexpr ULONG kConnectFail = 0x0100;  // a connect failed

// IO_STATUS_BLOCK.
struct IoStatusBlock {
  union {
    NtStatus status;
    void* pointer;
  };
  ULONG_PTR information;
};

// AFD_POLL_HANDLE_INFO.
struct PollHandleInfo {
  HANDLE handle;
  ULONG events;
  NtStatus status;
};

// AFD_POLL_INFO with room for one socket.
struct PollInfo {
  LARGE_INTEGER timeout;
  ULONG number_of_handles;
  ULONG exclusive;
  PollHandleInfo handles[1];
};

static_assert(sizeof(IoStatusBlock) == 2 * sizeof(void*));
static_assert(sizeof(PollHandleInfo) == 16);
static_assert(sizeof(PollInfo) == 32);

// One poll request in flight. The completion packet's lpOverlapped is the
// address of `io_status` (passed as the APC context), so a request embedded
// first in a larger object leads back to that object.
struct PollRequest {
  IoStatusBlock io_status;
  PollInfo info;
};

// Loads the ntdll entry points once per process. Every other call here
// needs it to have succeeded.
absl::Status LoadNtdll();

// Opens a new handle to \Device\Afd, associates it with `port` under
// `completion_key`, and asks for no event signalling on completion.
absl::StatusOr<HANDLE> OpenAfdHandle(HANDLE port, ULONG_PTR completion_key);

// Returns the base service provider's handle of `socket`: AFD polls only
// the base socket, not one wrapped by a layered provider (LSP). Fails with
// WSAENOTSOCK for a closed or foreign handle.
absl::StatusOr<SOCKET> BaseSocket(NativeSocket socket);

// Starts polling `base_socket` for `events` on the AFD handle `afd`.
// Returns the NTSTATUS of the request: anything but an NT error means a
// completion packet will arrive on the port (even STATUS_SUCCESS).
NtStatus SubmitPoll(HANDLE afd, SOCKET base_socket, ULONG events,
                    PollRequest& request);

// Asks the system to cancel `request`. Its completion (STATUS_CANCELLED, or
// its real result if it had already completed) still arrives on the port.
void CancelPoll(HANDLE afd, PollRequest& request);

// Returns the Win32 error for an NTSTATUS (RtlNtStatusToDosError).
DWORD StatusToWin32Error(NtStatus status);

}  // namespace asycamore::afd

#endif  // ASYCAMORE_BACKENDS_IOCP_AFD_H_
