// The .mo reader nixtrayctl translates with (core/language/message_catalogue.hpp): lookups and
// plural forms by the catalogue's own formula, both byte orders, sentences said as the GUI says
// them, the catalogue gettext would choose from the environment, and files that are not
// catalogues. The catalogues are written here by a small encoder, so the test needs no msgfmt and
// runs under Wine too.
#include "catch.hpp"

#include "core/language/message_catalogue.hpp"
#include "core/language/plural_formula.hpp"
#include "core/state/sentence.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace nixtray;
using namespace nixtray::tray;
using namespace std::string_literals;

namespace fs = std::filesystem;

namespace {

struct Message {
  std::string id;   // "singular\0plural" for a plural entry
  std::string str;  // "form0\0form1..." for a plural entry
};

void put_word(std::string& bytes, std::size_t at, std::uint32_t value, bool big_endian) {
  for (std::size_t i = 0; i < 4; ++i) {
    const auto shift = big_endian ? 8 * (3 - i) : 8 * i;
    bytes[at + i] = static_cast<char>((value >> shift) & 0xff);
  }
}

// A GNU .mo file: the header entry (msgid "") first, then `messages`; no hash table.
std::string mo_bytes(const std::string& header, const std::vector<Message>& messages, bool big_endian = false) {
  std::vector<Message> all{{"", header}};
  all.insert(all.end(), messages.begin(), messages.end());
  const auto count = static_cast<std::uint32_t>(all.size());
  const std::uint32_t originals = 28;
  const std::uint32_t translations = originals + 8 * count;
  std::string bytes(translations + 8 * count, '\0');
  put_word(bytes, 0, 0x950412de, big_endian);
  put_word(bytes, 4, 0, big_endian);
  put_word(bytes, 8, count, big_endian);
  put_word(bytes, 12, originals, big_endian);
  put_word(bytes, 16, translations, big_endian);
  put_word(bytes, 20, 0, big_endian);
  put_word(bytes, 24, 0, big_endian);
  const auto add_string = [&](std::uint32_t table, std::size_t index, const std::string& text) {
    put_word(bytes, table + 8 * index, static_cast<std::uint32_t>(text.size()), big_endian);
    put_word(bytes, table + 8 * index + 4, static_cast<std::uint32_t>(bytes.size()), big_endian);
    bytes += text;
    bytes += '\0';
  };
  for (std::size_t i = 0; i < all.size(); ++i) add_string(originals, i, all[i].id);
  for (std::size_t i = 0; i < all.size(); ++i) add_string(translations, i, all[i].str);
  return bytes;
}

std::string header(const std::string& plural_forms) {
  return "Project-Id-Version: nixtray\nContent-Type: text/plain; charset=UTF-8\n" + plural_forms;
}

const std::string japanese = "Plural-Forms: nplurals=1; plural=0;\n";
const std::string russian =
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 "
    ": 2);\n";

void write_file(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

MessageCatalogue catalogue_of(const testing::TempDir& dir, const std::string& bytes) {
  const auto file = dir / "nixtray.mo";
  write_file(file, bytes);
  return MessageCatalogue::read(file);
}

std::string thrown_by_read(const fs::path& file) {
  try {
    (void)MessageCatalogue::read(file);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

}  // namespace

TEST_CASE("message catalogue: translates what it has, leaves the rest English", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const auto catalogue =
      catalogue_of(dir, mo_bytes(header(japanese), {{"Rebuild", "再構築"}, {"Roll back", ""}, {"Stop", "停止"}}));
  CHECK(catalogue.translate("Rebuild") == "再構築");
  CHECK(catalogue.translate("Stop") == "停止");
  CHECK(catalogue.translate("Update…") == "Update…");
  CHECK(catalogue.translate("Roll back") == "Roll back");  // an empty translation is no translation
  CHECK(catalogue.translate("") == "");                    // not the header entry
  CHECK(catalogue.language().empty());                     // read() names no language folder
  CHECK(MessageCatalogue{}.translate("Rebuild") == "Rebuild");
  CHECK(MessageCatalogue{}.translate("%s file", "%s files", 2) == "%s files");
}

TEST_CASE("message catalogue: Japanese's one form serves every count", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const auto catalogue = catalogue_of(dir, mo_bytes(header(japanese), {{"%s file\0%s files"s, "%s 個のファイル"}}));
  for (const unsigned long n : {0UL, 1UL, 2UL, 5UL, 21UL}) {
    CAPTURE(n);
    CHECK(catalogue.translate("%s file", "%s files", n) == "%s 個のファイル");
  }
  CHECK(catalogue.translate("%s file") == "%s 個のファイル");  // gettext() of a plural entry: its first form
}

TEST_CASE("message catalogue: Russian's three forms follow the formula", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const auto catalogue = catalogue_of(dir, mo_bytes(header(russian), {{"%s file\0%s files"s, "файл\0файла\0файлов"s}}));
  const std::vector<std::pair<unsigned long, std::string>> expected{
      {1, "файл"},   {2, "файла"},   {5, "файлов"}, {11, "файлов"},  {21, "файл"},
      {22, "файла"}, {25, "файлов"}, {0, "файлов"}, {111, "файлов"}, {104, "файла"}};
  for (const auto& [n, form] : expected) {
    CAPTURE(n);
    CHECK(catalogue.translate("%s file", "%s files", n) == form);
  }
}

TEST_CASE("message catalogue: English's rule where the catalogue has no usable plural", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const std::vector<Message> messages{{"%s file\0%s files"s, "eins\0viele"s}, {"%s job\0%s jobs"s, "nur eins"}};

  SECTION("a plural the catalogue lacks") {
    const auto catalogue = catalogue_of(dir, mo_bytes(header(russian), messages));
    CHECK(catalogue.translate("%s unit", "%s units", 1) == "%s unit");
    CHECK(catalogue.translate("%s unit", "%s units", 2) == "%s units");
    CHECK(catalogue.translate("%s unit", "%s units", 21) == "%s units");
  }
  SECTION("no Plural-Forms in the header") {
    const auto catalogue = catalogue_of(dir, mo_bytes(header(""), messages));
    CHECK(catalogue.translate("%s file", "%s files", 1) == "eins");
    CHECK(catalogue.translate("%s file", "%s files", 0) == "viele");
    CHECK(catalogue.translate("%s file", "%s files", 7) == "viele");
    // Fewer forms than English asks for: the last one there is.
    CHECK(catalogue.translate("%s job", "%s jobs", 7) == "nur eins");
  }
  SECTION("a formula that does not parse") {
    const auto catalogue = catalogue_of(dir, mo_bytes(header("Plural-Forms: nplurals=2; plural=n = 1;\n"), messages));
    CHECK(catalogue.translate("%s file", "%s files", 1) == "eins");
    CHECK(catalogue.translate("%s file", "%s files", 3) == "viele");
  }
  SECTION("a formula whose answer is not one of the forms") {
    const auto catalogue = catalogue_of(dir, mo_bytes(header("Plural-Forms: nplurals=2; plural=n + 5;\n"), messages));
    CHECK(catalogue.translate("%s file", "%s files", 1) == "eins");
    CHECK(catalogue.translate("%s file", "%s files", 3) == "viele");
  }
}

TEST_CASE("message catalogue: reads a big-endian catalogue", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const auto catalogue = catalogue_of(
      dir,
      mo_bytes(header(russian), {{"Rebuild", "Пересобрать"}, {"%s file\0%s files"s, "файл\0файла\0файлов"s}}, true));
  CHECK(catalogue.translate("Rebuild") == "Пересобрать");
  CHECK(catalogue.translate("%s file", "%s files", 22) == "файла");
  CHECK(catalogue.translate("%s file", "%s files", 25) == "файлов");
}

TEST_CASE("message catalogue: says a sentence as the GUI does", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const auto catalogue = catalogue_of(
      dir, mo_bytes(header(japanese), {
                                          {"Job %1$s on %2$s", "%2$s の作業 %1$s"},
                                          {"%1$s: %2$s", "%1$s：%2$s"},
                                          {"the agent rejected the token", "エージェントがトークンを拒否しました"},
                                          {"NixOS", "名前は訳さない"},
                                          {"%s file\0%s files"s, "%s 個のファイル"},
                                          {"%s — %s", "%s ／ %s"},
                                      }));
  const MessageCatalogue english;

  const auto positional = sentence("Job %1$s on %2$s", {"42", "NixOS"});
  CHECK(catalogue.say(positional) == "NixOS の作業 42");
  CHECK(english.say(positional) == positional.english());

  auto with_phrase = sentence("%1$s: %2$s", {"NixOS", "the agent rejected the token"});
  with_phrase.translated = {1};
  CHECK(catalogue.say(with_phrase) == "NixOS：エージェントがトークンを拒否しました");
  CHECK(english.say(with_phrase) == with_phrase.english());

  auto outer = sentence("%s — %s", {"NixOS", ""});
  outer.nest(1, counted("%s file", "%s files", 3));
  CHECK(catalogue.say(outer) == "NixOS ／ 3 個のファイル");
  CHECK(english.say(outer) == outer.english());
  CHECK(english.say(outer) == "NixOS — 3 files");

  CHECK(catalogue.say(Sentence{}).empty());
}

TEST_CASE("message catalogue: chooses the language folder as gettext does", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const auto locale = dir / "locale";
  const auto only_ja = dir / "only-ja";
  write_file(locale / "ja" / "LC_MESSAGES" / "nixtray.mo", mo_bytes(header(japanese), {{"Rebuild", "再構築"}}));
  write_file(locale / "ja_JP" / "LC_MESSAGES" / "nixtray.mo", mo_bytes(header(japanese), {{"Rebuild", "再構築 (JP)"}}));
  write_file(locale / "de" / "LC_MESSAGES" / "nixtray.mo", mo_bytes(header(""), {{"Rebuild", "Neu bauen"}}));
  write_file(locale / "fr" / "LC_MESSAGES" / "nixtray.mo", "not a catalogue at all");
  write_file(only_ja / "ja" / "LC_MESSAGES" / "nixtray.mo", mo_bytes(header(japanese), {{"Rebuild", "再構築"}}));

  const auto chosen = MessageCatalogue::for_languages(only_ja, {"ja_JP.UTF-8"});
  CHECK(chosen.language() == "ja");
  CHECK(chosen.translate("Rebuild") == "再構築");
  CHECK(MessageCatalogue::for_languages(locale, {"ja_JP.UTF-8@euro"}).language() == "ja_JP");
  CHECK(MessageCatalogue::for_languages(locale, {"ja"}).translate("Rebuild") == "再構築");

  CHECK(MessageCatalogue::for_languages(only_ja, {"C"}).language().empty());
  CHECK(MessageCatalogue::for_languages(only_ja, {"C"}).translate("Rebuild") == "Rebuild");
  CHECK(MessageCatalogue::for_languages(only_ja, {"de_DE"}).language().empty());
  CHECK(MessageCatalogue::for_languages(only_ja, {"de_DE"}).translate("Rebuild") == "Rebuild");
  CHECK(MessageCatalogue::for_languages(only_ja, {}).language().empty());

  // LANGUAGE's list, in order: the first language with a catalogue wins; English ends the search.
  CHECK(MessageCatalogue::for_languages(locale, {"pt_BR", "de_AT", "ja"}).language() == "de");
  CHECK(MessageCatalogue::for_languages(locale, {"pt_BR", "ja", "de"}).language() == "ja");
  CHECK(MessageCatalogue::for_languages(locale, {"en_GB", "ja"}).language().empty());
  CHECK(MessageCatalogue::for_languages(locale, {"en", "ja"}).language().empty());
  CHECK(MessageCatalogue::for_languages(locale, {"POSIX", "ja"}).language().empty());
  CHECK(MessageCatalogue::for_languages(locale, {"", "ja"}).language() == "ja");
  // A broken catalogue is skipped, not thrown.
  CHECK(MessageCatalogue::for_languages(locale, {"fr", "de"}).language() == "de");
  CHECK(MessageCatalogue::for_languages(locale, {"fr_FR"}).language().empty());
  // Another domain: none of these folders has it.
  CHECK(MessageCatalogue::for_languages(locale, {"ja"}, "nixtray-agent").language().empty());
}

TEST_CASE("message catalogue: the languages gettext reads from the environment", "[message_catalogue]") {
  const auto languages = [](std::map<std::string, std::string> environment) {
    return message_languages([&environment](const char* name) {
      const auto found = environment.find(name);
      return found == environment.end() ? std::string() : found->second;
    });
  };
  using List = std::vector<std::string>;
  CHECK(languages({}) == List{});
  CHECK(languages({{"LANG", "ja_JP.UTF-8"}}) == List{"ja_JP.UTF-8"});
  CHECK(languages({{"LANG", "C"}}) == List{});
  CHECK(languages({{"LANG", "C"}, {"LANGUAGE", "ja:de"}}) == List{});
  CHECK(languages({{"LANG", "POSIX"}, {"LANGUAGE", "ja"}}) == List{});
  CHECK(languages({{"LANGUAGE", "ja"}}) == List{});  // no locale at all: C
  CHECK(languages({{"LC_ALL", "de_DE.UTF-8"}, {"LANG", "ja_JP.UTF-8"}}) == List{"de_DE.UTF-8"});
  CHECK(languages({{"LC_ALL", "C"}, {"LANG", "ja_JP.UTF-8"}, {"LANGUAGE", "ja"}}) == List{});
  CHECK(languages({{"LC_MESSAGES", "fr_FR"}, {"LANG", "ja_JP.UTF-8"}}) == List{"fr_FR"});
  CHECK(languages({{"LC_ALL", ""}, {"LANG", "ja_JP.UTF-8"}}) == List{"ja_JP.UTF-8"});
  CHECK(languages({{"LANG", "ja_JP.UTF-8"}, {"LANGUAGE", "de:ja::fr"}}) == List{"de", "ja", "fr"});
  CHECK(languages({{"LANG", "ja_JP.UTF-8"}, {"LANGUAGE", ""}}) == List{"ja_JP.UTF-8"});
}

TEST_CASE("message catalogue: files that are not catalogues are refused by name", "[message_catalogue]") {
  testing::TempDir dir("nxmo");
  const auto good = mo_bytes(header(japanese), {{"Rebuild", "再構築"}, {"Stop", "停止"}});

  write_file(dir / "bad-magic.mo", "# this is a .po file, not its .mo\nmsgid \"\"\n");
  CHECK_THAT(thrown_by_read(dir / "bad-magic.mo"),
             Catch::Contains("bad-magic.mo") && Catch::Contains("bad magic number"));

  write_file(dir / "cut-header.mo", good.substr(0, 20));
  CHECK_THAT(thrown_by_read(dir / "cut-header.mo"), Catch::Contains("cut-header.mo") && Catch::Contains("truncated"));

  write_file(dir / "tiny.mo", good.substr(0, 2));
  CHECK_THAT(thrown_by_read(dir / "tiny.mo"), Catch::Contains("tiny.mo") && Catch::Contains("truncated"));

  // The translation of "Stop" (entry 2) points past the end of the file.
  auto past_end = good;
  const std::size_t translations = 28 + 8 * 3;
  put_word(past_end, translations + 8 * 2 + 4, static_cast<std::uint32_t>(good.size() + 10), false);
  write_file(dir / "past-end.mo", past_end);
  CHECK_THAT(thrown_by_read(dir / "past-end.mo"), Catch::Contains("past-end.mo") && Catch::Contains("past the end"));

  // A length that would wrap a 32-bit offset + length.
  auto wrapping = good;
  put_word(wrapping, translations + 8 * 2, 0xffffffff, false);
  write_file(dir / "wrapping.mo", wrapping);
  CHECK_THAT(thrown_by_read(dir / "wrapping.mo"), Catch::Contains("wrapping.mo") && Catch::Contains("past the end"));

  // More entries than the file has room for.
  auto many = good;
  put_word(many, 8, 0x40000000, false);
  write_file(dir / "many.mo", many);
  CHECK_THAT(thrown_by_read(dir / "many.mo"), Catch::Contains("many.mo") && Catch::Contains("past the end"));

  auto future = good;
  put_word(future, 4, 0x00020000, false);
  write_file(dir / "future.mo", future);
  CHECK_THAT(thrown_by_read(dir / "future.mo"), Catch::Contains("future.mo") && Catch::Contains("revision 2"));

  auto huge = good;
  huge.resize(16 * 1024 * 1024 + 1, '\0');
  write_file(dir / "huge.mo", huge);
  CHECK_THAT(thrown_by_read(dir / "huge.mo"), Catch::Contains("huge.mo") && Catch::Contains("16 MiB"));

  CHECK_THAT(thrown_by_read(dir / "missing.mo"), Catch::Contains("missing.mo") && Catch::Contains("cannot open"));

  // The same bytes unbroken are read (so the failures above are the damage, not the encoder).
  write_file(dir / "good.mo", good);
  CHECK(MessageCatalogue::read(dir / "good.mo").translate("Stop") == "停止");
}

TEST_CASE("plural formula: C's precedence, unsigned arithmetic, no trap", "[message_catalogue]") {
  const auto value = [](std::string_view expression, unsigned long n) {
    const auto formula = PluralFormula::parse(expression);
    REQUIRE(formula.has_value());
    return formula->evaluate(n);
  };
  CHECK(value("2 + 3 * 4", 0) == 14);
  CHECK(value("(2 + 3) * 4", 0) == 20);
  CHECK(value("10 - 2 - 3", 0) == 5);
  CHECK(value("100 / 10 / 5", 0) == 2);
  CHECK(value("n % 7", 23) == 2);
  CHECK(value("n / 0", 5) == 0);
  CHECK(value("n % 0", 5) == 0);
  CHECK(value("n % (n - n)", 5) == 0);
  CHECK(value("n - 2", 1) == static_cast<unsigned long>(-1));
  CHECK(value("!n", 0) == 1);
  CHECK(value("!n", 3) == 0);
  CHECK(value("!!n", 3) == 1);
  CHECK(value("n != 1", 1) == 0);
  CHECK(value("n != 1", 2) == 1);
  CHECK(value("1 < 2 == 1", 0) == 1);
  CHECK(value("n >= 2 && n <= 4", 3) == 1);
  CHECK(value("n >= 2 && n <= 4", 5) == 0);
  CHECK(value("n == 0 || n == 1", 1) == 1);
  CHECK(value("n == 0 || n == 1 && n == 2", 0) == 1);  // && binds tighter than ||
  CHECK(value("n > 1 ? 7 : 8", 2) == 7);
  CHECK(value("n > 1 ? 7 : 8", 1) == 8);
  // ?: groups to the right: Arabic's chain.
  const auto arabic = "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5";
  CHECK(value(arabic, 0) == 0);
  CHECK(value(arabic, 2) == 2);
  CHECK(value(arabic, 105) == 3);
  CHECK(value(arabic, 111) == 4);
  CHECK(value(arabic, 100) == 5);
  CHECK(value("0", 9) == 0);

  for (const std::string_view bad :
       {"", "n +", "(n", "n)", "n = 1", "n ? 1", "x", "n & 1", "n | 1", "-n", "99999999999999999999999999"}) {
    CAPTURE(bad);
    CHECK_FALSE(PluralFormula::parse(bad).has_value());
  }
  // A hostile header cannot exhaust the stack.
  CHECK_FALSE(PluralFormula::parse(std::string(100000, '(') + "n" + std::string(100000, ')')).has_value());
  CHECK_FALSE(PluralFormula::parse(std::string(100000, '!') + "n").has_value());
  std::string chain = "n";
  for (int i = 0; i < 100000; ++i) chain += "+n";
  CHECK_FALSE(PluralFormula::parse(chain).has_value());
}

TEST_CASE("plural formula: the Plural-Forms field of a header", "[message_catalogue]") {
  const auto forms = PluralForms::from_header(header(russian));
  REQUIRE(forms.has_value());
  CHECK(forms->count == 3);
  CHECK(forms->formula.evaluate(22) == 1);
  const auto english = PluralForms::from_header("Plural-Forms: nplurals=2; plural=(n != 1);");
  REQUIRE(english.has_value());
  CHECK(english->count == 2);
  CHECK(english->formula.evaluate(1) == 0);
  CHECK(english->formula.evaluate(2) == 1);
  CHECK_FALSE(PluralForms::from_header(header("")).has_value());
  CHECK_FALSE(PluralForms::from_header("Plural-Forms: nplurals=0; plural=0;").has_value());
  CHECK_FALSE(PluralForms::from_header("Plural-Forms: plural=0;").has_value());
  CHECK_FALSE(PluralForms::from_header("Plural-Forms: nplurals=2; plural=n ==;").has_value());
}
