// Compile cost of arun11299/cpp-jwt (Debian libcpp-jwt-dev; pulls nlohmann/json and OpenSSL), include only.
#include <jwt/jwt.hpp>
