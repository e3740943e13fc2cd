# Script mode, for the consumer.* tests: embeds asycamore in
# tests/consumer/project one way (MODE: find_package or add_subdirectory).
#   STEP=configure  from scratch: install this build into a scratch prefix
#                   (find_package), then configure the project against it or
#                   against the source tree (add_subdirectory). The project
#                   checks, while it configures, what each target links.
#   STEP=build      build consumer_<TARGET> (and only what it needs) and run
#                   it.
set(_prefix ${WORK_DIR}/prefix)
set(_build ${WORK_DIR}/build)

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "failed (${_result}): ${ARGV}")
  endif()
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
  else()
    run(${_configure} -DASYCAMORE_SOURCE_DIR=${ASYCAMORE_SOURCE_DIR})
  endif()
elseif(STEP STREQUAL "build")
  # Two jobs: the machines have two cores (the tests run alone: RUN_SERIAL).
  run(${CMAKE_COMMAND} --build ${_build} --target consumer_${TARGET} --parallel 2)
  run(${_build}/consumer_${TARGET})
else()
  message(FATAL_ERROR "STEP must be configure or build, not '${STEP}'")
endif()
