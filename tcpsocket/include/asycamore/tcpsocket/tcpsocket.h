// The tcpsocket layer in one include: the seed's primitives (ConnectTcp,
// ListenTcp, ServerAccept, AcceptingSocket, SocketReader, SocketWriter,
// WriteIterable, DataReader, GetSockErr) over any backend, and
// TcpConnection with its write queue and its three ways to close.
#ifndef ASYCAMORE_TCPSOCKET_TCPSOCKET_H_
#define ASYCAMORE_TCPSOCKET_TCPSOCKET_H_

#include "asycamore/tcpsocket/accepting_socket.h"
#include "asycamore/tcpsocket/connect_tcp.h"
#include "asycamore/tcpsocket/data_reader.h"
#include "asycamore/tcpsocket/error_class.h"
#include "asycamore/tcpsocket/io_step.h"
#include "asycamore/tcpsocket/listen_options.h"
#include "asycamore/tcpsocket/multi_loop_server.h"
#include "asycamore/tcpsocket/owned_socket.h"
#include "asycamore/tcpsocket/sock_err.h"
#include "asycamore/tcpsocket/socket_address.h"
#include "asycamore/tcpsocket/socket_control.h"
#include "asycamore/tcpsocket/socket_ops.h"
#include "asycamore/tcpsocket/socket_reader.h"
#include "asycamore/tcpsocket/socket_writer.h"
#include "asycamore/tcpsocket/tcp_connection.h"
#include "asycamore/tcpsocket/write_iterable.h"
#include "asycamore/tcpsocket/write_queue.h"

#endif  // ASYCAMORE_TCPSOCKET_TCPSOCKET_H_
