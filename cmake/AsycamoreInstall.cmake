# Install rules: the layer libraries, their headers, and a package config so
# that find_package(asycamore) gives consumers asycamore::core,
# asycamore::backends, asycamore::tcpsocket, asycamore::http (when built)
# and the umbrella asycamore::asycamore. The backends' and the layers'
# private headers (backends/support, core/internal, */src) are not installed.
# Also asycamore.pc (AsycamorePkgConfig.cmake) and, for the top-level
# project, CPack (AsycamorePackage.cmake).
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
# While asycamore is 0.x a minor release may break the API: 0.1.x satisfies
# find_package(asycamore 0.1), no 0.2 does.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/asycamoreConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/asycamoreConfig.cmake
  ${PROJECT_BINARY_DIR}/asycamoreConfigVersion.cmake
  DESTINATION ${_asycamore_cmake_dir})

include(AsycamorePkgConfig)
if(PROJECT_IS_TOP_LEVEL)
  include(AsycamorePackage)
endif()
