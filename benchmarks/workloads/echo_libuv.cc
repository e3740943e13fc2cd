// The echo workload's server on libuv, written the way a libuv server is:
// uv_tcp_t streams, uv_read_start with an allocation callback that lends
// one buffer shared by every connection (libuv reads once per event and
// stops after a short read), uv_try_write for the reply, and a queued
// uv_write of the rest only when the socket would block (reading stops
// until that write completes).
#include <uv.h>

#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "workloads/runners.h"

namespace asycamore::bench {
namespace {

struct Server {
  uv_loop_t loop;
  uv_tcp_t listener;
  std::size_t accepted = 0;
  std::size_t open = 0;
};

struct PendingWrite {
  uv_write_t request;
  std::string bytes;
};

char shared_buffer[64 * 1024];

Server& ServerOf(uv_handle_t* handle) {
  return *static_cast<Server*>(handle->loop->data);
}

void OnClosed(uv_handle_t* handle) {
  Server& server = ServerOf(handle);
  delete reinterpret_cast<uv_tcp_t*>(handle);
  if (--server.open == 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&server.listener), nullptr);
  }
}

void OnAlloc(uv_handle_t*, std::size_t, uv_buf_t* buf) {
  *buf = uv_buf_init(shared_buffer, sizeof shared_buffer);
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);

void OnWritten(uv_write_t* request, int status) {
  std::unique_ptr<PendingWrite> done(static_cast<PendingWrite*>(request->data));
  uv_stream_t* stream = request->handle;
  if (status < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(stream), OnClosed);
    return;
  }
  uv_read_start(stream, OnAlloc, OnRead);
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  if (nread == 0) return;  // EAGAIN
  if (nread < 0) {         // UV_EOF or an error
    uv_close(reinterpret_cast<uv_handle_t*>(stream), OnClosed);
    return;
  }
  uv_buf_t reply = uv_buf_init(buf->base, static_cast<unsigned>(nread));
  const int sent = uv_try_write(stream, &reply, 1);
  if (sent == nread) return;
  if (sent < 0 && sent != UV_EAGAIN) {
    uv_close(reinterpret_cast<uv_handle_t*>(stream), OnClosed);
    return;
  }
  const std::size_t skip = sent > 0 ? static_cast<std::size_t>(sent) : 0;
  auto pending = std::make_unique<PendingWrite>();
  pending->bytes.assign(buf->base + skip, static_cast<std::size_t>(nread) - skip);
  pending->request.data = pending.get();
  uv_buf_t rest = uv_buf_init(pending->bytes.data(),
                              static_cast<unsigned>(pending->bytes.size()));
  uv_read_stop(stream);
  if (uv_write(&pending->request, stream, &rest, 1, OnWritten) == 0) {
    pending.release();
  } else {
    uv_close(reinterpret_cast<uv_handle_t*>(stream), OnClosed);
  }
}

void OnConnection(uv_stream_t* listener, int status) {
  if (status < 0) return;
  Server& server = ServerOf(reinterpret_cast<uv_handle_t*>(listener));
  auto* client = new uv_tcp_t;
  uv_tcp_init(&server.loop, client);
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(client)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(client), [](uv_handle_t* handle) {
      delete reinterpret_cast<uv_tcp_t*>(handle);
    });
    return;
  }
  ++server.accepted;
  ++server.open;
  uv_read_start(reinterpret_cast<uv_stream_t*>(client), OnAlloc, OnRead);
}

}  // namespace

absl::Status ServeEchoLibuv(int listen_fd) {
  Server server;
  if (int rc = uv_loop_init(&server.loop); rc != 0) {
    return absl::InternalError(absl::StrCat("uv_loop_init: ", uv_strerror(rc)));
  }
  server.loop.data = &server;
  uv_tcp_init(&server.loop, &server.listener);
  int rc = uv_tcp_open(&server.listener, listen_fd);
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server.listener), 1024,
                   OnConnection);
  }
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&server.listener), nullptr);
    uv_run(&server.loop, UV_RUN_DEFAULT);
    uv_loop_close(&server.loop);
    return absl::InternalError(absl::StrCat("uv_listen: ", uv_strerror(rc)));
  }
  // Runs until the last connection closed and, with it, the listener.
  uv_run(&server.loop, UV_RUN_DEFAULT);
  uv_loop_close(&server.loop);
  return absl::OkStatus();
}

}  // namespace asycamore::bench
