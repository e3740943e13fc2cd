# The IOCP backend (Windows): included from backends/CMakeLists.txt when
# "iocp" is in ASYCAMORE_BACKENDS. The AFD definitions live in afd.cc; the
# ntdll entry points are looked up at run time, so only ws2_32 is linked
# (asycamore::core links it for every Windows build).
target_sources(asycamore_backends PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/afd.cc
  ${CMAKE_CURRENT_LIST_DIR}/iocp_dispatcher.cc)
target_link_libraries(asycamore_backends PRIVATE absl::flat_hash_map absl::flat_hash_set)
