#include "jobs/activatable_system.hpp"

#include "nixtray/protocol/error_code.hpp"

namespace nixtray::agent {

namespace fs = std::filesystem;
using protocol::ErrorCode;
using protocol::RpcException;

namespace {

[[noreturn]] void refuse(const std::string& requested, const std::string& why) {
  throw RpcException(ErrorCode::refused, "system " + requested + " cannot be activated: " + why);
}

}  // namespace

fs::path activatable_system(const std::string& requested, const NixStoreLocation& store,
                            const ActivatableSystems& allowed) {
  const fs::path path(requested);
  for (const auto& component : path) {
    if (component == "." || component == "..") {
      refuse(requested, "it must not contain '.' or '..' (give the store path itself)");
    }
  }
  std::error_code ec;
  const auto canonical = fs::canonical(path, ec);
  if (ec) refuse(requested, "it does not exist (" + ec.message() + ")");
  const auto store_dir = fs::canonical(store.store_dir, ec);
  if (ec || canonical.parent_path() != store_dir) {
    refuse(requested, "it is not a top-level path directly in the Nix store " + store.store_dir.string());
  }
  if (!allowed.build_results.contains(canonical) && !allowed.generations.contains(canonical)) {
    refuse(requested,
           "it is neither the result of a build job of this agent (that it still keeps) nor a generation of the "
           "system profile; build it with a rebuild job in build mode, then activate that job's result_path");
  }
  return canonical;
}

}  // namespace nixtray::agent
