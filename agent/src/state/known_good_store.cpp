#include "state/known_good_store.hpp"

#include "support/atomic_file.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace nixtray::agent {

namespace {

std::optional<KnownGoodMark> read_mark(const std::filesystem::path& file) {
  const auto text = read_small_file(file, 64 * 1024);
  if (!text) {
    return std::nullopt;
  }
  try {
    const auto value = nlohmann::json::parse(*text);
    KnownGoodMark mark;
    mark.number = value.at("number").get<int>();
    if (mark.number <= 0) return std::nullopt;
    if (const auto path = value.find("path"); path != value.end() && path->is_string()) {
      mark.store_path = path->get<std::string>();
    }
    return mark;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged record is as good as none; the next mark rewrites it
  }
}

std::string record(int number, const std::filesystem::path& store_path) {
  return nlohmann::json{{"number", number}, {"path", store_path.string()}, {"recorded", std::time(nullptr)}}.dump() +
         "\n";
}

}  // namespace

KnownGoodStore::KnownGoodStore(std::filesystem::path state_dir)
    : marked_file_(state_dir / "known-good.json"), first_boot_file_(state_dir / "first-boot.json") {}

std::optional<KnownGoodMark> KnownGoodStore::recorded() const {
  if (auto marked = read_mark(marked_file_)) {
    return marked;
  }
  return read_mark(first_boot_file_);
}

void KnownGoodStore::mark(int number, const std::filesystem::path& store_path) {
  write_file_atomically(marked_file_, record(number, store_path));
}

void KnownGoodStore::remember_first_boot(int number, const std::filesystem::path& store_path) {
  if (read_mark(first_boot_file_)) {
    return;
  }
  write_file_atomically(first_boot_file_, record(number, store_path));
}

void KnownGoodStore::pin(const KnownGoodMark& mark, const std::filesystem::path& store_path) {
  const auto marked = read_mark(marked_file_);
  const auto& file = marked ? marked_file_ : first_boot_file_;
  const auto current = marked ? marked : read_mark(first_boot_file_);
  if (!current || current->number != mark.number || current->store_path) return;  // changed meanwhile
  write_file_atomically(file, record(mark.number, store_path));
}

}  // namespace nixtray::agent
