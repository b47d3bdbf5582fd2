# Findpicojson.cmake: picojson is one header and ships no CMake package and no .pc file anywhere.
# Accepts both spellings of the include: <picojson/picojson.h> (vcpkg) and <picojson.h> (Debian's
# picojson-dev, Conan). logto/core/strict_json.hpp prefers <picojson/picojson.h> when it is reachable, so this
# module looks for that spelling first (find_path tries each name on every search path before the next).
#
# Creates the INTERFACE IMPORTED target picojson::picojson.
# Result variables: picojson_FOUND, picojson_INCLUDE_DIR, picojson_INCLUDE_DIRS, picojson_HEADER
# (the include spelling that was found: "picojson/picojson.h" or "picojson.h").
# Hints: picojson_ROOT (CMake >= 3.12) or CMAKE_PREFIX_PATH.
include(FindPackageHandleStandardArgs)

find_path(picojson_INCLUDE_DIR NAMES picojson/picojson.h picojson.h
          DOC "Directory holding picojson/picojson.h or picojson.h")

if(picojson_INCLUDE_DIR)
  if(EXISTS "${picojson_INCLUDE_DIR}/picojson/picojson.h")
    set(picojson_HEADER "picojson/picojson.h")
  else()
    set(picojson_HEADER "picojson.h")
  endif()
endif()

find_package_handle_standard_args(picojson REQUIRED_VARS picojson_INCLUDE_DIR picojson_HEADER)

if(picojson_FOUND)
  set(picojson_INCLUDE_DIRS "${picojson_INCLUDE_DIR}")
  if(NOT TARGET picojson::picojson)
    add_library(picojson::picojson INTERFACE IMPORTED)
    set_target_properties(picojson::picojson PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${picojson_INCLUDE_DIR}")
  endif()
endif()
mark_as_advanced(picojson_INCLUDE_DIR)
