# Install rules (included from the top-level CMakeLists.txt when LOGTO_INSTALL is ON):
#   <includedir>/logto/...                 the headers: the include/ tree, or only logto.hpp when
#                                          LOGTO_SINGLE_HEADER is ON (nlohmann/json's JSON_MultipleHeaders)
#   <datadir>/cmake/logto/                 logtoConfig.cmake, logtoConfigVersion.cmake, logtoTargets.cmake,
#                                          and our FindMbedTLS.cmake fallback
#   <datadir>/pkgconfig/logto.pc           pkg-config file
# Everything is architecture-independent (header-only), hence datadir (share/) rather than libdir, as
# Debian's nlohmann-json3-dev does (/usr/share/cmake/nlohmann_json, /usr/share/pkgconfig/nlohmann_json.pc).
include(CMakePackageConfigHelpers)

set(LOGTO_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/logto"
    CACHE STRING "Where logtoConfig.cmake is installed (relative to the prefix)")
set(LOGTO_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig"
    CACHE STRING "Where logto.pc is installed (relative to the prefix)")
set(LOGTO_PKGCONFIG_MBEDTLS "AUTO" CACHE STRING
    "How logto.pc names mbedTLS: REQUIRES (Requires: mbedtls mbedx509 mbedcrypto, for mbedTLS installs that ship .pc files), LIBS (-lmbedtls -lmbedx509 -lmbedcrypto, Debian 12), or AUTO (REQUIRES when pkg-config knows mbedcrypto)")
set_property(CACHE LOGTO_PKGCONFIG_MBEDTLS PROPERTY STRINGS AUTO REQUIRES LIBS)

# ---- headers and the exported target
install(TARGETS logto_cpp EXPORT logtoTargets)
install(DIRECTORY "${LOGTO_INCLUDE_DIR}/logto" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT logtoTargets NAMESPACE logto:: DESTINATION "${LOGTO_INSTALL_CMAKEDIR}")

# ---- CMake package
configure_package_config_file("${CMAKE_CURRENT_SOURCE_DIR}/cmake/logtoConfig.cmake.in"
                              "${CMAKE_CURRENT_BINARY_DIR}/logtoConfig.cmake"
                              INSTALL_DESTINATION "${LOGTO_INSTALL_CMAKEDIR}")
# SameMinorVersion: 0.x releases may break the API between minors. ARCH_INDEPENDENT: a 32-bit consumer
# may use a package configured on a 64-bit machine (nothing is compiled).
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/logtoConfigVersion.cmake"
                                 VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/logtoConfig.cmake" "${CMAKE_CURRENT_BINARY_DIR}/logtoConfigVersion.cmake"
              "${CMAKE_CURRENT_SOURCE_DIR}/cmake/FindMbedTLS.cmake"
        DESTINATION "${LOGTO_INSTALL_CMAKEDIR}")

# ---- pkg-config
# Directories a consumer's compiler searches anyway need no -I / -L.
function(_logto_pc_add_dir list_var flag dir implicit_dirs)
  if(NOT dir OR dir MATCHES "\\$<" OR NOT IS_ABSOLUTE "${dir}")
    return()  # generator expressions or relative paths cannot be written into a .pc file
  endif()
  get_filename_component(dir "${dir}" REALPATH)
  foreach(implicit IN LISTS implicit_dirs)
    get_filename_component(implicit "${implicit}" REALPATH)
    if(dir STREQUAL implicit)
      return()
    endif()
  endforeach()
  set(entry "${flag}${dir}")
  if(NOT entry IN_LIST ${list_var})
    list(APPEND ${list_var} "${entry}")
    set(${list_var} "${${list_var}}" PARENT_SCOPE)
  endif()
endfunction()

# The include directories and library files behind an imported target (our Find modules set plain
# paths; mbedTLS 3.x's config and Conan's CMakeDeps may use per-configuration properties or genexes,
# which _logto_pc_add_dir skips).
function(_logto_pc_target_paths target includes_var location_var)
  set(includes)
  set(location)
  if(TARGET ${target})
    get_target_property(includes ${target} INTERFACE_INCLUDE_DIRECTORIES)
    foreach(prop IN ITEMS IMPORTED_LOCATION IMPORTED_LOCATION_RELEASE IMPORTED_LOCATION_RELWITHDEBINFO
                          IMPORTED_LOCATION_MINSIZEREL IMPORTED_LOCATION_NOCONFIG IMPORTED_LOCATION_DEBUG)
      get_target_property(location ${target} ${prop})
      if(location)
        break()
      endif()
    endforeach()
  endif()
  if(NOT includes)
    set(includes "")
  endif()
  if(NOT location)
    set(location "")
  endif()
  set(${includes_var} "${includes}" PARENT_SCOPE)
  set(${location_var} "${location}" PARENT_SCOPE)
endfunction()

