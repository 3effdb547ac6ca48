#include "server/reports/attendance_report.hpp"

#include <gtest/gtest.h>

#include "server/reports/qr_code.hpp"
#include "server/rules/checkin_code.hpp"

using namespace daring::server;
using daring::protocol::session;
using daring::protocol::session_status;

TEST(AttendanceWindow, IsTheScheduleWidenedToTheActualStartAndEnd) {
    session s;
    s.starts_at = 1000;
    s.ends_at = 4600;
    EXPECT_EQ(session_window(s, 0).from, 1000);
    EXPECT_EQ(session_window(s, 0).to, 4600);
    s.started_at = 900;  // started early
    s.ended_at = 5000;   // ran over
    EXPECT_EQ(session_window(s, 0).from, 900);
    EXPECT_EQ(session_window(s, 0).to, 5000);
    s.started_at = 1200;  // started late: the window keeps the scheduled start
    s.ended_at = 4000;    // ended early: and the scheduled end
    EXPECT_EQ(session_window(s, 0).from, 1000);
    EXPECT_EQ(session_window(s, 0).to, 4600);
    // While live and past its scheduled end, the window runs to now.
    s.ended_at.reset();
    s.current.status = session_status::live;
    EXPECT_EQ(session_window(s, 7000).to, 7000);
}

TEST(AttendanceThresholds, TheSnapshotStoredAtGoLiveWinsOverTheCurrentSetting) {
    session s;
    const attendance_thresholds current{50, 600};
    EXPECT_EQ(thresholds_of(s, current).present_pct, 50);  // not started: today's setting
    s.present_pct = 75;
    s.late_after_s = 900;
    EXPECT_EQ(thresholds_of(s, current).present_pct, 75);
    EXPECT_EQ(thresholds_of(s, current).late_after, 900);
}

TEST(CheckinCode, RotatesEveryStepAndAcceptsThePreviousStepOnly) {
    const std::string secret = "0123456789abcdef0123456789abcdef";
    const auto a = checkin_code_at(secret, 7, 3000);
    EXPECT_EQ(a.code.size(), checkin_code_length);
    EXPECT_EQ(a.expires_at, 3030);
    EXPECT_EQ(a.code, checkin_code_at(secret, 7, 3029).code);
    EXPECT_NE(a.code, checkin_code_at(secret, 8, 3000).code);  // per session
    EXPECT_NE(a.code, checkin_code_at("another secret", 7, 3000).code);
    EXPECT_TRUE(checkin_code_valid(secret, 7, a.code, 3010));
    EXPECT_TRUE(checkin_code_valid(secret, 7, a.code, 3059));   // the next step still accepts it
    EXPECT_FALSE(checkin_code_valid(secret, 7, a.code, 3060));  // two steps on: expired
    EXPECT_FALSE(checkin_code_valid(secret, 8, a.code, 3010));
    EXPECT_FALSE(checkin_code_valid(secret, 7, "12345", 3010));
}

TEST(CheckinCode, RendersAScannableSizedQrSvg) {
    const auto svg = qr_svg("https://daring.example/#checkin/7/123456");
    EXPECT_TRUE(svg.starts_with("<svg"));
    EXPECT_NE(svg.find("viewBox=\"0 0 37 37\""),
              std::string::npos);  // version 3: 29 modules + quiet zone
    EXPECT_THROW(qr_svg(std::string(4000, 'x')), std::runtime_error);
}
