# Findpicojson.cmake: picojson is one header with no CMake package anywhere. Accepts both spellings:
# <picojson.h> (Debian, Conan) and <picojson/picojson.h> (vcpkg). Creates picojson::picojson.
include(FindPackageHandleStandardArgs)
find_path(picojson_INCLUDE_DIR NAMES picojson.h picojson/picojson.h)
find_package_handle_standard_args(picojson REQUIRED_VARS picojson_INCLUDE_DIR)
if(picojson_FOUND AND NOT TARGET picojson::picojson)
  add_library(picojson::picojson INTERFACE IMPORTED)
  set_target_properties(picojson::picojson PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${picojson_INCLUDE_DIR}")
endif()
mark_as_advanced(picojson_INCLUDE_DIR)
