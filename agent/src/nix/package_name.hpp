// How `nix store diff-closures` names the packages of a closure: each store path's name without
// its hash, without an output suffix ("-man", "-lib", "-dev", ...), split into package name and
// version the way Nix's DrvName does. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>

namespace nixtray::agent {

struct PackageName {
  std::string name;
  std::string version;  // "" when the path has none

  friend bool operator==(const PackageName&, const PackageName&) = default;
};

// "<store>/<32-char hash>-hello-2.12.1" -> "hello-2.12.1". A path that does not look like a store
// path gives its last component unchanged.
std::string_view store_path_name(std::string_view store_path);

// Nix's DrvName: the name ends at the first '-' that is followed by a character that is not an
// ASCII letter; the version is the rest. "apache-httpd-2.0.48" -> {"apache-httpd", "2.0.48"},
// "foo-_x" -> {"foo", "_x"}, "source" -> {"source", ""}.
PackageName split_name_and_version(std::string_view name);

// diff-closures' grouping: strips an output suffix (a last "-" part of only lowercase letters, or
// "lib32"/"lib64"), then split_name_and_version. "hello-2.12.1-man" -> {"hello", "2.12.1"},
// "unit-foo-start" -> {"unit-foo", ""}. The suffix rule is ambiguous by design (Nix's comment: it
// cannot tell "-bin" outputs from "-unstable" versions); matching Nix matters more than guessing.
PackageName package_name_of(std::string_view store_path);

}  // namespace nixtray::agent
