#include "web/basic_auth.h"

#include <stdexcept>

#include "testing/catch.h"
#include "web/web_test_support.h"

namespace replwatch::web {
namespace {

TEST_CASE("ParseBasicAuthorization decodes user and password") {
  const auto parsed =
      ParseBasicAuthorization("Basic dXNlcjpwYTpzcw==");  // user:pa:ss
  REQUIRE(parsed);
  CHECK(parsed->user == "user");
  CHECK(parsed->password == "pa:ss");
  const auto lower = ParseBasicAuthorization("basic   dTpw ");  // u:p
  REQUIRE(lower);
  CHECK(lower->user == "u");
  CHECK(lower->password == "p");
  const auto empty_password = ParseBasicAuthorization("Basic dTo=");  // u:
  REQUIRE(empty_password);
  CHECK(empty_password->password.empty());
}

TEST_CASE("ParseBasicAuthorization rejects malformed values") {
  CHECK_FALSE(ParseBasicAuthorization(""));
  CHECK_FALSE(ParseBasicAuthorization("Bearer dXNlcjpwYXNz"));
  CHECK_FALSE(ParseBasicAuthorization("Basic "));
  CHECK_FALSE(ParseBasicAuthorization("Basic dXNlcg=="));  // "user", no colon
  CHECK_FALSE(ParseBasicAuthorization("Basic dXNlcjpwYXNz="));  // bad length
  CHECK_FALSE(ParseBasicAuthorization("Basic dXN!cjpwYXNz"));   // bad character
  CHECK_FALSE(ParseBasicAuthorization("Basic dTpwAHg="));       // "u:p\0x"
}

TEST_CASE("IsBcryptHash accepts the bcrypt variants libxcrypt verifies") {
  const std::string tail =
      "$10$yDZ/A4VRlS1WMPUwATYwB.KqbyK7VEodSV9Qgyh7b0DDIDe5bKGW2";
  CHECK(IsBcryptHash("$2y" + tail));
  CHECK(IsBcryptHash("$2b" + tail));
  CHECK(IsBcryptHash("$2a" + tail));
  CHECK_FALSE(IsBcryptHash("$2x" + tail));
  CHECK_FALSE(IsBcryptHash("$2y" + tail.substr(0, tail.size() - 1)));
  CHECK_FALSE(IsBcryptHash(
      "$2y$03$yDZ/A4VRlS1WMPUwATYwB.KqbyK7VEodSV9Qgyh7b0DDIDe5bKGW2"));
  CHECK_FALSE(IsBcryptHash(
      "$2y$10$yDZ/A4VRlS1WMPUwATYwB.KqbyK7VEodSV9Qgyh7b0DDIDe5bKG!2"));
  CHECK_FALSE(IsBcryptHash("$6$salt$hash"));
  CHECK_FALSE(IsBcryptHash("secret"));
}

TEST_CASE("BasicAuthenticator verifies with bcrypt and remembers successes") {
  BasicAuthenticator authenticator(
      {{"alice", testing::BcryptHash("alice", "wonderland")}});
  const BasicCredentials right{"alice", "wonderland"};
  CHECK_FALSE(authenticator.IsRemembered(right));
  CHECK_FALSE(authenticator.Verify({"alice", "wonderlanD"}));
  CHECK_FALSE(authenticator.Verify({"bob", "wonderland"}));
  CHECK(authenticator.Verify(right));
  CHECK(authenticator.IsRemembered(right));
  CHECK_FALSE(authenticator.IsRemembered({"alice", "wonderlanD"}));
}

TEST_CASE("BasicAuthenticator refuses hashes it cannot verify") {
  const std::map<std::string, std::string> plain_text = {
      {"alice", "wonderland"}};
  CHECK_THROWS_AS(BasicAuthenticator(plain_text), std::invalid_argument);
}

}  // namespace
}  // namespace replwatch::web
