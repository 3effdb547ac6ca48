#include "tests/support/world.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace daring::test {

namespace {

void expect_status(const http_result& r, int status, const std::string& what) {
    if (r.status != status)
        throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " " + r.body);
}

}  // namespace

world::world() {
    std::filesystem::create_directories(dir.file("web"));
}

world::~world() = default;

void world::launch(std::vector<std::string> extra_args) {
    if (clocked_) {
        extra_args.push_back("--test-clock-file");
        extra_args.push_back(clock_path());
    }
    http.reset();
    server.reset();
    if (!database.empty()) {  // a PostgreSQL URI: the server's files still go to dir
        extra_args.insert(extra_args.end(), {"--recordings-dir", dir.file("recordings"),
                                             "--assets-dir", dir.file("assets")});
    }
    server = std::make_unique<server_process>(database.empty() ? dir.file("t.db") : database,
                                              dir.file("web"), extra_args);
    http = std::make_unique<http_client>(server->port());
    admin = std::make_unique<api_client>(
        *http, login_token(*http, "admin", server_process::admin_password));
    if (admin->token().empty()) throw std::runtime_error("the administrator cannot sign in");
}

void world::set_clock(protocol::unix_seconds t) {
    clocked_ = true;
    std::ofstream(clock_path() + ".tmp") << t << "\n";
    std::filesystem::rename(clock_path() + ".tmp", clock_path());
}

void world::import_users(const std::vector<person>& people) {
    std::string csv = "username,password,full_name,role\n";
    for (const auto& p : people)
        csv += p.username + "," + password + "," + p.full_name + "," + p.role + "\n";
    expect_status(admin->post_csv("/api/v1/users/import?must_change_password=false", csv), 201,
                  "importing users");
}

std::int64_t world::user_id(const std::string& username) {
    auto r = admin->get("/api/v1/users?q=" + username);
    expect_status(r, 200, "looking up " + username);
    for (const auto& u : r.json())
        if (u["username"] == username) return u["id"].get<std::int64_t>();
    throw std::runtime_error("no user " + username);
}

const std::string& world::token(const std::string& username) {
    auto& t = tokens_[username];
    if (t.empty()) t = login_token(*http, username, password);
    if (t.empty()) throw std::runtime_error(username + " cannot sign in");
    return t;
}

api_client world::as(const std::string& username) {
    return api_client(*http, token(username));
}

std::int64_t world::funding() {
    if (!funding_) funding_ = add_region_and_funding(*admin);
    if (!funding_) throw std::runtime_error("the funding source was refused");
    return funding_;
}

std::int64_t world::add_training(const std::string& title, const std::string& mode) {
    const auto id = test::add_training(*admin, title, funding(), mode);
    if (!id) throw std::runtime_error("the training " + title + " was refused");
    return id;
}

void world::enroll(std::int64_t training, const std::vector<std::string>& usernames) {
    std::string names;
    for (const auto& n : usernames) names += n + "\n";
    expect_status(admin->post_csv(training_path(training) + "/enrollments", names), 201,
                  "enrolling");
}

void world::assign(std::int64_t training, const std::string& trainer) {
    auto r = admin->post(training_path(training) + "/trainers", {{"user_id", user_id(trainer)}});
    expect_status(r, 201, "assigning " + trainer);
}

std::int64_t world::add_session(std::int64_t training, const std::string& title,
                                const std::string& starts, const std::string& ends,
                                const std::vector<std::string>& slide_titles) {
    auto slides = nlohmann::json::array();
    for (const auto& s : slide_titles) slides.push_back({{"title", s}, {"body", s + " isi"}});
    auto r = admin->post(
        training_path(training) + "/sessions",
        {{"title", title}, {"starts_at", starts}, {"ends_at", ends}, {"slides", slides}});
    expect_status(r, 201, "adding session " + title);
    return r.json()["id"].get<std::int64_t>();
}

void world::start(std::int64_t session, const std::string& as_user) {
    auto r = as(as_user).post(session_path(session) + "/start", nlohmann::json::object());
    expect_status(r, 200, "starting session " + std::to_string(session));
}

std::string world::training_path(std::int64_t training) {
    return "/api/v1/trainings/" + std::to_string(training);
}

std::string world::session_path(std::int64_t session) {
    return "/api/v1/sessions/" + std::to_string(session);
}

std::string world::live_path(std::int64_t session, std::optional<std::uint64_t> resume) {
    return session_path(session) + "/live" + (resume ? "?resume=" + std::to_string(*resume) : "");
}

std::unique_ptr<ws_client> world::connect(const std::string& token, std::int64_t session,
                                          std::optional<std::uint64_t> resume,
                                          std::vector<std::pair<std::string, std::string>> extra) {
    extra.emplace_back("Authorization", "Bearer " + token);
    return std::make_unique<ws_client>(server->port(), live_path(session, resume), extra);
}

std::unique_ptr<ws_client> world::join(const std::string& username, std::int64_t session) {
    auto ws = connect(token(username), session);
    if (ws->status() != 101)
        throw std::runtime_error(username + " was refused: " + std::to_string(ws->status()));
    // The presence interval is open once the welcome arrives.
    if (!ws->next_of("welcome")) throw std::runtime_error(username + " got no welcome");
    return ws;
}

void world::heartbeat(ws_client& ws, bool visible) {
    const auto id = "hb" + std::to_string(++beats_);
    ws.send_json({{"type", "heartbeat"}, {"visible", visible}, {"id", id}});
    auto ack = ws.next_of("ack");
    if (!ack || (*ack)["id"] != id) throw std::runtime_error("heartbeat " + id + " got no ack");
}

}  // namespace daring::test
