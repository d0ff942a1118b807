#include "core/language/message_catalogue.hpp"

#include "core/system/path_text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace nixtray::tray {

namespace fs = std::filesystem;

namespace {

// A catalogue of every message nixtray has is some hundred kilobytes; anything near this is not
// one, and reading it whole would only cost memory.
constexpr std::uint64_t max_catalogue_bytes = 16 * 1024 * 1024;
constexpr std::uint64_t header_bytes = 28;  // magic, revision, count, two table offsets, hash size and offset
constexpr std::uint32_t mo_magic = 0x950412de;

std::string file_bytes(const fs::path& file, const std::string& name) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(name + ": cannot open the catalogue (missing or not readable)");
  std::string bytes;
  std::array<char, 64 * 1024> chunk{};
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > max_catalogue_bytes)
      throw std::runtime_error(name + ": too big for a gettext catalogue (more than 16 MiB)");
  }
  if (in.bad()) throw std::runtime_error(name + ": cannot read the catalogue");
  return bytes;
}

// The words and strings of a .mo file, every offset checked against its size. Sizes are 64-bit so
// that offset + length cannot wrap.
class MoFile {
 public:
  MoFile(const std::string& bytes, const std::string& name) : bytes_(bytes), name_(name) {
    if (size() < 4) fail("truncated (" + std::to_string(size()) + " bytes, not even a magic number)");
    if (word_in_order(0, false) == mo_magic) {
      big_endian_ = false;
    } else if (word_in_order(0, true) == mo_magic) {
      big_endian_ = true;
    } else {
      fail("not a gettext catalogue (bad magic number)");
    }
    if (size() < header_bytes)
      fail("truncated (" + std::to_string(size()) + " bytes, its header alone takes " + std::to_string(header_bytes) +
           ")");
    // Major revisions 0 and 1 share the string tables; 1 only adds system-dependent strings,
    // which this reader leaves out (msgfmt writes them for <PRIu64>-style formats only).
    const auto revision = word(4);
    if ((revision >> 16) > 1)
      fail("unsupported catalogue revision " + std::to_string(revision >> 16) + "." +
           std::to_string(revision & 0xffff) + " (a newer gettext than this reader knows)");
  }

  [[nodiscard]] std::uint64_t size() const { return bytes_.size(); }
  [[nodiscard]] std::uint32_t word(std::uint64_t offset) const { return word_in_order(offset, big_endian_); }

  // The table of `count` (length, offset) pairs at `offset`, checked to lie in the file.
  void check_table(std::uint64_t offset, std::uint64_t count, const char* what) const {
    if (count > size() / 8 || offset > size() - count * 8)
      fail("its table of " + std::string(what) + " (" + std::to_string(count) + " entries at offset " +
           std::to_string(offset) + ") runs past the end of the file (" + std::to_string(size()) + " bytes)");
  }

  // String `index` of the (checked) table at `table`.
  [[nodiscard]] std::string_view string(std::uint64_t table, std::uint64_t index, const char* what) const {
    const std::uint64_t length = word(table + index * 8);
    const std::uint64_t offset = word(table + index * 8 + 4);
    if (offset > size() || length > size() - offset)
      fail(std::string(what) + " " + std::to_string(index) + " (" + std::to_string(length) + " bytes at offset " +
           std::to_string(offset) + ") runs past the end of the file (" + std::to_string(size()) + " bytes)");
    return std::string_view(bytes_).substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
  }

  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(name_ + ": " + what); }

 private:
  [[nodiscard]] std::uint32_t word_in_order(std::uint64_t offset, bool big_endian) const {
    if (offset > size() || size() - offset < 4) fail("truncated");
    std::uint32_t value = 0;
    for (std::uint64_t i = 0; i < 4; ++i) {
      const auto byte = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes_[offset + i]));
      value |= byte << (big_endian ? 8 * (3 - i) : 8 * i);
    }
    return value;
  }

  const std::string& bytes_;
  const std::string& name_;
  bool big_endian_ = false;
};

std::vector<std::string> split_at_nul(std::string_view text) {
  std::vector<std::string> parts;
  for (;;) {
    const auto end = text.find('\0');
    parts.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) return parts;
    text.remove_prefix(end + 1);
  }
}

bool means_english(std::string_view language) {
  return language == "C" || language == "POSIX" || language == "en" || language.starts_with("en_");
}

}  // namespace

