// Catch2 v2 (Debian 12 ships 2.13) and v3 name their single include differently.
#pragma once
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
