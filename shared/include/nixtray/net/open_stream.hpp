// Opens a ByteStream to an Endpoint, with a deadline.
#pragma once

#include "nixtray/net/asio.hpp"
#include "nixtray/net/byte_stream.hpp"
#include "nixtray/net/endpoint.hpp"

#include <chrono>
#include <memory>

namespace nixtray::net {

// Throws std::system_error with a message naming the endpoint (refused, no such socket, timeout).
asio::awaitable<std::unique_ptr<ByteStream>> open_stream(const Endpoint& endpoint, std::chrono::milliseconds timeout);

}  // namespace nixtray::net
