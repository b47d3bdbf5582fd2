# FindMbedTLS.cmake: fallback for mbedTLS installs that ship no CMake package. Debian 12's
# libmbedtls-dev (2.28) ships neither a CMake config nor a .pc file; mbedTLS 3.x installs
# MbedTLSConfig.cmake, which is tried first (find_package(MbedTLS CONFIG)) by our CMakeLists.txt and
# logtoConfig.cmake. This module creates the same imported targets as that config:
#   MbedTLS::mbedcrypto, MbedTLS::mbedx509 (-> mbedcrypto), MbedTLS::mbedtls (-> mbedx509)
# Result variables: MbedTLS_FOUND, MbedTLS_VERSION, MbedTLS_INCLUDE_DIR(S), MbedTLS_LIBRARIES,
# MbedTLS_CRYPTO_LIBRARY, MbedTLS_X509_LIBRARY, MbedTLS_TLS_LIBRARY.
# Hints: MbedTLS_ROOT (CMake >= 3.12) or CMAKE_PREFIX_PATH.
include(FindPackageHandleStandardArgs)

find_path(MbedTLS_INCLUDE_DIR NAMES mbedtls/version.h DOC "Directory holding mbedtls/version.h")
find_library(MbedTLS_CRYPTO_LIBRARY NAMES mbedcrypto DOC "mbedTLS crypto library")
find_library(MbedTLS_X509_LIBRARY NAMES mbedx509 DOC "mbedTLS X.509 library")
find_library(MbedTLS_TLS_LIBRARY NAMES mbedtls DOC "mbedTLS TLS library")

unset(MbedTLS_VERSION)
if(MbedTLS_INCLUDE_DIR)
  # 3.x defines the version in build_info.h, 2.x in version.h.
  foreach(_logto_header IN ITEMS build_info.h version.h)
    if(EXISTS "${MbedTLS_INCLUDE_DIR}/mbedtls/${_logto_header}")
      file(STRINGS "${MbedTLS_INCLUDE_DIR}/mbedtls/${_logto_header}" _logto_version_line
           REGEX "^#define[ \t]+MBEDTLS_VERSION_STRING[ \t]+\"[0-9.]+\"")
      if(_logto_version_line)
        string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" MbedTLS_VERSION "${_logto_version_line}")
        break()
      endif()
    endif()
  endforeach()
  unset(_logto_header)
  unset(_logto_version_line)
endif()

find_package_handle_standard_args(MbedTLS
  REQUIRED_VARS MbedTLS_INCLUDE_DIR MbedTLS_CRYPTO_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_TLS_LIBRARY
  VERSION_VAR MbedTLS_VERSION)

if(MbedTLS_FOUND)
  set(MbedTLS_INCLUDE_DIRS "${MbedTLS_INCLUDE_DIR}")
  set(MbedTLS_LIBRARIES "${MbedTLS_TLS_LIBRARY}" "${MbedTLS_X509_LIBRARY}" "${MbedTLS_CRYPTO_LIBRARY}")
  if(NOT TARGET MbedTLS::mbedcrypto)
    add_library(MbedTLS::mbedcrypto UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedcrypto PROPERTIES IMPORTED_LOCATION "${MbedTLS_CRYPTO_LIBRARY}"
                          INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}")
  endif()
  if(NOT TARGET MbedTLS::mbedx509)
    add_library(MbedTLS::mbedx509 UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedx509 PROPERTIES IMPORTED_LOCATION "${MbedTLS_X509_LIBRARY}"
                          INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}"
                          INTERFACE_LINK_LIBRARIES MbedTLS::mbedcrypto)
  endif()
  if(NOT TARGET MbedTLS::mbedtls)
    add_library(MbedTLS::mbedtls UNKNOWN IMPORTED)
    set_target_properties(MbedTLS::mbedtls PROPERTIES IMPORTED_LOCATION "${MbedTLS_TLS_LIBRARY}"
                          INTERFACE_INCLUDE_DIRECTORIES "${MbedTLS_INCLUDE_DIR}"
                          INTERFACE_LINK_LIBRARIES MbedTLS::mbedx509)
  endif()
endif()
mark_as_advanced(MbedTLS_INCLUDE_DIR MbedTLS_CRYPTO_LIBRARY MbedTLS_X509_LIBRARY MbedTLS_TLS_LIBRARY)
