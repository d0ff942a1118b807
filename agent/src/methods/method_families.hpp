// Each family of protocol methods registers its handlers here.
#pragma once

#include "server/method_registry.hpp"

namespace nixtray::agent {

class AgentDaemon;
class AgentServer;
class JobService;

void register_status_methods(MethodRegistry& registry, AgentDaemon& daemon);
void register_generation_methods(MethodRegistry& registry, AgentDaemon& daemon);
void register_subscription_methods(MethodRegistry& registry, AgentServer& server);
void register_unit_methods(MethodRegistry& registry, AgentDaemon& daemon);
void register_job_methods(MethodRegistry& registry, JobService& jobs);
void register_verify_methods(MethodRegistry& registry, AgentDaemon& daemon);
void register_space_methods(MethodRegistry& registry, AgentDaemon& daemon);

}  // namespace nixtray::agent
