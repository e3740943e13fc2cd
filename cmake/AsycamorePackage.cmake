# CPack: `cpack` in a build tree packs what `cmake --install` installs (the
# libraries, headers, the CMake package and asycamore.pc) into a .deb on
# Debian and Ubuntu (a .tar.gz elsewhere). For a .deb, configure with
# -DCMAKE_INSTALL_PREFIX=/usr (GNUInstallDirs then picks lib/<multiarch>)
# and -DBUILD_SHARED_LIBS=ON for the versioned shared libraries; the
# package needs the abseil headers and libraries it was built against.
# Included by the top-level project only: an embedding project's own CPack
# settings are its own.
set(CPACK_PACKAGE_NAME asycamore)
set(CPACK_PACKAGE_VENDOR "asycamore")
set(CPACK_PACKAGE_CONTACT "asycamore maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
find_program(ASYCAMORE_DPKG dpkg)
mark_as_advanced(ASYCAMORE_DPKG)
if(ASYCAMORE_DPKG)
  set(CPACK_GENERATOR DEB)
else()
  set(CPACK_GENERATOR TGZ)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libabsl-dev (>= ${absl_VERSION})")
if("io_uring" IN_LIST ASYCAMORE_BACKENDS)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", liburing-dev")
endif()
include(CPack)
