#include "ctl/ctl_program.hpp"

int main(int argc, char** argv) {
  return nixtray::ctl::run_nixtrayctl(std::vector<std::string>(argv + 1, argv + argc));
}
