# dbctl_module(NAME LIBS ...): a static library from src/NAME/*.cpp with public headers under
# include/dbctl/NAME. Sources are globbed with CONFIGURE_DEPENDS so adding a file needs no edit.
function(dbctl_module name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/${name}/*.cpp")
  add_library(dbctl_${name} STATIC ${sources})
  target_include_directories(dbctl_${name} PUBLIC "${PROJECT_SOURCE_DIR}/include"
                                           PRIVATE "${PROJECT_SOURCE_DIR}/src")
  if(ARG_LIBS)
    target_link_libraries(dbctl_${name} ${ARG_LIBS})
  endif()
endfunction()
