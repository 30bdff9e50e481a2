# Warnings for every target we own. CI turns them into errors through
# CMAKE_COMPILE_WARNING_AS_ERROR (the `ci` preset).
function(sanbao_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
                         -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2
                         -Wimplicit-fallthrough)
endfunction()

# sanbao_test_settings(target)
# What every test executable and the shared test precompiled header are built
# with. They must agree, or GCC would reject the precompiled header.
# Outside Debug builds the tests' own code is compiled at -Og: the code under
# test keeps the build type's optimisation, and the test files (GoogleTest
# macros, large tables) compile more than twice as fast as at -O2, and
# without the false -Warray-bounds that GCC 12 reports at -O1 on some
# std::string concatenations.
function(sanbao_test_settings target)
  sanbao_set_warnings(${target})
  target_link_libraries(${target} PRIVATE sanbao::core GTest::gmock_main Boost::json)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  target_compile_definitions(${target} PRIVATE
    SANBAO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SANBAO_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures")
  target_compile_options(${target} PRIVATE $<$<NOT:$<CONFIG:Debug>>:-Og>)
endfunction()

# sanbao_add_test(NAME name SOURCES ... [LIBS ...] [LEVEL unit|contract|integration|conformance])
# A GoogleTest executable whose tests ctest discovers one by one, each
# labelled with its level (default unit): `ctest -L contract`.
function(sanbao_add_test)
  cmake_parse_arguments(T "" "NAME;LEVEL" "SOURCES;LIBS" ${ARGN})
  if(NOT T_LEVEL)
    set(T_LEVEL unit)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  sanbao_test_settings(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS})
  if(TARGET sanbao_test_pch)
    target_precompile_headers(${T_NAME} REUSE_FROM sanbao_test_pch)
  endif()
  gtest_discover_tests(${T_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS ${T_LEVEL})
endfunction()

# sanbao_install_library(target)
# Installs a Sanbao library and its public header file set into the
# sanbao-targets export (when SANBAO_INSTALL is on).
function(sanbao_install_library target)
  if(SANBAO_INSTALL)
    install(TARGETS ${target} EXPORT sanbao-targets
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
            FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endfunction()
