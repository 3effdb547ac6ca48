// The one membership rule, on an in-memory database with the real migrations.
#include "server/services/training_access.hpp"

#include <gtest/gtest.h>

#include "server/http/http_types.hpp"
#include "storage/connection.hpp"
#include "storage/funding_repo.hpp"
#include "storage/migrations.hpp"
#include "storage/region_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/sqlite_connection.hpp"
#include "storage/training_repo.hpp"
#include "storage/users_repo.hpp"

using namespace daring::server;
namespace p = daring::protocol;
namespace st = daring::storage;

namespace {

class TrainingAccess : public ::testing::Test {
  protected:
    TrainingAccess() : c(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
        c.exec("PRAGMA foreign_keys = ON");
        st::apply_migrations(c);
        st::insert_region(c, {"62.71", "Kota Palangka Raya", 420});
        p::funding_source f{0, "DAK", "DAK", p::funding_kind::dak, 2020, 1};
        p::training t;
        t.title = "Pemasaran";
        t.region_code = "62.71";
        t.funding_source_id = st::insert_funding_source(c, f, 0);
        training = st::insert_training(c, t, 0);
        p::session s;
        s.training_id = training;
        s.title = "Sesi 1";
        s.starts_at = 1000;
        s.ends_at = 2000;
        session = st::insert_session(c, s, 0);
        admin = make("admin", p::role::admin);
        trainer = make("rina", p::role::trainer);
        stranger_trainer = make("budi", p::role::trainer);
        trainee = make("ani", p::role::trainee);
        outsider = make("dewi", p::role::trainee);
        st::assign_trainer(c, training, trainer.id, 0);
        st::enroll(c, training, trainee.id, 0);
    }

    p::user make(const std::string& name, p::role r) {
        p::user u;
        u.id = st::insert_user(c, {name, "password-1", name, r, {}}, "hash", 0);
        u.username = name;
        u.user_role = r;
        return u;
    }

    // The status a refusal answers, 0 when allowed.
    int status_of(const p::user& u, const access_need& need) {
        try {
            require_training(c, training, u, need);
            return 0;
        } catch (const http_error& e) {
            return e.status;
        }
    }

    st::sqlite_connection c;
    std::int64_t training = 0, session = 0;
    p::user admin, trainer, stranger_trainer, trainee, outsider;
};

}  // namespace

TEST_F(TrainingAccess, GivesEachCallerTheirRole) {
    EXPECT_EQ(role_in_training(c, training, admin), training_role::staff);
    EXPECT_EQ(role_in_training(c, training, trainer), training_role::staff);
    EXPECT_EQ(role_in_training(c, training, stranger_trainer), training_role::none);
    EXPECT_EQ(role_in_training(c, training, trainee), training_role::trainee);
    EXPECT_EQ(role_in_training(c, training, outsider), training_role::none);
}

TEST_F(TrainingAccess, LetsAnyMemberSeeTheTrainingAndHidesItFromOthers) {
    EXPECT_EQ(status_of(admin, any_member), 0);
    EXPECT_EQ(status_of(trainer, any_member), 0);
    EXPECT_EQ(status_of(trainee, any_member), 0);
    EXPECT_EQ(status_of(stranger_trainer, any_member), 404);
    EXPECT_EQ(status_of(outsider, any_member), 404);
}

TEST_F(TrainingAccess, ForbidsOrHidesStaffWorkFromTraineesAsAsked) {
    EXPECT_EQ(status_of(trainer, staff_or_403), 0);
    EXPECT_EQ(status_of(trainee, staff_or_403), 403);
    EXPECT_EQ(status_of(trainee, staff_or_404), 404);
    EXPECT_EQ(status_of(outsider, staff_or_403), 404);
}

TEST_F(TrainingAccess, ForgetsATraineeOnceWithdrawn) {
    st::withdraw(c, training, trainee.id, 10);
    EXPECT_EQ(status_of(trainee, any_member), 404);
}

TEST_F(TrainingAccess, NamesTheMissingThing) {
    try {
        require_session(c, session + 50, admin);
        FAIL() << "a missing session was found";
    } catch (const http_error& e) {
        EXPECT_EQ(e.status, 404);
        EXPECT_EQ(e.error.message, "No such session");
    }
    EXPECT_EQ(require_session(c, session, trainee).id, session);
    EXPECT_THROW(require_role(c, training + 9, admin), http_error);
}
