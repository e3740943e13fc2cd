# Script mode, for the consumer.* tests: embeds asycamore in
# tests/consumer/project one way (MODE), as the README's "Using asycamore in
# a product" tells a user to.
#   find_package     install this build into a scratch prefix, then
#                    find_package(asycamore 0.1) from it.
#   add_subdirectory the source tree, add_subdirectory'd by the project.
#   fetch_content    FetchContent_Declare/MakeAvailable, served from the
#                    source tree (FETCHCONTENT_SOURCE_DIR_ASYCAMORE: no
#                    network).
#   deb              a shared-library build of this source tree, packed by
#                    CPack into a .deb, unpacked with dpkg -x into a scratch
#                    root; then find_package from there.
#   pkg_config       no CMake: g++ $(pkg-config --cflags --libs asycamore)
#                    against the prefix of find_package (static libraries)
#                    or the root of deb (shared ones): PREFIX_DIR, that
#                    mode's tree (a fixture), reused.
# Steps:
#   STEP=configure  from scratch: make what the mode installs, then
#                   configure the project against it. The project checks,
#                   while it configures, what each target links.
#   STEP=build      build consumer_<TARGET> (and only what it needs) and run
#                   it; pkg_config compiles and links <TARGET>.cc by hand.
set(_prefix ${WORK_DIR}/prefix)
set(_build ${WORK_DIR}/build)
# Two jobs: the machines have two cores (the tests run alone: RUN_SERIAL).
set(_jobs --parallel 2)

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "failed (${_result}): ${ARGV}")
  endif()
endfunction()

# Sets <out> to the first line of <command>'s output; fails if it fails.
function(output_of out)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _result
    OUTPUT_VARIABLE _output OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "failed (${_result}): ${ARGN}")
  endif()
  set(${out} "${_output}" PARENT_SCOPE)
endfunction()

# The .deb: a shared build of the source tree (nothing but the libraries),
# packed and unpacked into <root>; checks the SONAMEs and that llhttp's
# symbols stay inside libasycamore_http.
function(make_deb_root root)
  set(tree ${WORK_DIR}/asycamore)
  run(${CMAKE_COMMAND} -S ${ASYCAMORE_SOURCE_DIR} -B ${tree} -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_SHARED_LINKER_FLAGS=${SHARED_LINKER_FLAGS}"
    -DCMAKE_INSTALL_PREFIX=/usr
    -DBUILD_SHARED_LIBS=ON
    "-DASYCAMORE_BACKENDS=${BACKENDS}"
    -DASYCAMORE_BUILD_HTTP=${BUILD_HTTP}
    -DASYCAMORE_BUILD_TESTS=OFF -DASYCAMORE_BUILD_BENCHMARKS=OFF
    -DASYCAMORE_BUILD_TOOLS=OFF -DASYCAMORE_WERROR=ON)
  run(${CMAKE_COMMAND} --build ${tree} ${_jobs})
  file(REMOVE_RECURSE ${tree}/packages)
  run(${CPACK_COMMAND} -G DEB --config ${tree}/CPackConfig.cmake)
  file(GLOB debs ${tree}/packages/*.deb)
  list(LENGTH debs count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "cpack made ${count} .deb files, not one: ${debs}")
  endif()
  run(dpkg -x ${debs} ${root})
  set(soversion ${SOVERSION})
  set(layers core backends tcpsocket)
  if(BUILD_HTTP)
    list(APPEND layers http)
  endif()
  foreach(layer IN LISTS layers)
    file(GLOB_RECURSE library ${root}/usr/lib/libasycamore_${layer}.so.${soversion})
    if(NOT library)
      message(FATAL_ERROR "the .deb has no libasycamore_${layer}.so.${soversion}")
    endif()
    output_of(dynamic readelf -d ${library})
    if(NOT dynamic MATCHES "SONAME\\) *Library soname: \\[libasycamore_${layer}\\.so\\.${soversion}\\]")
      message(FATAL_ERROR "${library}: no SONAME libasycamore_${layer}.so.${soversion}:\n${dynamic}")
    endif()
    if(layer STREQUAL "http")
      output_of(symbols readelf --dyn-syms --wide ${library})
      if(symbols MATCHES "llhttp_")
        message(FATAL_ERROR "${library} exports llhttp's symbols")
      endif()
    endif()
  endforeach()
endfunction()

if(STEP STREQUAL "configure")
  file(REMOVE_RECURSE ${WORK_DIR})
  set(_configure ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/project -B ${_build}
    -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
  if(MODE STREQUAL "find_package")
    run(${CMAKE_COMMAND} --install ${ASYCAMORE_BINARY_DIR} --prefix ${_prefix})
    run(${_configure} -DCMAKE_PREFIX_PATH=${_prefix})
  elseif(MODE STREQUAL "add_subdirectory")
    run(${_configure} -DASYCAMORE_SOURCE_DIR=${ASYCAMORE_SOURCE_DIR})
  elseif(MODE STREQUAL "fetch_content")
    run(${_configure} -DASYCAMORE_FETCH=ON
      -DFETCHCONTENT_SOURCE_DIR_ASYCAMORE=${ASYCAMORE_SOURCE_DIR})
  elseif(MODE STREQUAL "deb")
    make_deb_root(${_prefix})
    run(${_configure} -DCMAKE_PREFIX_PATH=${_prefix}/usr)
  else()
    message(FATAL_ERROR "MODE '${MODE}' has no configure step")
  endif()
elseif(STEP STREQUAL "build" AND MODE STREQUAL "pkg_config")
  # Only what the README shows: pkg-config's flags, the compiler, C++20.
  # The prefix is the one the fixture's mode left; the .pc file finds it
  # from its own folder (${pcfiledir}).
  file(GLOB_RECURSE pc_files ${PREFIX_DIR}/asycamore.pc)
  if(NOT pc_files)
    message(FATAL_ERROR "no asycamore.pc under ${PREFIX_DIR}")
  endif()
  list(GET pc_files 0 pc_file)
  get_filename_component(pc_dir ${pc_file} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} ${pc_dir})
  output_of(flags pkg-config --cflags --libs asycamore)
  output_of(libdir pkg-config --variable=libdir asycamore)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS} ${LINKER_FLAGS}")
  file(MAKE_DIRECTORY ${WORK_DIR})
  get_filename_component(prefix_name ${PREFIX_DIR} DIRECTORY)
  get_filename_component(prefix_name ${prefix_name} NAME)
  set(program ${WORK_DIR}/${prefix_name}_${TARGET})
  run(${CXX_COMPILER} -std=c++20 ${cxx_flags}
    ${CMAKE_CURRENT_LIST_DIR}/project/${TARGET}.cc -o ${program} ${flags})
  # The shared libraries of a scratch root are not on the loader's path.
  run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${program})
elseif(STEP STREQUAL "build")
  run(${CMAKE_COMMAND} --build ${_build} --target consumer_${TARGET} ${_jobs})
  set(loader_path "")
  if(MODE STREQUAL "deb")
    # A library's own dependencies (libasycamore_tcpsocket.so needs
    # libasycamore_core.so.0.1) are not looked up on the program's RUNPATH:
    # in /usr they would be found; in the scratch root, by this.
    file(GLOB_RECURSE core ${_prefix}/usr/lib/libasycamore_core.so)
    get_filename_component(libdir "${core}" DIRECTORY)
    set(loader_path LD_LIBRARY_PATH=${libdir})
  endif()
  run(${CMAKE_COMMAND} -E env ${loader_path} ${_build}/consumer_${TARGET})
else()
  message(FATAL_ERROR "STEP must be configure or build, not '${STEP}'")
endif()
