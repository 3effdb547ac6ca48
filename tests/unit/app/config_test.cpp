#include "server/app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace daring::server;

namespace {
parse_outcome parse(std::vector<const char*> args) {
    args.insert(args.begin(), "daring");
    return parse_command_line(static_cast<int>(args.size()), args.data());
}
}  // namespace

TEST(Config, ParsesServeFlags) {
    auto r =
        parse({"serve", "--listen", "127.0.0.1:0", "--db", "x.db", "--threads", "3",
               "--allowed-origin", "https://a.example", "--allowed-origin", "https://b.example"});
    ASSERT_TRUE(r.cfg.has_value()) << r.output;
    EXPECT_EQ(r.cfg->port, 0);
    EXPECT_EQ(r.cfg->db_path, "x.db");
    EXPECT_EQ(r.cfg->threads, 3u);
    EXPECT_EQ(r.cfg->allowed_origins.size(), 2u);
}

TEST(Config, ReadsDaringEnvironmentVariablesAndLetsFlagsWin) {
    ::setenv("DARING_DB", "from-env.db", 1);
    ::setenv("DARING_LISTEN", "0.0.0.0:9000", 1);
    auto r = parse({"serve", "--listen", "127.0.0.1:1234"});
    ::unsetenv("DARING_DB");
    ::unsetenv("DARING_LISTEN");
    ASSERT_TRUE(r.cfg.has_value()) << r.output;
    EXPECT_EQ(r.cfg->db_path, "from-env.db");
    EXPECT_EQ(r.cfg->host, "127.0.0.1");
    EXPECT_EQ(r.cfg->port, 1234);
}

TEST(Config, IgnoresTheAdminPasswordVariableAsAnOption) {
    ::setenv("DARING_ADMIN_PASSWORD", "whatever-123", 1);
    auto r = parse({"serve"});
    ::unsetenv("DARING_ADMIN_PASSWORD");
    EXPECT_TRUE(r.cfg.has_value()) << r.output;
}

TEST(Config, TestOnlyOptionsComeFromTheCommandLineNeverFromTheEnvironment) {
    ::setenv("DARING_TEST_CHEAP_PASSWORDS", "true", 1);
    ::setenv("DARING_TEST_CLOCK_FILE", "/tmp/clock", 1);
    auto from_env = parse({"serve"});
    ::unsetenv("DARING_TEST_CHEAP_PASSWORDS");
    ::unsetenv("DARING_TEST_CLOCK_FILE");
    ASSERT_TRUE(from_env.cfg.has_value()) << from_env.output;
    EXPECT_FALSE(from_env.cfg->cheap_passwords);
    EXPECT_TRUE(from_env.cfg->clock_file.empty());
    auto flagged = parse({"serve", "--test-cheap-passwords"});
    ASSERT_TRUE(flagged.cfg.has_value()) << flagged.output;
    EXPECT_TRUE(flagged.cfg->cheap_passwords);
}

TEST(Config, TheDemoDeckIsTheBundledOneUnlessNamedAndNoneWhenEmpty) {
    auto bundled = parse({"demo"});
    ASSERT_TRUE(bundled.cfg.has_value()) << bundled.output;
    EXPECT_FALSE(bundled.cfg->demo_deck.has_value());
    const auto deck = std::filesystem::temp_directory_path() / "daring-config-test-materi.pptx";
    std::ofstream(deck) << "PK";
    auto named = parse({"demo", "--demo-deck", deck.c_str()});
    std::filesystem::remove(deck);
    ASSERT_TRUE(named.cfg.has_value()) << named.output;
    EXPECT_EQ(named.cfg->demo_deck, deck.string());
    // A named file that is not there is refused at start, saying so (not a demo without a deck).
    auto missing = parse({"demo", "--demo-deck", "/nonexistent/materi.pptx"});
    EXPECT_FALSE(missing.cfg.has_value());
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.output.find("--demo-deck /nonexistent/materi.pptx: no such file"),
              std::string::npos)
        << missing.output;
    auto none = parse({"demo", "--demo-deck", ""});
    ASSERT_TRUE(none.cfg.has_value()) << none.output;
    ASSERT_TRUE(none.cfg->demo_deck.has_value());
    EXPECT_TRUE(none.cfg->demo_deck->empty());
}

