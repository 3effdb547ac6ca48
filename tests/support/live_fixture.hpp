#pragma once
// A live session of one training with a trainer and 50 enrolled trainees, for the live and audio
// integration tests: the server runs, the session is planned (not started).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/plan_fixture.hpp"
#include "tests/support/world_fixture.hpp"
#include "tests/support/ws_client.hpp"

namespace daring::test {

class live_fixture : public world_fixture {
  protected:
    void SetUp() override {
        w.launch(server_args);
        std::vector<person> people{{"pelatih.live", "Pelatih Live", "trainer"},
                                   {"outsider", "Orang Luar", "trainee"}};
        std::vector<std::string> names;
        for (int i = 1; i <= trainee_count; ++i) {
            people.push_back({trainee_name(i), "Siswa " + std::to_string(i)});
            names.push_back(trainee_name(i));
        }
        w.import_users(people);
        training = w.add_training("Desain Kemasan");
        w.enroll(training, names);
        w.assign(training, "pelatih.live");
        session = w.add_session(training, "Sesi langsung", wib_time_from_today(1, 9),
                                wib_time_from_today(1, 11), {"S0", "S1", "S2", "S3"});
        trainer_token = w.token("pelatih.live");
        trainer = std::make_unique<api_client>(*http, trainer_token);
    }

    static std::string trainee_name(int i) { return "siswa" + std::to_string(i); }
    std::string training_path() const { return world::training_path(training); }
    std::string live_path(std::optional<std::uint64_t> resume = std::nullopt) const {
        return world::live_path(session, resume);
    }
    void start() { w.start(session, "pelatih.live"); }
    std::unique_ptr<ws_client> connect(
        const std::string& token, std::optional<std::uint64_t> resume = std::nullopt,
        std::vector<std::pair<std::string, std::string>> extra = {}) {
        return w.connect(token, session, resume, std::move(extra));
    }
    std::string trainee_token(int i) {
        return login_token(*http, trainee_name(i), world::password);
    }

    int trainee_count = 50;                // derived fixtures may set more in their constructor
    std::vector<std::string> server_args;  // set by derived fixtures before SetUp
    std::unique_ptr<api_client> trainer;
    std::string trainer_token;
    std::int64_t training = 0, session = 0;
};

}  // namespace daring::test
