# Helpers shared by every area: warnings, sanitizers, library and test targets.

# Applies the project's compile options to one of our own targets.
function(ivm_target_defaults target)
  target_compile_features(${target} PUBLIC cxx_std_17)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(IVM_SANITIZERS)
    target_compile_options(${target} PRIVATE -fsanitize=${IVM_SANITIZERS}
                                             -fno-omit-frame-pointer)
    target_link_options(${target} PUBLIC -fsanitize=${IVM_SANITIZERS})
  endif()
endfunction()

# ivm_add_library(name SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
function(ivm_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  ivm_target_defaults(${name})
endfunction()

# ivm_add_test(name SOURCES ... DEPS ...) -- a GoogleTest executable, one
# CTest entry per test case.
function(ivm_add_test name)
  if(NOT IVM_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock
                                        GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    IVM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    IVM_BINARY_DIR="${PROJECT_BINARY_DIR}")
  ivm_target_defaults(${name})
  # One label per binary: the area's (e.g. "sip"), else "unit". (A list does
  # not survive gtest_discover_tests' generated script.)
  set(label unit)
  if(ARG_LABELS)
    list(GET ARG_LABELS 0 label)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS ${label})
endfunction()