set(LOGTO_PC_MODE "${LOGTO_PKGCONFIG_MBEDTLS}")
string(TOUPPER "${LOGTO_PC_MODE}" LOGTO_PC_MODE)
if(LOGTO_PC_MODE STREQUAL "AUTO")
  set(LOGTO_PC_MODE "LIBS")
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(_LOGTO_PC_MBEDTLS QUIET mbedtls mbedx509 mbedcrypto)
    if(_LOGTO_PC_MBEDTLS_FOUND)
      set(LOGTO_PC_MODE "REQUIRES")
    endif()
  endif()
elseif(NOT LOGTO_PC_MODE MATCHES "^(REQUIRES|LIBS)$")
  message(FATAL_ERROR "LOGTO_PKGCONFIG_MBEDTLS must be AUTO, REQUIRES or LIBS (got '${LOGTO_PKGCONFIG_MBEDTLS}')")
endif()

set(LOGTO_PC_CFLAGS_LIST)
set(LOGTO_PC_LIBS_LIST)
set(_logto_implicit_includes ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES} /usr/include)
set(_logto_implicit_libdirs ${CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES} /usr/lib /lib)

if(LOGTO_PC_MODE STREQUAL "REQUIRES")
  set(LOGTO_PC_REQUIRES "mbedtls mbedx509 mbedcrypto")
else()
  set(LOGTO_PC_REQUIRES "")
  if(MbedTLS_INCLUDE_DIR)  # found by our FindMbedTLS.cmake
    set(_logto_mbedtls_includes "${MbedTLS_INCLUDE_DIR}")
    set(_logto_mbedtls_libs "${MbedTLS_TLS_LIBRARY}" "${MbedTLS_X509_LIBRARY}" "${MbedTLS_CRYPTO_LIBRARY}")
  else()  # mbedTLS 3.x's CMake package
    set(_logto_mbedtls_includes)
    set(_logto_mbedtls_libs)
    foreach(target IN ITEMS MbedTLS::mbedtls MbedTLS::mbedx509 MbedTLS::mbedcrypto)
      _logto_pc_target_paths(${target} _logto_inc _logto_loc)
      list(APPEND _logto_mbedtls_includes ${_logto_inc})
      list(APPEND _logto_mbedtls_libs ${_logto_loc})
    endforeach()
  endif()
  foreach(dir IN LISTS _logto_mbedtls_includes)
    _logto_pc_add_dir(LOGTO_PC_CFLAGS_LIST "-I" "${dir}" "${_logto_implicit_includes}")
  endforeach()
  foreach(lib IN LISTS _logto_mbedtls_libs)
    get_filename_component(dir "${lib}" DIRECTORY)
    _logto_pc_add_dir(LOGTO_PC_LIBS_LIST "-L" "${dir}" "${_logto_implicit_libdirs}")
  endforeach()
  list(APPEND LOGTO_PC_LIBS_LIST -lmbedtls -lmbedx509 -lmbedcrypto)
endif()

string(REPLACE ";" " " LOGTO_PC_CFLAGS "${LOGTO_PC_CFLAGS_LIST}")
string(REPLACE ";" " " LOGTO_PC_LIBS "${LOGTO_PC_LIBS_LIST}")
if(LOGTO_PC_CFLAGS)
  set(LOGTO_PC_CFLAGS " ${LOGTO_PC_CFLAGS}")
endif()
set(LOGTO_PC_OPTIONAL_LINES "")
if(LOGTO_PC_REQUIRES)
  string(APPEND LOGTO_PC_OPTIONAL_LINES "Requires: ${LOGTO_PC_REQUIRES}\n")
endif()
if(LOGTO_PC_LIBS)
  string(APPEND LOGTO_PC_OPTIONAL_LINES "Libs: ${LOGTO_PC_LIBS}\n")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(LOGTO_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(LOGTO_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# The prefix is the one in effect at install time (`cmake --install --prefix X` overrides the
# configured CMAKE_INSTALL_PREFIX; DESTDIR staging is not part of it), so the template keeps
# @CMAKE_INSTALL_PREFIX@ for an install-time string(CONFIGURE).
set(LOGTO_PC_PREFIX "@CMAKE_INSTALL_PREFIX@")
configure_file("${CMAKE_CURRENT_SOURCE_DIR}/cmake/logto.pc.in" "${CMAKE_CURRENT_BINARY_DIR}/logto.pc.install-template" @ONLY)
install(CODE "
file(READ \"${CMAKE_CURRENT_BINARY_DIR}/logto.pc.install-template\" _logto_pc)
string(CONFIGURE \"\${_logto_pc}\" _logto_pc @ONLY)
file(WRITE \"${CMAKE_CURRENT_BINARY_DIR}/logto.pc\" \"\${_logto_pc}\")
")
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/logto.pc" DESTINATION "${LOGTO_INSTALL_PKGCONFIGDIR}")
message(STATUS "logto-cpp: install ${LOGTO_INCLUDE_DIR}/logto to <prefix>/${CMAKE_INSTALL_INCLUDEDIR}, "
               "CMake package to <prefix>/${LOGTO_INSTALL_CMAKEDIR}, logto.pc (mbedTLS via ${LOGTO_PC_MODE}) "
               "to <prefix>/${LOGTO_INSTALL_PKGCONFIGDIR}")
