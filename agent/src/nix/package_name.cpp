#include "nix/package_name.hpp"

#include <algorithm>

namespace nixtray::agent {

namespace {

constexpr std::size_t hash_length = 32;  // Nix's base-32 SHA-256 truncation

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_lowercase_letter(char c) { return c >= 'a' && c <= 'z'; }

// "hello-2.12.1-man" -> "hello-2.12.1"; unchanged when the last part is not an output name.
std::string_view without_output_suffix(std::string_view name) {
  const auto dash = name.rfind('-');
  if (dash == std::string_view::npos) {
    return name;
  }
  const auto suffix = name.substr(dash + 1);
  const bool letters_only = !suffix.empty() && std::all_of(suffix.begin(), suffix.end(), is_lowercase_letter);
  if (letters_only || suffix == "lib32" || suffix == "lib64") {
    return name.substr(0, dash);
  }
  return name;
}

}  // namespace

std::string_view store_path_name(std::string_view store_path) {
  const auto slash = store_path.rfind('/');
  const auto base = slash == std::string_view::npos ? store_path : store_path.substr(slash + 1);
  if (base.size() > hash_length && base[hash_length] == '-') {
    return base.substr(hash_length + 1);
  }
  return base;
}

PackageName split_name_and_version(std::string_view name) {
  for (std::size_t i = 0; i + 1 < name.size(); ++i) {
    if (name[i] == '-' && !is_ascii_letter(name[i + 1])) {
      return {std::string(name.substr(0, i)), std::string(name.substr(i + 1))};
    }
  }
  return {std::string(name), ""};
}

PackageName package_name_of(std::string_view store_path) {
  return split_name_and_version(without_output_suffix(store_path_name(store_path)));
}

}  // namespace nixtray::agent