TEST(Config, SofficeIsLookedForUnlessNamedAndANamedOneMustBeAnExecutableFile) {
    auto found = parse({"serve"});
    ASSERT_TRUE(found.cfg.has_value()) << found.output;
    EXPECT_TRUE(found.cfg->soffice.empty());
    auto named = parse({"serve", "--soffice", "/bin/sh"});
    ASSERT_TRUE(named.cfg.has_value()) << named.output;
    EXPECT_EQ(named.cfg->soffice, "/bin/sh");
    const auto plain = std::filesystem::temp_directory_path() / "daring-config-test-soffice.txt";
    std::ofstream(plain) << "not a program";
    std::filesystem::permissions(
        plain, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    for (const std::string& bad :
         {std::string("/nonexistent/soffice"), plain.string(), std::string("/usr/bin")}) {
        auto refused = parse({"serve", "--soffice", bad.c_str()});
        EXPECT_FALSE(refused.cfg.has_value()) << bad;
        EXPECT_EQ(refused.exit_code, 2) << bad;
        EXPECT_NE(refused.output.find("--soffice " + bad + ": not an executable file"),
                  std::string::npos)
            << refused.output;
    }
    std::filesystem::remove(plain);
}

TEST(Config, ExplainsBadInput) {
    auto bad_listen = parse({"serve", "--listen", "nonsense"});
    EXPECT_FALSE(bad_listen.cfg.has_value());
    EXPECT_EQ(bad_listen.exit_code, 2);
    auto unknown = parse({"launch"});
    EXPECT_NE(unknown.output.find("unknown command"), std::string::npos);
    auto half_tls = parse({"serve", "--tls-cert", "c.pem"});
    EXPECT_FALSE(half_tls.cfg.has_value());
}

TEST(Config, PrintsHelpAndVersion) {
    auto help = parse({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.output.find("daring serve"), std::string::npos);
    auto version = parse({"--version"});
    EXPECT_NE(version.output.find("daring "), std::string::npos);
}

TEST(Config, SplitsIpv6ListenAddresses) {
    std::string host;
    std::uint16_t port = 0;
    EXPECT_TRUE(split_listen("[::1]:8080", host, port));
    EXPECT_EQ(host, "::1");
    EXPECT_EQ(port, 8080);
    EXPECT_FALSE(split_listen("host:99999", host, port));
}

TEST(Config, CertificateAndPublicAddressOptions) {
    auto r = parse({"serve", "--public-url", "https://daring.example.go.id/", "--office-name",
                    "Diskop UKM Kapuas", "--certificate-prefix", "DKUKM-KPS"});
    ASSERT_TRUE(r.cfg.has_value()) << r.output;
    EXPECT_EQ(r.cfg->public_url, "https://daring.example.go.id");  // no trailing slash
    EXPECT_EQ(r.cfg->office_name, "Diskop UKM Kapuas");
    EXPECT_EQ(r.cfg->certificate_prefix, "DKUKM-KPS");
    EXPECT_FALSE(parse({"serve", "--public-url", "daring.example"}).cfg.has_value());
    EXPECT_FALSE(parse({"serve", "--certificate-prefix", "A/B"}).cfg.has_value());
    EXPECT_FALSE(parse({"serve", "--office-name", ""}).cfg.has_value());
    const auto defaults = parse({"serve"});
    ASSERT_TRUE(defaults.cfg.has_value());
    EXPECT_TRUE(defaults.cfg->public_url.empty());
    EXPECT_EQ(defaults.cfg->certificate_prefix, "DKUKM-KT");
}

TEST(Config, LiveConnectionLimitsHaveDefaultsAndRefuseNonsense) {
    auto defaults = parse({"serve"});
    ASSERT_TRUE(defaults.cfg.has_value()) << defaults.output;
    EXPECT_EQ(defaults.cfg->live_idle_timeout_s, 300u);
    EXPECT_EQ(defaults.cfg->live_sockets_per_user, 5u);
    auto set = parse({"serve", "--live-idle-timeout", "60", "--live-sockets-per-user", "2"});
    ASSERT_TRUE(set.cfg.has_value()) << set.output;
    EXPECT_EQ(set.cfg->live_idle_timeout_s, 60u);
    EXPECT_EQ(set.cfg->live_sockets_per_user, 2u);
    auto too_short = parse({"serve", "--live-idle-timeout", "1"});
    EXPECT_FALSE(too_short.cfg.has_value());
    EXPECT_NE(too_short.output.find("--live-idle-timeout"), std::string::npos);
    auto none = parse({"serve", "--live-sockets-per-user", "0"});
    EXPECT_FALSE(none.cfg.has_value());
    EXPECT_NE(none.output.find("--live-sockets-per-user"), std::string::npos);
}

// Several nodes: --nats needs a shared PostgreSQL database; a node id is part of NATS subjects.
TEST(Config, SeveralNodesNeedPostgresqlAndASubjectSafeNodeId) {
    const char* pg = "postgresql://daring@/daring";
    auto ok = parse({"serve", "--db", pg, "--nats", "nats://127.0.0.1:4222", "--node-id", "kt-1"});
    ASSERT_TRUE(ok.cfg.has_value()) << ok.output;
    EXPECT_EQ(ok.cfg->nats_url, "nats://127.0.0.1:4222");
    EXPECT_EQ(ok.cfg->node_id, "kt-1");
    auto named = parse(
        {"serve", "--listen", "127.0.0.1:8081", "--db", pg, "--nats", "nats://127.0.0.1:4222"});
    ASSERT_TRUE(named.cfg.has_value()) << named.output;
    EXPECT_TRUE(named.cfg->node_id.ends_with("-8081")) << named.cfg->node_id;
    EXPECT_EQ(named.cfg->node_id.find('.'), std::string::npos) << "no dots in a subject token";
    auto one = parse({"serve", "--db", "x.db"});
    ASSERT_TRUE(one.cfg.has_value());
    EXPECT_TRUE(one.cfg->nats_url.empty()) << "one node needs no NATS";

    const std::vector<std::pair<std::vector<const char*>, std::string>> refused = {
        {{"serve", "--db", "x.db", "--nats", "nats://127.0.0.1:4222"}, "PostgreSQL"},
        {{"serve", "--db", pg, "--nats", "http://127.0.0.1:4222"}, "nats://"},
        {{"serve", "--db", pg, "--nats", "nats://h:4222", "--node-id", "a.b"}, "--node-id"},
        {{"serve", "--db", pg, "--node-id", "a"}, "--node-id needs --nats"},
    };
    for (const auto& [args, says] : refused) {
        auto r = parse(args);
        EXPECT_FALSE(r.cfg.has_value()) << args.back();
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_NE(r.output.find(says), std::string::npos) << r.output;
    }
}
