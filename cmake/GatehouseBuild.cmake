# Shared build settings: language level, ccache, warnings for our own targets, test helpers.
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

find_program(GATEHOUSE_CCACHE ccache)
if(GATEHOUSE_CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER "${GATEHOUSE_CCACHE}")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${GATEHOUSE_CCACHE}")
endif()

if(GATEHOUSE_SANITIZE)
  add_compile_options(-fsanitize=${GATEHOUSE_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${GATEHOUSE_SANITIZE})
endif()

find_package(PkgConfig REQUIRED)

# Adds a module folder when it exists (branches land one at a time) and its option is on.
function(gatehouse_add_module dir)
  cmake_parse_arguments(ARG "" "IF" "" ${ARGN})
  if(ARG_IF AND NOT ${ARG_IF})
    return()
  endif()
  if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/${dir}/CMakeLists.txt")
    add_subdirectory(${dir})
  endif()
endfunction()

# Warnings for code we own. Third-party headers come in as SYSTEM, so -Werror only bites us.
function(gatehouse_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough
    # GCC 12 reports false -Wrestrict positives inside libstdc++ string concatenation at -O3
    # (GCC bug 105329); it would fail release builds of correct code.
    -Wno-restrict)
  if(GATEHOUSE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# gatehouse_library(<name> SOURCES ... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# Builds gatehouse_<name> with alias gatehouse::<name>; headers in include/gatehouse/<name>/.
function(gatehouse_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(gatehouse_${name} STATIC ${ARG_SOURCES})
  add_library(gatehouse::${name} ALIAS gatehouse_${name})
  target_include_directories(gatehouse_${name} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/include"
                                               PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}/src")
  target_link_libraries(gatehouse_${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
  set_target_properties(gatehouse_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  gatehouse_warnings(gatehouse_${name})
endfunction()

# gatehouse_executable(<target> SOURCES ... LIBS ...): a thin app.
function(gatehouse_executable target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  gatehouse_warnings(${target})
endfunction()

# gatehouse_gtest(<target> SOURCES ... LIBS ... LABELS ... [FIXTURES ...] [ENVIRONMENT ...] [TIMEOUT s] [SERIAL])
# One ctest entry per test case (discovered at test time), each labelled for slicing.
function(gatehouse_gtest target)
  cmake_parse_arguments(ARG "SERIAL" "TIMEOUT" "SOURCES;LIBS;LABELS;FIXTURES;ENVIRONMENT" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  gatehouse_warnings(${target})
  # Environment reaches each test through a generated static initialiser (setenv without
  # overwrite), because gtest_discover_tests drops list-valued properties such as ENVIRONMENT.
  set(env "GATEHOUSE_SOURCE_DIR=${PROJECT_SOURCE_DIR}" "GATEHOUSE_BINARY_DIR=${PROJECT_BINARY_DIR}"
      "GATEHOUSE_TEST_PG_DIR=${GATEHOUSE_TEST_PG_DIR}" ${ARG_ENVIRONMENT})
  set(setters "")
  foreach(kv IN LISTS env)
    string(FIND "${kv}" "=" eq)
    string(SUBSTRING "${kv}" 0 ${eq} key)
    math(EXPR after "${eq} + 1")
    string(SUBSTRING "${kv}" ${after} -1 value)
    string(APPEND setters "    setenv(\"${key}\", R\"gh_env(${value})gh_env\", 0);\n")
  endforeach()
  set(env_cpp "${CMAKE_CURRENT_BINARY_DIR}/${target}_env.cpp")
  file(CONFIGURE OUTPUT "${env_cpp}" CONTENT "// Generated: test environment defaults.\n#include <cstdlib>\nnamespace {\nstruct TestEnv {\n  TestEnv() {\n${setters}  }\n} testEnv;\n}  // namespace\n")
  target_sources(${target} PRIVATE "${env_cpp}")
  list(GET ARG_LABELS 0 label)  # one label each; list-valued properties do not survive discovery
  set(props LABELS "${label}" TIMEOUT ${ARG_TIMEOUT})
  if(ARG_FIXTURES)
    list(GET ARG_FIXTURES 0 fixture)
    list(APPEND props FIXTURES_REQUIRED "${fixture}")
  endif()
  if(ARG_SERIAL)
    list(APPEND props RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60 PROPERTIES ${props})
endfunction()
