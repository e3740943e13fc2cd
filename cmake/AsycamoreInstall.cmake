# Install rules: the layer libraries, their headers, and a package config so
# that find_package(asycamore) gives consumers asycamore::core,
# asycamore::backends, asycamore::tcpsocket, asycamore::http (when built)
# and the umbrella asycamore::asycamore. The backends' and the layers'
# private headers (backends/support, core/internal, */src) are not installed.
include(CMakePackageConfigHelpers)

get_property(_asycamore_layers GLOBAL PROPERTY ASYCAMORE_LAYERS)
install(TARGETS ${_asycamore_layers} asycamore EXPORT asycamoreTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(_layer core backends tcpsocket http)
  if(TARGET asycamore_${_layer})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_layer}/include/asycamore
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()

set(_asycamore_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/asycamore)
install(EXPORT asycamoreTargets
  NAMESPACE asycamore::
  DESTINATION ${_asycamore_cmake_dir})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/asycamoreConfig.cmake.in
  ${PROJECT_BINARY_DIR}/asycamoreConfig.cmake
  INSTALL_DESTINATION ${_asycamore_cmake_dir})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/asycamoreConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/asycamoreConfig.cmake
  ${PROJECT_BINARY_DIR}/asycamoreConfigVersion.cmake
  DESTINATION ${_asycamore_cmake_dir})
