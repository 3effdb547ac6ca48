#include "server/app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

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
