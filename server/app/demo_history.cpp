#include "server/app/demo_history.hpp"

#include <stdexcept>

#include "protocol/quiz.hpp"
#include "server/reports/certificates.hpp"
#include "server/reports/completion_report.hpp"
#include "server/services/self_paced.hpp"
#include "storage/attendance_repo.hpp"
#include "storage/database.hpp"
#include "storage/quiz_repo.hpp"
#include "storage/session_repo.hpp"
#include "storage/training_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;

namespace {

constexpr unix_seconds minute = 60;

// What each trainee did, in the order of the demo's trainee list. One letter per session:
//   in person: c checked in on time, L checked in late, x excused by a mark, - not there;
//   online: f whole session with a dropped connection and a rejoin, F whole session,
//   l joined late, p left early (partial), h page hidden for a while, m marked present by the
//   trainer after a short connection, - not there.
// Then the pre-test and post-test answers right out of four (-1: not taken).
struct trainee_story {
    const char* sessions;
    int pre_right;
    int post_right;
};
constexpr trainee_story stories[] = {
    {"cfF", 2, 4}, {"cFf", 1, 4}, {"cp-", 2, 3},  {"Lff", 1, 3},   {"cfh", 3, 4},
    {"cfl", 0, 2}, {"clf", 2, 4}, {"cfm", 1, 3},  {"xff", 2, 4},   {"cFF", 1, 3},
    {"c-f", 2, 3}, {"chf", 1, 4}, {"cff", 2, -1}, {"---", -1, -1}, {"cfp", 3, 4},
};

constexpr const char* test_questions = R"([
    {"type": "true_false", "prompt": "Media sosial dapat dipakai untuk berjualan tanpa toko fisik.", "correct": true},
    {"type": "single", "prompt": "Apa tujuan utama foto produk di lokapasar?",
     "options": ["Menarik pembeli dan menjelaskan produk", "Mengisi galeri", "Menghemat kuota"], "correct": 0},
    {"type": "single", "prompt": "Kapan waktu yang baik untuk mengunggah promosi?",
     "options": ["Saat pelanggan paling aktif", "Tengah malam", "Kapan saja, sama saja"], "correct": 0},
    {"type": "true_false", "prompt": "Ulasan pelanggan tidak berpengaruh pada penjualan.", "correct": false}
])";

quiz add_test(connection& c, const demo_past& past, const char* title, const char* kind,
              unix_seconds at) {
    auto definition = json::parse(test_questions);
    auto parsed = parse_quiz({{"title", title}, {"kind", kind}, {"questions", definition}});
    if (!parsed)
        throw std::runtime_error("demo quiz: " + parsed.err().field + ": " + parsed.err().message);
    auto q = std::move(*parsed);
    q.training_id = past.training_id;
    q.created_by = past.trainer_id;
    q.created_at = at;
    storage::insert_quiz(c, q);
    return q;
}

// The first `right` questions answered correctly, the others not.
void answer_test(connection& c, const quiz& q, std::int64_t user_id, int right, unix_seconds at) {
    auto answers = json::array();
    for (std::size_t k = 0; k < q.questions.size(); ++k) {
        const auto& question = q.questions[k];
        json answer = question.correct;
        if (static_cast<int>(k) >= right) {
            answer = question.type == question_type::true_false
                         ? json(!question.correct.get<bool>())
                         : json((question.correct.get<int>() + 1) %
                                static_cast<int>(question.options.size()));
        }
        answers.push_back({{"question_id", question.id}, {"answer", answer}});
    }
    submit_answers(c, q, user_id, {{"answers", answers}}, at);
}

class presence_writer {
  public:
    presence_writer(connection& c, std::int64_t session_id)
        : c_(c), session_id_(session_id), next_id_(storage::max_presence_id(c) + 1) {}
    void add(std::int64_t user_id, unix_seconds from, unix_seconds to, bool visible = true) {
        storage::insert_presence(c_, {next_id_++, session_id_, user_id, visible, from, to, to});
    }

  private:
    connection& c_;
    std::int64_t session_id_;
    std::int64_t next_id_;
};

void mark(connection& c, const demo_past& past, std::int64_t session_id, std::int64_t user_id,
          const char* status, const char* reason, unix_seconds at) {
    storage::mark_row m;
    m.session_id = session_id;
    m.user_id = user_id;
    m.status = status;
    m.reason = reason;
    m.marked_by = past.trainer_id;
    m.marked_at = at;
    storage::insert_mark(c, m);
}

void in_person_evidence(connection& c, const demo_past& past, const session& s, std::size_t who,
                        char what) {
    const auto user = past.trainee_ids[who];
    const auto offset = static_cast<unix_seconds>(who) * 40;
    if (what == 'c') storage::record_checkin(c, s.id, user, s.starts_at - 12 * minute + offset);
    if (what == 'L') storage::record_checkin(c, s.id, user, s.starts_at + 26 * minute);
    if (what == 'x')
        mark(c, past, s.id, user, "excused", "Sakit, surat keterangan dokter diserahkan",
             s.starts_at + 30 * minute);
}

