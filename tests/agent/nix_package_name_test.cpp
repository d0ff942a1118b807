// Package names and versions of store paths, parsed the way `nix store diff-closures` does.
#include "catch.hpp"

#include "nix/package_name.hpp"

using nixtray::agent::package_name_of;
using nixtray::agent::PackageName;
using nixtray::agent::split_name_and_version;
using nixtray::agent::store_path_name;

namespace {
const std::string store = "/nix/store/";
const std::string hash = "0a1b2c3d4e5f6g7h8i9j0k1l2m3n4p5q";
std::string path(const std::string& name) { return store + hash + "-" + name; }
}  // namespace

TEST_CASE("the hash part is stripped from store path names") {
  CHECK(store_path_name(path("hello-2.12.1")) == "hello-2.12.1");
  CHECK(store_path_name(path("source")) == "source");
  CHECK(store_path_name(hash + "-x") == "x");                     // without directory
  CHECK(store_path_name("/tmp/systems/system-1") == "system-1");  // not a store path: as it is
}

TEST_CASE("DrvName: the version starts after the first dash not followed by a letter") {
  CHECK(split_name_and_version("hello-2.12.1") == PackageName{"hello", "2.12.1"});
  CHECK(split_name_and_version("apache-httpd-2.0.48") == PackageName{"apache-httpd", "2.0.48"});
  CHECK(split_name_and_version("nixos-system-nixos-24.11.20241231.abcdef") ==
        PackageName{"nixos-system-nixos", "24.11.20241231.abcdef"});
  CHECK(split_name_and_version("source") == PackageName{"source", ""});
  CHECK(split_name_and_version("unit-script-foo-start") == PackageName{"unit-script-foo-start", ""});
  CHECK(split_name_and_version("foo-_x") == PackageName{"foo", "_x"});  // not a letter: a version
  CHECK(split_name_and_version("foo--bar") == PackageName{"foo", "-bar"});
  CHECK(split_name_and_version("foo-") == PackageName{"foo-", ""});  // a trailing dash is part of the name
  CHECK(split_name_and_version("python3.11-numpy-1.26.4") == PackageName{"python3.11-numpy", "1.26.4"});
  CHECK(split_name_and_version("acpi-call-2020-04-07-5.8.16") == PackageName{"acpi-call", "2020-04-07-5.8.16"});
  CHECK(split_name_and_version("") == PackageName{"", ""});
}

TEST_CASE("output suffixes are stripped before the split, as diff-closures does") {
  CHECK(package_name_of(path("hello-2.12.1-man")) == PackageName{"hello", "2.12.1"});
  CHECK(package_name_of(path("glibc-2.39-52-bin")) == PackageName{"glibc", "2.39-52"});
  CHECK(package_name_of(path("gcc-13.2.0-lib64")) == PackageName{"gcc", "13.2.0"});
  CHECK(package_name_of(path("gcc-13.2.0-lib32")) == PackageName{"gcc", "13.2.0"});
  CHECK(package_name_of(path("linux-6.6.31-modules")) == PackageName{"linux", "6.6.31"});
  CHECK(package_name_of(path("unit-foo-start")) == PackageName{"unit-foo", ""});
  CHECK(package_name_of(path("hello-2.12.1")) == PackageName{"hello", "2.12.1"});
  // Only all-lowercase suffixes are outputs; digits or capitals keep the name whole.
  CHECK(package_name_of(path("foo-1.0-rc1")) == PackageName{"foo", "1.0-rc1"});
  CHECK(package_name_of(path("foo-1.0-Dev")) == PackageName{"foo", "1.0-Dev"});
  // The known ambiguity, kept as Nix has it: "-unstable" versions lose their suffix too.
  CHECK(package_name_of(path("bar-unstable")) == PackageName{"bar", ""});
  CHECK(package_name_of(path("-man")) == PackageName{"", ""});
  CHECK(package_name_of(path("source")) == PackageName{"source", ""});
  CHECK(package_name_of(path("etc")) == PackageName{"etc", ""});
}
