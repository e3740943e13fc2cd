# Install rules: the library, its headers, and a package config so that
# find_package(asycamore) gives consumers asycamore::asycamore.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS asycamore EXPORT asycamoreTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/include/asycamore
                  ${PROJECT_SOURCE_DIR}/backends/include/asycamore
                  ${PROJECT_SOURCE_DIR}/tcpsocket/include/asycamore
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

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
