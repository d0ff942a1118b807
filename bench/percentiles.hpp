// p50/p99 of a set of samples (nearest rank), shared by the benchmarks.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace nixtray::bench {

struct Percentiles {
  double p50 = 0;
  double p99 = 0;
  std::size_t n = 0;
};

inline Percentiles percentiles(std::vector<double> values) {
  Percentiles p;
  p.n = values.size();
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {
    const auto index = static_cast<std::size_t>(std::lround(q * static_cast<double>(values.size() - 1)));
    return values[std::min(index, values.size() - 1)];
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  return p;
}

}  // namespace nixtray::bench
