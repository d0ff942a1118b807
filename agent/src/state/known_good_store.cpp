#include "state/known_good_store.hpp"

#include "support/atomic_file.hpp"

#include <nlohmann/json.hpp>

namespace nixtray::agent {

namespace {

std::optional<int> read_number(const std::filesystem::path& file) {
  const auto text = read_small_file(file);
  if (!text) {
    return std::nullopt;
  }
  try {
    const auto value = nlohmann::json::parse(*text);
    const int number = value.at("number").get<int>();
    return number > 0 ? std::optional<int>(number) : std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged record is as good as none; the next mark rewrites it
  }
}

std::string record(int number) {
  return nlohmann::json{{"number", number}, {"recorded", std::time(nullptr)}}.dump() + "\n";
}

}  // namespace

KnownGoodStore::KnownGoodStore(std::filesystem::path state_dir)
    : marked_file_(state_dir / "known-good.json"), first_boot_file_(state_dir / "first-boot.json") {}

std::optional<int> KnownGoodStore::known_good() const {
  if (auto marked = read_number(marked_file_)) {
    return marked;
  }
  return read_number(first_boot_file_);
}

void KnownGoodStore::mark(int number) { write_file_atomically(marked_file_, record(number)); }

void KnownGoodStore::remember_first_boot(std::optional<int> booted) {
  if (!booted || read_number(first_boot_file_)) {
    return;
  }
  write_file_atomically(first_boot_file_, record(*booted));
}

}  // namespace nixtray::agent
