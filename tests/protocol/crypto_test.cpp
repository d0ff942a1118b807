// The TCP handshake's cryptography: HMAC-SHA-256 from the platform's library against RFC 4231's
// vectors (the Windows build runs this file under Wine against BCrypt), the proofs as
// docs/protocol.md §3.2 defines them, and files that hold a secret.
#include "catch.hpp"

#include "nixtray/crypto/hex.hpp"
#include "nixtray/crypto/primitives.hpp"
#include "nixtray/crypto/secret_file.hpp"
#include "nixtray/crypto/token_proof.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "nixtray/testing/temp_dir.hpp"

using namespace nixtray::crypto;
namespace fs = std::filesystem;

namespace {

std::string hmac_hex(const std::string& key, const std::string& message) { return to_hex(hmac_sha256(key, message)); }

}  // namespace

TEST_CASE("HMAC-SHA-256 gives RFC 4231's results") {
  CHECK(hmac_hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hmac_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than SHA-256's block is hashed first.
  CHECK(hmac_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("nonces are fresh 64-character lowercase hex") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto nonce = new_nonce();
    CHECK(is_nonce(nonce));
    seen.insert(nonce);
  }
  CHECK(seen.size() == 100);
  CHECK_FALSE(is_nonce(std::string(63, 'a')));
  CHECK_FALSE(is_nonce(std::string(64, 'A')));
  CHECK_FALSE(is_nonce(std::string(64, 'g')));
}

TEST_CASE("the proofs are the documented HMACs, one label per side") {
  const std::string token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::string client_nonce(64, '1');
  const std::string agent_nonce = std::string(32, '2') + std::string(32, '2');
  // docs/protocol.md §3.2, computed independently (Python's hmac module).
  CHECK(agent_proof(token, client_nonce, agent_nonce) ==
        "64da1f306ecefa4c5748d6552e0b8c99c87cbe4b911c24df79ce0a5121ea05cf");
  CHECK(client_proof(token, agent_nonce, client_nonce) ==
        "0f7b70fa258f6b3642e0e3fe22bad16cb9675e70a5ce3b4cfbfbf88ae506a857");
  // Reflection: with the nonces swapped, one side's proof is still not the other's.
  CHECK(agent_proof(token, agent_nonce, client_nonce) != client_proof(token, agent_nonce, client_nonce));
  CHECK(agent_proof("another token", client_nonce, agent_nonce) != agent_proof(token, client_nonce, agent_nonce));
}

TEST_CASE("a proof matches only itself, compared whole") {
  const auto proof = agent_proof("token", new_nonce(), new_nonce());
  CHECK(proof_matches(proof, proof));
  auto changed = proof;
  changed.back() = changed.back() == '0' ? '1' : '0';
  CHECK_FALSE(proof_matches(proof, changed));
  CHECK_FALSE(proof_matches(proof, proof.substr(0, 63)));
  CHECK_FALSE(proof_matches(proof, ""));
  CHECK(equal_in_constant_time("abc", "abc"));
  CHECK_FALSE(equal_in_constant_time("abc", "abd"));
  CHECK_FALSE(equal_in_constant_time("abc", "abcd"));
}

TEST_CASE("a secret file is written whole, then read back") {
  nixtray::testing::TempDir dir("nixtray-crypto");
  const auto file = dir / "sub" / "token";
  const auto written = write_secret_file(file, "secret-value\n", false);
  INFO(written.problem);
  REQUIRE(written.written);
  const auto read = read_secret_file(file);
  INFO(read.problem);
  REQUIRE(read.secret);
  CHECK(*read.secret == "secret-value");

  // Without replace the file there wins; with replace the new content does.
  CHECK_FALSE(write_secret_file(file, "other\n", false).written);
  CHECK(*read_secret_file(file).secret == "secret-value");
  CHECK(write_secret_file(file, "other\r\n", true).written);
  CHECK(*read_secret_file(file).secret == "other");
  for (const auto& entry : fs::directory_iterator(file.parent_path())) {
    CHECK(entry.path().filename() == "token");  // no temporary file left behind
  }

  const auto missing = read_secret_file(dir / "none");
  CHECK_FALSE(missing.secret);
  CHECK(missing.missing);
}

#if !defined(_WIN32)
TEST_CASE("a secret file is born 0600 whatever the umask") {
  nixtray::testing::TempDir dir("nixtray-crypto");
  const auto previous = ::umask(0);
  const auto written = write_secret_file(dir / "token", "x\n", true);
  ::umask(previous);
  REQUIRE(written.written);
  struct stat info {};
  REQUIRE(::stat((dir / "token").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("a secret file is refused when it is a link, someone else's, or open to others") {
  nixtray::testing::TempDir dir("nixtray-crypto");
  const auto file = dir / "token";
  REQUIRE(write_secret_file(file, "secret\n", true).written);

  SECTION("a symbolic link, even to a good file") {
    fs::create_symlink(file, dir / "link");
    const auto read = read_secret_file(dir / "link");
    CHECK_FALSE(read.secret);
    CHECK(read.problem.find("symbolic link") != std::string::npos);
  }
  SECTION("readable by the group or others") {
    for (const auto mode : {0640, 0604, 0620, 0602}) {
      INFO(mode);
      REQUIRE(::chmod(file.c_str(), static_cast<mode_t>(mode)) == 0);
      const auto read = read_secret_file(file);
      CHECK_FALSE(read.secret);
      CHECK(read.problem.find("chmod 600 " + file.string()) != std::string::npos);
    }
  }
  SECTION("owned by another user") {
    if (::geteuid() != 0) {
      FAIL("needs root to give a file away (run as root, as the test suite does)");
    }
    REQUIRE(::chown(file.c_str(), 65534, 65534) == 0);
    const auto read = read_secret_file(file);
    CHECK_FALSE(read.secret);
    CHECK(read.problem.find("uid 65534") != std::string::npos);
  }
  SECTION("not a regular file, or empty") {
    fs::create_directory(dir / "directory");
    ::chmod((dir / "directory").c_str(), 0700);
    CHECK(read_secret_file(dir / "directory").problem.find("not a regular file") != std::string::npos);
    REQUIRE(write_secret_file(file, "\n", true).written);
    CHECK(read_secret_file(file).problem.find("empty") != std::string::npos);
  }
}
#else
TEST_CASE("a secret file is refused when it is a link") {
  nixtray::testing::TempDir dir("nixtray-crypto");
  const auto file = dir / "token";
  REQUIRE(write_secret_file(file, "secret\n", true).written);
  // MinGW's std::filesystem cannot make links; Windows (and Wine) can.
  const auto link = dir / "link";
  if (!::CreateSymbolicLinkW(link.c_str(), file.c_str(), SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE)) {
    FAIL("cannot create a symbolic link here: error " << ::GetLastError());
  }
  const auto read = read_secret_file(link);
  CHECK_FALSE(read.secret);
  CHECK(read.problem.find("link") != std::string::npos);
}
#endif