void online_evidence(connection& c, const demo_past& past, const session& s, std::size_t who,
                     char what, presence_writer& out) {
    const auto user = past.trainee_ids[who];
    const auto start = s.starts_at, end = s.ends_at;
    const auto early = start - 3 * minute + static_cast<unix_seconds>(who) * 20;
    switch (what) {
        case 'f':  // the signal dropped for four minutes
            out.add(user, early, start + 80 * minute);
            out.add(user, start + 84 * minute, end);
            break;
        case 'F':
            out.add(user, early, end);
            break;
        case 'l':
            out.add(user, start + 38 * minute, end);
            break;
        case 'p':
            out.add(user, early, start + 55 * minute);
            break;
        case 'h':  // switched to another app for a quarter of an hour
            out.add(user, early, start + 60 * minute);
            out.add(user, start + 60 * minute, start + 75 * minute, false);
            out.add(user, start + 75 * minute, end);
            break;
        case 'm':
            out.add(user, early, start + 20 * minute);
            mark(c, past, s.id, user, "present", "Hadir lewat telepon; sinyal di desanya terputus",
                 end + 10 * minute);
            break;
        default:
            break;
    }
}

}  // namespace

void seed_past_evidence(connection& c, const demo_past& past) {
    auto sessions = storage::list_sessions(c, past.training_id, false);
    if (sessions.size() != 3) throw std::runtime_error("demo: the 2020 training needs 3 sessions");
    const auto pre = add_test(c, past, "Pre-test pemasaran digital", "pre_test",
                              sessions.front().starts_at - 7 * 86400);
    const auto post = add_test(c, past, "Post-test pemasaran digital", "post_test",
                               sessions.front().starts_at - 7 * 86400);
    const attendance_thresholds thresholds;
    for (std::size_t k = 0; k < sessions.size(); ++k) {
        const auto& s = sessions[k];
        storage::start_session(c, s.id, past.trainer_id, s.starts_at - 5 * minute,
                               thresholds.present_pct, static_cast<int>(thresholds.late_after));
        presence_writer presence(c, s.id);
        for (std::size_t who = 0; who < past.trainee_ids.size() && who < std::size(stories);
             ++who) {
            const char what = stories[who].sessions[k];
            if (s.current.mode == delivery_mode::in_person)
                in_person_evidence(c, past, s, who, what);
            else
                online_evidence(c, past, s, who, what, presence);
        }
        storage::end_session(c, s.id, past.trainer_id, s.ends_at);
    }
    for (std::size_t who = 0; who < past.trainee_ids.size() && who < std::size(stories); ++who) {
        const auto minutes = static_cast<unix_seconds>(who) * minute;
        if (stories[who].pre_right >= 0)
            answer_test(c, pre, past.trainee_ids[who], stories[who].pre_right,
                        sessions.front().starts_at - 40 * minute + minutes);
        if (stories[who].post_right >= 0)
            answer_test(c, post, past.trainee_ids[who], stories[who].post_right,
                        sessions.back().ends_at + 15 * minute + minutes);
    }
}

int issue_past_certificates(storage::database& db, const demo_past& past,
                            const std::string& number_prefix) {
    const attendance_thresholds thresholds;
    auto training =
        db.read([&](connection& c) { return storage::find_training(c, past.training_id); });
    if (!training) throw std::runtime_error("demo: the 2020 training is missing");
    unix_seconds last_end = 0;
    auto completion = db.read([&](connection& c) {
        for (const auto& s : storage::list_sessions(c, past.training_id, false))
            last_end = std::max(last_end, s.ends_at);
        return build_completion(c, *training, last_end, thresholds);
    });
    int issued = 0;
    for (const auto& row : completion.rows) {
        if (!row.completed) continue;
        // A stable, valid code per trainee: the verification alphabet, driven by the ids.
        static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        std::uint64_t state = 0x9E3779B97F4A7C15ULL ^
                              static_cast<std::uint64_t>(past.training_id * 1000003 + row.user_id);
        std::string code;
        for (std::size_t k = 0; k < certificate_code_length; ++k) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            code.push_back(alphabet[(state >> 59) & 0x1F]);
        }
        certificate_request request{past.training_id, row.user_id, past.admin_id,
                                    number_prefix,    thresholds,  code};
        // Issued when the trainees first asked for them, two days after the last session.
        certificate_for(db, request, last_end + 2 * 86400 + static_cast<unix_seconds>(issued) * 97);
        ++issued;
    }
    return issued;
}

}  // namespace daring::server
