# dbctl_module(NAME LIBS ...): a static library from src/NAME/*.cpp with public headers under
# include/dbctl/NAME. Sources are globbed with CONFIGURE_DEPENDS so adding a file needs no edit.
#
# The dependency direction is enforced, not only documented: a module's include path holds
# its own public headers (a folder in the build tree whose only entry, dbctl/NAME, links to
# include/dbctl/NAME) and its own src/NAME, and reaches another module's headers only by linking
# that module. Modules link only the ones below them, so an include that climbs (migration
# including dbctl/ops/..., anything including a cli header) does not compile; the
# `wrong-way include fails to build` test (tests/CMakeLists.txt) proves it on every run.
function(dbctl_module name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/${name}/*.cpp")
  add_library(dbctl_${name} STATIC ${sources})
  set(public "${PROJECT_BINARY_DIR}/module-include/${name}")
  file(MAKE_DIRECTORY "${public}/dbctl")
  file(CREATE_LINK "${PROJECT_SOURCE_DIR}/include/dbctl/${name}" "${public}/dbctl/${name}" SYMBOLIC)
  target_include_directories(dbctl_${name} PUBLIC "${public}" PRIVATE "${PROJECT_SOURCE_DIR}/src/${name}")
  if(ARG_LIBS)
    target_link_libraries(dbctl_${name} ${ARG_LIBS})
  endif()
endfunction()
