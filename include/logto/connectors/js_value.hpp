/// @file
/// @brief `connectors::value`, the library's JSON value (ordered, with JavaScript semantics): connector wire formats
/// depend on insertion order. Part of the connector foundation; `logto/connectors/connector.hpp` includes every part.
#pragma once

#include "logto/connectors/usage.hpp"

namespace logto {
namespace connectors {

/// The connectors' JSON value is the library's one model (`core/json_value.hpp`): ordered objects,
/// `JSON.stringify` and `String(v)` exact. The alias keeps `connectors::value` working.
using value = json::value;

namespace detail {
using json::detail::is_array_index;
}  // namespace detail

}  // namespace connectors
}  // namespace logto
