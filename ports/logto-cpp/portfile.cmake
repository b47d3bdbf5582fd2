# logto-cpp overlay port. Header-only: nothing is compiled, so only the release configuration is
# configured and installed.
set(VCPKG_BUILD_TYPE release)

# Until a release is tagged, install from a local clone (README "Install"):
#   VCPKG_KEEP_ENV_VARS=LOGTO_CPP_SOURCE_DIR LOGTO_CPP_SOURCE_DIR=/path/to/logto-cpp \
#     vcpkg install logto-cpp --overlay-ports=/path/to/logto-cpp/ports
if(DEFINED ENV{LOGTO_CPP_SOURCE_DIR})
    set(SOURCE_PATH "$ENV{LOGTO_CPP_SOURCE_DIR}")
else()
    vcpkg_from_github(
        OUT_SOURCE_PATH SOURCE_PATH
        # PLACEHOLDER until the first release: REF and SHA512 (vcpkg prints the SHA512 on the first install
        # of the v${VERSION} tag). Without a tag this branch fails: use LOGTO_CPP_SOURCE_DIR above.
        REPO logto-io/logto-cpp
        REF "v${VERSION}"
        SHA512 0
        HEAD_REF main
    )
endif()

# mbedTLS comes from its own port (the project vendors nothing); JSON needs no dependency. Our CMake
# package finds mbedTLS through its MbedTLSConfig.cmake. logto.pc names mbedTLS with Requires: (the mbedtls port installs
# mbedtls.pc, mbedx509.pc and mbedcrypto.pc), so it stays architecture-independent in share/pkgconfig.
vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DLOGTO_BUILD_TESTS=OFF
        -DLOGTO_BUILD_EXAMPLES=OFF
        -DLOGTO_INTEROP_TESTS=OFF
        -DLOGTO_INSTALL=ON
        -DLOGTO_SINGLE_HEADER=OFF
        -DLOGTO_PKGCONFIG_MBEDTLS=REQUIRES
)
vcpkg_cmake_install()

# The project installs its CMake package to share/cmake/logto (LOGTO_INSTALL_CMAKEDIR); find_package
# uses the name logto, not the port name.
vcpkg_cmake_config_fixup(PACKAGE_NAME logto CONFIG_PATH share/cmake/logto)
vcpkg_fixup_pkgconfig()

# Header-only: no libraries, and no debug tree (VCPKG_BUILD_TYPE release).
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug" "${CURRENT_PACKAGES_DIR}/lib")

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
