# The tcpsocket layer (layer 4 of SPEC.md): backend-neutral sources, plus one
# file set per OS family for errno classification and the system calls.
# Included from core/CMakeLists.txt after the asycamore target exists.
# The property tells tests/tcpsocket/ that this build has the layer.
set_property(GLOBAL PROPERTY ASYCAMORE_TCPSOCKET_BUILT TRUE)

target_sources(asycamore PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/accepting_socket.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/connect_retry.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/connect_tcp.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/data_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/error_class_lookup.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/io_step.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/names.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/owned_socket.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/read_buffer.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/sock_err.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/socket_address.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/socket_reader.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/socket_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/tcp_connection.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/tcp_connection_send.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/write_iterable.cc
  ${CMAKE_CURRENT_LIST_DIR}/src/tcpsocket/write_queue.cc
)
if(WIN32)
  # WSA code classification and the Winsock calls.
  target_sources(asycamore PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/src/windows/error_classes.cc
    ${CMAKE_CURRENT_LIST_DIR}/src/windows/socket_ops.cc
  )
else()
  target_sources(asycamore PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/src/posix/error_classes.cc
    ${CMAKE_CURRENT_LIST_DIR}/src/posix/socket_ops.cc
  )
endif()
target_link_libraries(asycamore PUBLIC absl::cord)
