#pragma once
// Typed values from JSON files other programs, a crash or a person may have left damaged
// (status.json, metrics.jsonl, evaluation results, sweep.json): a value of the wrong kind
// reads as the fallback instead of escaping as nlohmann's type_error, as json::value() does.
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace simclr {

// j[key] when `j` is an object whose `key` holds a value of T's kind (a string for
// std::string, true/false for bool, an integer for integral T, any number for floating T),
// else `fallback`. A float never reads as an integer: 1e300 has no int64 value.
template <class T>
T json_value_or(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.is_object()) return fallback;
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    return it->is_string() ? it->template get<std::string>() : fallback;
  } else if constexpr (std::is_same_v<T, bool>) {
    return it->is_boolean() ? it->template get<bool>() : fallback;
  } else if constexpr (std::is_integral_v<T>) {
    return it->is_number_integer() ? it->template get<T>() : fallback;
  } else {
    static_assert(std::is_floating_point_v<T>, "json_value_or: string, bool, integer or floating point");
    return it->is_number() ? it->template get<T>() : fallback;
  }
}

inline std::string json_value_or(const nlohmann::json& j, const char* key, const char* fallback) {
  return json_value_or<std::string>(j, key, fallback);
}

// The value at the path of object keys ({"dataset", "name"}), or nullptr when a step is
// missing or not an object.
inline const nlohmann::json* json_find_path(const nlohmann::json& j, std::initializer_list<const char*> keys) {
  const nlohmann::json* at = &j;
  for (const char* key : keys) {
    if (!at->is_object()) return nullptr;
    const auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

}  // namespace simclr
