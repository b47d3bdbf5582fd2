# Conan 2 recipe for logto-cpp, kept in the project (conan create . ; conan create runs test_package/).
# Written to Conan Center's header-only template (docs/package_templates/header_only); not exercised
# in CI, because Conan is not available there.
import os
import re

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class LogtoCppConan(ConanFile):
    name = "logto-cpp"
    description = "Logto sign-in (OpenID Connect) and Logto's passwordless connectors for C++17, on mbedTLS"
    license = "MIT"
    url = "https://github.com/logto-io/logto-cpp"
    homepage = "https://github.com/logto-io/logto-cpp"
    topics = ("logto", "openid-connect", "oauth2", "pkce", "passwordless", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    no_copy_source = True

    def set_version(self):
        # One source of truth: LOGTO_VERSION_STRING in include/logto/core/config.hpp.
        if self.version:
            return
        config = load(self, os.path.join(self.recipe_folder, "include", "logto", "core", "config.hpp"))
        match = re.search(r'#define\s+LOGTO_VERSION_STRING\s+"([^"]+)"', config)
        if not match:
            raise ConanException("LOGTO_VERSION_STRING not found in include/logto/core/config.hpp")
        self.version = match.group(1)

    def export_sources(self):
        copy(self, "LICENSE", self.recipe_folder, self.export_sources_folder)
        copy(self, "*.hpp", os.path.join(self.recipe_folder, "include"),
             os.path.join(self.export_sources_folder, "include"))

    def layout(self):
        basic_layout(self)

    def requirements(self):
        # Direct dependencies of a header-only library are used by its public headers, hence
        # transitive. The headers support mbedTLS 2.28 and 3.x; the range follows Conan Center's current
        # 3.6 LTS patch release (Conan Center replaces old patch releases, so an exact pin goes stale).
        self.requires("mbedtls/[>=3.6 <3.7]")

    def package_id(self):
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 17)

    def build(self):
        pass

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"), os.path.join(self.package_folder, "include"))

    def package_info(self):
        # The same names as the project's own CMake package and logto.pc.
        self.cpp_info.set_property("cmake_file_name", "logto")
        self.cpp_info.set_property("cmake_target_name", "logto::logto")
        self.cpp_info.set_property("pkg_config_name", "logto")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
