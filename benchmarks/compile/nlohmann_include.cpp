// Compile cost of nlohmann/json (Debian nlohmann-json3-dev), include only.
#include <nlohmann/json.hpp>
