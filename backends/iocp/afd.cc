// AFD poll requests (see afd.h).
//
// Quirks this file handles:
//  - Windows with a layered service provider (LSP) installed hands out
//    wrapped sockets that AFD does not know. SIO_BASE_HANDLE returns the base
//    socket; some LSPs block it, and then SIO_BSP_HANDLE_POLL,
//    SIO_BSP_HANDLE_SELECT and SIO_BSP_HANDLE are tried in that order (as
//    wepoll does). Wine 8 fails SIO_BSP_HANDLE_POLL with WSAEOPNOTSUPP but
//    answers SIO_BASE_HANDLE, which is why that one is asked first.
//  - The poll is submitted with the APC context set to the status block, so
//    the completion packet's lpOverlapped points at it; no OVERLAPPED is
//    used at all (its Internal field is not the request's status under Wine:
//    the upper 32 bits were garbage).
//  - Error values compared here: WSAENOTSOCK from the base-handle ioctls
//    (not a socket at all: the later ioctls are not tried), and NT statuses
//    (success or not) from NtDeviceIoControlFile.
#include "iocp/afd.h"

#include <mswsock.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "asycamore/backend/system_error.h"

namespace asycamore::afd {
namespace {

constexpr ULONG kIoctlAfdPoll = 0x00012024;

struct UnicodeString {
  USHORT length;         // in bytes, without a terminating NUL
  USHORT maximum_length;  // in bytes
  PWSTR buffer;
};

struct ObjectAttributes {
  ULONG length;
  HANDLE root_directory;
  UnicodeString* object_name;
  ULONG attributes;
  PVOID security_descriptor;
  PVOID security_quality_of_service;
};

constexpr ULONG kFileShareReadWrite = FILE_SHARE_READ | FILE_SHARE_WRITE;
constexpr ULONG kFileOpen = 0x00000001;  // FILE_OPEN disposition

using NtCreateFileFn = NtStatus(NTAPI*)(HANDLE*, ACCESS_MASK,
                                        ObjectAttributes*, IoStatusBlock*,
                                        LARGE_INTEGER*, ULONG, ULONG, ULONG,
                                        ULONG, PVOID, ULONG);
using NtDeviceIoControlFileFn = NtStatus(NTAPI*)(HANDLE, HANDLE, PVOID, PVOID,
                                                 IoStatusBlock*, ULONG, PVOID,
                                                 ULONG, PVOID, ULONG);
using NtCancelIoFileExFn = NtStatus(NTAPI*)(HANDLE, IoStatusBlock*,
                                            IoStatusBlock*);
using RtlNtStatusToDosErrorFn = ULONG(NTAPI*)(NtStatus);

struct Ntdll {
  NtCreateFileFn create_file = nullptr;
  NtDeviceIoControlFileFn device_io_control_file = nullptr;
  NtCancelIoFileExFn cancel_io_file_ex = nullptr;
  RtlNtStatusToDosErrorFn status_to_dos_error = nullptr;
  absl::Status loaded;
};

// Returns `name` from `module` as a function pointer of type T.
template <typename T>
T Lookup(HMODULE module, const char* name) {
  FARPROC address = ::GetProcAddress(module, name);
  T function = nullptr;
  static_assert(sizeof(function) == sizeof(address));
  // A FARPROC is a generic function pointer; copying its bits is the
  // conversion both GCC and MSVC accept without a cast-function-type warning.
  std::memcpy(&function, &address, sizeof(function));
  return function;
}

const Ntdll& GetNtdll() {
  static const Ntdll ntdll = [] {
    Ntdll result;
    HMODULE module = ::GetModuleHandleW(L"ntdll.dll");
    if (module == nullptr) {
      result.loaded = SystemErrorStatus(static_cast<int>(::GetLastError()),
                                        "GetModuleHandle(ntdll.dll)");
      return result;
    }
    result.create_file = Lookup<NtCreateFileFn>(module, "NtCreateFile");
    result.device_io_control_file =
        Lookup<NtDeviceIoControlFileFn>(module, "NtDeviceIoControlFile");
    result.cancel_io_file_ex =
        Lookup<NtCancelIoFileExFn>(module, "NtCancelIoFileEx");
    result.status_to_dos_error =
        Lookup<RtlNtStatusToDosErrorFn>(module, "RtlNtStatusToDosError");
    if (result.create_file == nullptr ||
        result.device_io_control_file == nullptr ||
        result.cancel_io_file_ex == nullptr ||
        result.status_to_dos_error == nullptr) {
      result.loaded = absl::UnavailableError(
          "ntdll.dll lacks NtCreateFile, NtDeviceIoControlFile, "
          "NtCancelIoFileEx or RtlNtStatusToDosError");
    }
    return result;
  }();
  return ntdll;
}

}  // namespace

absl::Status LoadNtdll() { return GetNtdll().loaded; }

DWORD StatusToWin32Error(NtStatus status) {
  return GetNtdll().status_to_dos_error(status);
}

absl::StatusOr<HANDLE> OpenAfdHandle(HANDLE port, ULONG_PTR completion_key) {
  const Ntdll& ntdll = GetNtdll();
  // Any name below \Device\Afd opens the driver; the suffix names the user
  // in handle listings.
  static wchar_t kDeviceName[] = L"\\Device\\Afd\\Asycamore";
  UnicodeString name;
  name.length = static_cast<USHORT>(sizeof(kDeviceName) - sizeof(wchar_t));
  name.maximum_length = static_cast<USHORT>(sizeof(kDeviceName));
  name.buffer = kDeviceName;
  ObjectAttributes attributes{};
  attributes.length = sizeof(attributes);
  attributes.object_name = &name;
  IoStatusBlock io_status{};
  HANDLE handle = nullptr;
  const NtStatus status = ntdll.create_file(
      &handle, SYNCHRONIZE, &attributes, &io_status, nullptr, 0,
      kFileShareReadWrite, kFileOpen, 0, nullptr, 0);
  if (status != kStatusSuccess) {
    return SystemErrorStatus(static_cast<int>(StatusToWin32Error(status)),
                             "NtCreateFile(\\Device\\Afd)");
  }
  if (::CreateIoCompletionPort(handle, port, completion_key, 0) == nullptr) {
    const absl::Status error = SystemErrorStatus(
        static_cast<int>(::GetLastError()), "CreateIoCompletionPort(AFD)");
    ::CloseHandle(handle);
    return error;
  }
  if (!::SetFileCompletionNotificationModes(handle,
                                            FILE_SKIP_SET_EVENT_ON_HANDLE)) {
    const absl::Status error =
        SystemErrorStatus(static_cast<int>(::GetLastError()),
                          "SetFileCompletionNotificationModes(AFD)");
    ::CloseHandle(handle);
    return error;
  }
  return handle;
}

absl::StatusOr<SOCKET> BaseSocket(NativeSocket socket) {
  static constexpr DWORD kIoctls[] = {SIO_BASE_HANDLE, SIO_BSP_HANDLE_POLL,
                                      SIO_BSP_HANDLE_SELECT, SIO_BSP_HANDLE};
  int first_error = 0;
  for (DWORD ioctl : kIoctls) {
    SOCKET base = INVALID_SOCKET;
    DWORD bytes = 0;
    if (::WSAIoctl(socket, ioctl, nullptr, 0, &base, sizeof(base), &bytes,
                   nullptr, nullptr) != SOCKET_ERROR &&
        base != INVALID_SOCKET) {
      return base;
    }
    const int error = ::WSAGetLastError();
    if (first_error == 0) first_error = error;
    // Not a socket at all: no other ioctl will do better.
    if (error == WSAENOTSOCK) break;
  }
  return SystemErrorStatus(first_error, "WSAIoctl(SIO_BASE_HANDLE)");
}

NtStatus SubmitPoll(HANDLE afd, SOCKET base_socket, ULONG events,
                    PollRequest& request) {
  request.info.timeout.QuadPart = INT64_MAX;
  request.info.number_of_handles = 1;
  request.info.exclusive = FALSE;
  request.info.handles[0].handle = reinterpret_cast<HANDLE>(base_socket);
  request.info.handles[0].events = events;
  request.info.handles[0].status = 0;
  request.io_status.status = kStatusPending;
  request.io_status.information = 0;
  return GetNtdll().device_io_control_file(
      afd, nullptr, nullptr, &request.io_status, &request.io_status,
      kIoctlAfdPoll, &request.info, sizeof(request.info), &request.info,
      sizeof(request.info));
}

void CancelPoll(HANDLE afd, PollRequest& request) {
  // STATUS_NOT_FOUND means the request completed already; its completion
  // packet is queued either way, so the result needs no handling.
  IoStatusBlock cancel_status{};
  GetNtdll().cancel_io_file_ex(afd, &request.io_status, &cancel_status);
}

}  // namespace asycamore::afd
