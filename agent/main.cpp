#include "cli/commands.hpp"

int main(int argc, char** argv) { return nixtray::agent::run_agent_cli(argc, argv); }