MessageCatalogue MessageCatalogue::read(const fs::path& mo_file) {
  const auto name = path_text(mo_file);
  const auto bytes = file_bytes(mo_file, name);
  const MoFile file(bytes, name);
  const std::uint64_t count = file.word(8);
  const std::uint64_t originals = file.word(12);
  const std::uint64_t translations = file.word(16);
  file.check_table(originals, count, "original strings");
  file.check_table(translations, count, "translations");

  MessageCatalogue catalogue;
  for (std::uint64_t i = 0; i < count; ++i) {
    const auto original = file.string(originals, i, "original string");
    const auto translation = file.string(translations, i, "translation");
    if (original.empty()) {
      // The header entry: only its Plural-Forms matters here (the GUI's catalogues are UTF-8,
      // like everything core says).
      catalogue.plural_forms_ = PluralForms::from_header(translation);
      continue;
    }
    // A plural entry is "singular\0plural"; it is looked up by its singular.
    catalogue.messages_.emplace(original.substr(0, original.find('\0')), split_at_nul(translation));
  }
  return catalogue;
}

MessageCatalogue MessageCatalogue::for_languages(const fs::path& locale_dir, const std::vector<std::string>& languages,
                                                 std::string_view domain) {
  const auto file_name = path_from_text(std::string(domain) + ".mo");
  for (const auto& entry : languages) {
    // "ja_JP.UTF-8@euro": the codeset and the modifier do not name a folder of ours.
    const auto base = std::string_view(entry).substr(0, entry.find_first_of(".@"));
    if (base.empty()) continue;
    if (means_english(base)) return {};
    // A language name, not a way out of locale_dir.
    if (base.find_first_of("/\\") != std::string_view::npos) continue;
    std::vector<std::string> candidates{std::string(base)};
    if (const auto territory = base.find('_'); territory != std::string_view::npos && territory > 0)
      candidates.emplace_back(base.substr(0, territory));
    for (const auto& candidate : candidates) {
      const auto file = locale_dir / path_from_text(candidate) / "LC_MESSAGES" / file_name;
      std::error_code error;
      if (!fs::is_regular_file(file, error)) continue;
      try {
        auto catalogue = read(file);
        catalogue.language_ = candidate;
        return catalogue;
      } catch (const std::exception&) {
        // A broken catalogue is like a missing one, as gettext treats it: the next language, or English.
      }
    }
  }
  return {};
}

const std::string& MessageCatalogue::language() const { return language_; }

std::size_t MessageCatalogue::form_for(unsigned long n, std::size_t forms) const {
  if (plural_forms_) {
    const auto index = plural_forms_->formula.evaluate(n);
    if (index < plural_forms_->count && index < forms) return static_cast<std::size_t>(index);
  }
  const std::size_t english = n == 1 ? 0 : 1;
  return forms == 0 ? 0 : std::min(english, forms - 1);
}

std::string MessageCatalogue::translate(std::string_view msgid) const {
  const auto found = messages_.find(msgid);
  if (found == messages_.end() || found->second.empty() || found->second.front().empty()) return std::string(msgid);
  return found->second.front();
}

std::string MessageCatalogue::translate(std::string_view singular, std::string_view plural, unsigned long n) const {
  const auto found = messages_.find(singular);
  if (found != messages_.end() && !found->second.empty()) {
    const auto& form = found->second[form_for(n, found->second.size())];
    if (!form.empty()) return form;
  }
  return std::string(n == 1 ? singular : plural);
}

std::string MessageCatalogue::say(const Sentence& sentence) const {
  if (sentence.empty()) return {};
  const auto format = sentence.plural.empty() ? translate(sentence.format)
                                              : translate(sentence.format, sentence.plural, sentence.count);
  auto args = sentence.args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (sentence.is_translated(i)) args[i] = translate(args[i]);
  }
  for (std::size_t k = 0; k < sentence.nested.size() && k < sentence.nested_at.size(); ++k) {
    if (sentence.nested_at[k] < args.size()) args[sentence.nested_at[k]] = say(sentence.nested[k]);
  }
  return Sentence::fill(format, args);
}

std::vector<std::string> message_languages(const std::function<std::string(const char*)>& variable) {
  std::string locale;
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    locale = variable(name);
    if (!locale.empty()) break;
  }
  // gettext ignores LANGUAGE in the C locale: POSIX fixes what programs say there.
  if (locale.empty() || locale == "C" || locale == "POSIX") return {};
  const auto list = variable("LANGUAGE");
  std::vector<std::string> languages;
  for (std::size_t start = 0; start <= list.size();) {
    auto end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) languages.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  if (languages.empty()) languages.push_back(locale);
  return languages;
}

}  // namespace nixtray::tray
