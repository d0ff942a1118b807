// Every method of the protocol, in one list (docs/protocol.md).
#pragma once

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/hello.hpp"
#include "nixtray/protocol/jobs.hpp"
#include "nixtray/protocol/space.hpp"
#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "nixtray/protocol/units.hpp"
#include "nixtray/protocol/verification.hpp"
#include "nixtray/protocol/verify.hpp"

#include <array>
#include <string_view>

namespace nixtray::protocol {

inline constexpr std::array<std::string_view, 19> all_methods = {
    HelloMethod::name,  // the handshake (§6.1, §6.16)
    AuthMethod::name,
    StatusMethod::name,
    UnitsListMethod::name,
    UnitsLogMethod::name,
    GenerationsListMethod::name,
    GenerationsDiffMethod::name,
    GenerationsMarkGoodMethod::name,
    VerifyPreflightMethod::name,
    VerifyRecordMethod::name,
    VerifyGetMethod::name,
    JobsStartMethod::name,
    JobsListMethod::name,
    JobsGetMethod::name,
    JobsLogMethod::name,
    JobsCancelMethod::name,
    SubscribeMethod::name,
    UnsubscribeMethod::name,
    SpaceMethod::name,
};

}  // namespace nixtray::protocol
