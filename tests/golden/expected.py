#!/usr/bin/env python3
"""Computes the expected reports of the scenario played by tests/integration/report_test.cpp,
independently of the server's code: from the scenario's events (who joined and left when, marks,
quiz answers) and the rules as DESIGN.md states them. Writes tests/golden/*.json.

    python3 tests/golden/expected.py      # rewrites the golden files next to this script

The scenario (times WIB, UTC+7; the test's clock):
- 2021-07-01: region 62.71 (Kota Palangka Raya) and 62.02, funding DAK-2020 (Rp 750,000,000),
  training 1 "Pembukuan UMKM" (in person, auto switch, min attendance 80%, pass score 60) with
  ten trainees (users 3..12) and trainer "Rina Kartika" (user 2); sessions 1 (2021-07-05) and
  2 (2021-07-06), 09:00-10:00; training 2 "Pemasaran Digital" in 62.02, online, one session on
  2021-07-10 09:00-11:00 that is never held.
- 2021-07-02 09:00: PPKM Darurat (Inmendagri No. 15 Tahun 2021), 3-20 July, max 0 people:
  both sessions of training 1 move online (11 people would gather).
- ani was imported with her NIB 9120001234567 and e-mail ani@umkm.example; the others have none.
- Pre-test (2 questions, 1 point each): ani 50, budi 100, citra 0.
- Session 1 (late after 5 minutes, present at 75%): ani 09:00-10:00, citra 09:00-09:30,
  budi 09:10-10:00; dewi excused by the trainer ("Sakit, surat dokter").
  At 09:10 ani sends three chat messages, budi asks a question and raises his hand, citra
  upvotes budi's question.
- Session 2: ani, budi, citra 09:00-10:00.
- Training 1 counts replay toward completion. After session 2, citra replays the first 45
  minutes of session 1 (75%: attended by replay), budi its first 10 minutes.
- Post-test: ani 100, budi 50, citra 100. Reports pulled 2021-07-07.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
WIB = 7 * 3600
D1 = 1625450400  # 2021-07-05 09:00 WIB
D2 = D1 + 86400
HOUR = 3600
PRESENT_PCT = 75
LATE_AFTER = 300

TRAINEES = [(3, "ani", "Peserta ani"), (4, "budi", "Peserta budi"), (5, "citra", "Peserta citra"),
            (6, "dewi", "Peserta dewi"), (7, "unik1", '=HYPERLINK("x")'), (8, "unik2", "@SUM(1)"),
            (9, "unik3", "+1"), (10, "unik4", "-1"), (11, "unik5", 'Koma, "Kutip"; Baris dua'),
            (12, "unik6", "Siti 'Aminah' Nur")]
SESSIONS = [(1, "Sesi 1: Kas", D1), (2, "Sesi 2: Laba rugi", D2)]
# session -> user -> list of (from, to) presence
PRESENCE = {1: {3: [(D1, D1 + HOUR)], 5: [(D1, D1 + 1800)], 4: [(D1 + 600, D1 + HOUR)]},
            2: {3: [(D2, D2 + HOUR)], 4: [(D2, D2 + HOUR)], 5: [(D2, D2 + HOUR)]}}
# user -> (NIB, e-mail), as imported
CONTACT = {3: ("9120001234567", "ani@umkm.example")}
MARKS = {1: {6: ("excused", "Sakit, surat dokter", "Rina Kartika")}}
# session -> user -> seconds of the recording replayed
REPLAYED = {1: {5: 2700, 4: 600}}
# session -> user -> what they did (participation); all at 09:10 in session 1
TAKING_PART = {1: {3: {"chat": 3}, 4: {"questions": 1, "hands": 1}, 5: {"votes": 1}}}
TAKING_PART_AT = D1 + 600
PRE = {3: 50.0, 4: 100.0, 5: 0.0}
POST = {3: 100.0, 4: 50.0, 5: 100.0}
MIN_ATTENDANCE = 80
PASS_SCORE = 60
DECISION_AT = D1 - 3 * 86400
REASON_EN = ("Moved online: PPKM Darurat (Inmendagri No. 15 Tahun 2021) limits gatherings to 0 people; "
             "11 people would gather.")
REASON_ID = ("Dipindahkan ke daring: PPKM Darurat (Inmendagri No. 15 Tahun 2021) membatasi kegiatan hingga "
             "0 orang; 11 orang akan berkumpul.")


def utc(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def wib(t):
    import datetime
    return datetime.datetime.fromtimestamp(t + WIB, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def participation(session_id, uid):
    """Counts and level by the rules in docs/architecture.md ("Participation")."""
    p = {"chat": 0, "questions": 0, "votes": 0, "poll_answers": 0, "hands": 0, "floor_seconds": 0, "reactions": 0}
    p.update(TAKING_PART.get(session_id, {}).get(uid, {}))
    contributions = p["chat"] + p["questions"] + p["poll_answers"] + p["hands"] + (1 if p["floor_seconds"] >= 30 else 0)
    if contributions >= 3:
        p["level"] = "aktif"
    elif contributions >= 1 or p["votes"] + p["reactions"] >= 3:
        p["level"] = "cukup"
    else:
        p["level"] = "pasif"
    return p


def activity(session_id):
    done = TAKING_PART.get(session_id, {})
    if not done:
        return {"from": None, "minutes": 0, "chat": [], "questions": [], "votes": [], "poll_answers": [],
                "hands": [], "reactions": []}
    total = lambda k: [sum(d.get(k, 0) for d in done.values())]
    return {"from": utc(TAKING_PART_AT // 60 * 60), "minutes": 1, "chat": total("chat"),
            "questions": total("questions"), "votes": total("votes"), "poll_answers": total("poll_answers"),
            "hands": total("hands"), "reactions": total("reactions")}


def attendance(session_id, start):
    window = (start, start + HOUR)
    rows = []
    for uid, username, name in TRAINEES:
        spans = PRESENCE[session_id].get(uid, [])
        seconds = sum(min(b, window[1]) - max(a, window[0]) for a, b in spans)  # no overlaps here
        first = min((a for a, _ in spans), default=None)
        last = max((b for _, b in spans), default=None)
        mark = MARKS.get(session_id, {}).get(uid)
        if mark:
            status, via = mark[0], "mark"
        elif seconds * 100 >= (window[1] - window[0]) * PRESENT_PCT:
            status, via = ("late" if first - window[0] > LATE_AFTER else "present"), "online"
        elif seconds > 0:
            status, via = "partial", "online"
        else:
            status, via = "absent", None
        replayed = REPLAYED.get(session_id, {}).get(uid, 0)
        by_replay = status not in ("present", "late") and replayed * 100 >= HOUR * PRESENT_PCT
        nib, email = CONTACT.get(uid, (None, None))
        rows.append({"seconds_replayed": replayed, "attended_by_replay": by_replay,"user_id": uid, "username": username, "full_name": name,
                     "nib": nib, "email": email,
                     "first_join": utc(first) if first else None, "last_seen": utc(last) if last else None,
                     "seconds_present": seconds, "seconds_away": 0, "intervals": len(spans), "online": False,
                     "open_intervals": 0, "checked_in_at": None, "status": status, "via": via,
                     "mark": {"status": mark[0], "remark": mark[1], "by": mark[2]} if mark else None,
                     "participation": participation(session_id, uid)})
    return rows


def session_report():
    rows = attendance(1, D1)
    summary = {k: sum(r["status"] == k for r in rows) for k in ("present", "late", "partial", "absent", "excused")}
    return {"session": {"id": 1, "training_id": 1, "title": "Sesi 1: Kas", "status": "ended", "mode": "online",
                        "starts_at": utc(D1), "ends_at": utc(D1 + HOUR), "started_at": utc(D1), "ended_at": utc(D1 + HOUR)},
            "window": {"from": utc(D1), "to": utc(D1 + HOUR), "seconds": HOUR},
            "thresholds": {"present_pct": PRESENT_PCT, "late_after_s": LATE_AFTER, "replay_counts": True},
            "summary": summary, "rows": rows,
            "participation": {k: sum(r["participation"]["level"] == k for r in rows) for k in ("aktif", "cukup", "pasif")},
            "activity": activity(1)}


def matrix():
    per = {sid: {r["user_id"]: r for r in attendance(sid, start)} for sid, _, start in SESSIONS}
    rows = []
    for uid, username, name in TRAINEES:
        cells = [{"session_id": sid, "status": per[sid][uid]["status"], "seconds_present": per[sid][uid]["seconds_present"],
                  "seconds_replayed": per[sid][uid]["seconds_replayed"],
                  "attended_by_replay": per[sid][uid]["attended_by_replay"],
                  "level": per[sid][uid]["participation"]["level"]}
                 for sid, _, _ in SESSIONS]
        by_replay = sum(c["attended_by_replay"] for c in cells)
        attended = sum(c["status"] in ("present", "late") for c in cells) + by_replay
        credited = sum(c["seconds_present"] for c in cells if c["status"] in ("present", "late"))
        nib, email = CONTACT.get(uid, (None, None))
        rows.append({"user_id": uid, "username": username, "full_name": name, "nib": nib, "email": email,
                     "sessions": cells, "attended": attended,
                     "attended_by_replay": by_replay, "held": 2, "attendance_rate_pct": round(100.0 * attended / 2, 2), "_credited": credited})
    return rows


def training_report():
    return {"training": {"id": 1, "title": "Pembukuan UMKM", "min_attendance_pct": MIN_ATTENDANCE},
            "sessions": [{"id": sid, "title": title, "starts_at": utc(start), "ends_at": utc(start + HOUR),
                          "status": "ended", "mode": "online", "held": True} for sid, title, start in SESSIONS],
            "sessions_held": 2,
            "rows": [{k: v for k, v in r.items() if k != "_credited"} for r in matrix()]}


def num(v):
    return str(int(v)) if float(v).is_integer() else "%.2f" % v


def completion_rows():
    out = []
    for r in matrix():
        uid = r["user_id"]
        pre, post = PRE.get(uid), POST.get(uid)
        rate = r["attendance_rate_pct"]
        if rate < MIN_ATTENDANCE:
            reason = ("attendance_below_minimum", "Kehadiran %s%% di bawah batas 80%%" % num(rate),
                      "Attendance %s%% is below the minimum of 80%%" % num(rate))
        elif post is None:
            reason = ("post_test_not_taken", "Belum mengikuti post-test", "The post-test was not taken")
        elif post < PASS_SCORE:
            reason = ("post_test_below_pass", "Nilai post-test %s di bawah nilai lulus 60" % num(post),
                      "Post-test score %s is below the pass score of 60" % num(post))
        elif r["attended_by_replay"]:
            n = r["attended_by_replay"]
            reason = ("attended_by_replay", "Selesai; %d sesi dihadiri lewat putar ulang" % n,
                      "Completed; %d session(s) attended by replay" % n)
        else:
            reason = None
        done = reason is None or reason[0] == "attended_by_replay"
        out.append({"user_id": uid, "username": r["username"], "full_name": r["full_name"], "nib": r["nib"], "email": r["email"],
                    "sessions_attended": r["attended"], "sessions_attended_by_replay": r["attended_by_replay"],
                    "sessions_held": 2, "attendance_rate_pct": rate,
                    "hours_attended": round(r["_credited"] / 3600.0, 2),
                    "pre_percent": pre, "post_percent": post,
                    "gain": (post - pre) if pre is not None and post is not None else None,
                    "completed": done, "reason": reason[0] if reason else None,
                    "reason_text": {"id": reason[1], "en": reason[2]} if reason else None})
    return out


def completion_report():
    rows = completion_rows()
    return {"training": {"id": 1, "title": "Pembukuan UMKM", "min_attendance_pct": MIN_ATTENDANCE, "pass_score": PASS_SCORE,
                         "has_post_test": True},
            "finished": True, "sessions_planned": 2, "sessions_held": 2, "trainees": len(rows),
            "completed": sum(r["completed"] for r in rows), "rows": rows}


def switch(sid, title):
    return {"at": utc(DECISION_AT), "training_id": 1, "training_title": "Pembukuan UMKM", "session_id": sid,
            "session_title": title, "from_mode": "in_person", "to_mode": "online", "from_status": "scheduled",
            "to_status": "scheduled", "reason": REASON_EN, "reason_id": REASON_ID,
            "restriction_reference": "Inmendagri No. 15 Tahun 2021", "by": "system"}


def funding_report(filtered):
    rows = completion_rows()
    attended = sum(r["sessions_attended"] > 0 for r in rows)
    completed = sum(r["completed"] for r in rows)
    gains = [r["gain"] for r in rows if r["gain"] is not None]
    rate = round(100.0 * sum(r["sessions_attended"] for r in rows) / (len(rows) * 2), 2)
    mean_gain = round(sum(gains) / len(gains), 2)
    sessions = [(2, "Sesi 2: Laba rugi")] if filtered else [(1, "Sesi 1: Kas"), (2, "Sesi 2: Laba rugi")]
    switches = [switch(sid, title) for sid, title in sessions]
    modes = lambda i, o, h: {"in_person": i, "online": o, "hybrid": h}
    t1 = {"id": 1, "title": "Pembukuan UMKM", "region_code": "62.71", "planned_mode": "in_person",
          "sessions_planned": len(sessions), "planned_by_mode": modes(len(sessions), 0, 0),
          "sessions_delivered": len(sessions), "delivered_by_mode": modes(0, len(sessions), 0),
          "sessions_cancelled": 0, "sessions_postponed": 0, "sessions_not_yet_held": 0, "switches": switches,
          "trainees_enrolled": 10, "trainees_attended": attended, "trainees_completed": completed,
          "attendance_rate_pct": rate, "mean_gain": mean_gain}
    trainings = [t1]
    if not filtered:
        trainings.append({"id": 2, "title": "Pemasaran Digital", "region_code": "62.02", "planned_mode": "online",
                          "sessions_planned": 1, "planned_by_mode": modes(0, 1, 0), "sessions_delivered": 0,
                          "delivered_by_mode": modes(0, 0, 0), "sessions_cancelled": 0, "sessions_postponed": 0,
                          "sessions_not_yet_held": 1, "switches": [], "trainees_enrolled": 0, "trainees_attended": 0,
                          "trainees_completed": 0, "attendance_rate_pct": None, "mean_gain": None})
    totals = {"trainings": len(trainings),
              "sessions_planned": sum(t["sessions_planned"] for t in trainings),
              "planned_by_mode": {k: sum(t["planned_by_mode"][k] for t in trainings) for k in ("in_person", "online", "hybrid")},
              "sessions_delivered": sum(t["sessions_delivered"] for t in trainings),
              "delivered_by_mode": {k: sum(t["delivered_by_mode"][k] for t in trainings) for k in ("in_person", "online", "hybrid")},
              "sessions_cancelled": 0, "sessions_postponed": 0,
              "sessions_not_yet_held": sum(t["sessions_not_yet_held"] for t in trainings),
              "switches": len(switches), "trainees_enrolled": 10, "trainees_attended": attended,
              "trainees_completed": completed, "attendance_rate_pct": rate, "mean_gain": mean_gain}
    return {"funding_source": {"id": 1, "code": "DAK-2020", "name": "DAK Nonfisik PK2UKM", "kind": "DAK",
                               "fiscal_year": 2020, "amount_idr": 750000000},
            "filter": {"from": "2021-07-06" if filtered else None, "to": "2021-07-31" if filtered else None,
                       "region": "62.71" if filtered else None},
            "totals": totals, "trainings": trainings, "switches": switches}


def cell(v):
    """A value as a spreadsheet shows it (see read_back.py): text that could start a formula gets
    an apostrophe; numbers as written."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "ya" if v else "tidak"
    if isinstance(v, (int, float)):
        return num(v)
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v


def spreadsheets():
    sess = session_report()
    s_rows = [["ID peserta", "Nama pengguna", "Nama lengkap", "NIB", "E-mail", "Status", "Dasar", "Masuk pertama (WIB)",
               "Terakhir terlihat (WIB)", "Detik hadir", "Detik tidak di layar", "Detik putar ulang",
               "Hadir lewat putar ulang", "Check-in di kelas (WIB)", "Tanda manual",
               "Catatan tanda", "Ditandai oleh", "Pesan obrolan", "Pertanyaan", "Dukungan pertanyaan",
               "Jawaban jajak pendapat", "Angkat tangan", "Detik bicara", "Reaksi", "Keaktifan"]]
    for r in sess["rows"]:
        m = r["mark"] or {"status": None, "remark": None, "by": None}
        first = wib(next(a for a, _ in PRESENCE[1][r["user_id"]])) if r["first_join"] else None
        last = wib(max(b for _, b in PRESENCE[1][r["user_id"]])) if r["last_seen"] else None
        s_rows.append([cell(x) for x in (r["user_id"], r["username"], r["full_name"], r["nib"], r["email"], r["status"], r["via"], first, last,
                                         r["seconds_present"], r["seconds_away"], r["seconds_replayed"],
                                         "ya" if r["attended_by_replay"] else None, None, m["status"], m["remark"],
                                         m["by"])] + [cell(r["participation"][k]) for k in (
                                             "chat", "questions", "votes", "poll_answers", "hands", "floor_seconds",
                                             "reactions", "level")])
    t_rows = [["ID peserta", "Nama pengguna", "Nama lengkap", "NIB", "E-mail",
               "Sesi 1: Kas (2021-07-05) - status", "Sesi 1: Kas (2021-07-05) - detik hadir",
               "Sesi 1: Kas (2021-07-05) - detik putar ulang", "Sesi 1: Kas (2021-07-05) - keaktifan",
               "Sesi 2: Laba rugi (2021-07-06) - status", "Sesi 2: Laba rugi (2021-07-06) - detik hadir",
               "Sesi 2: Laba rugi (2021-07-06) - detik putar ulang", "Sesi 2: Laba rugi (2021-07-06) - keaktifan",
               "Sesi dihadiri", "Sesi terlaksana", "Tingkat kehadiran (%)"]]
    for r in training_report()["rows"]:
        line = [r["user_id"], r["username"], r["full_name"], r["nib"], r["email"]]
        for c in r["sessions"]:
            line += [c["status"], c["seconds_present"], c["seconds_replayed"], c["level"]]
        line += [r["attended"], r["held"], r["attendance_rate_pct"]]
        t_rows.append([cell(x) for x in line])
    c_rows = [["ID peserta", "Nama pengguna", "Nama lengkap", "NIB", "E-mail", "Sesi dihadiri", "Sesi lewat putar ulang", "Sesi terlaksana",
               "Tingkat kehadiran (%)",
               "Jam hadir", "Nilai pre-test (%)", "Nilai post-test (%)", "Peningkatan", "Lulus", "Alasan"]]
    for r in completion_rows():
        c_rows.append([cell(x) for x in (r["user_id"], r["username"], r["full_name"], r["nib"], r["email"], r["sessions_attended"],
                                         r["sessions_attended_by_replay"], r["sessions_held"],
                                         r["attendance_rate_pct"], r["hours_attended"], r["pre_percent"], r["post_percent"],
                                         r["gain"], r["completed"], r["reason_text"]["id"] if r["reason_text"] else None)])
    f = funding_report(False)
    f_rows = [["ID pelatihan", "Pelatihan", "Wilayah", "Moda rencana", "Sesi direncanakan", "Terlaksana tatap muka",
               "Terlaksana daring", "Terlaksana hibrida", "Dibatalkan", "Ditunda", "Perpindahan moda", "Peserta terdaftar",
               "Peserta hadir", "Peserta lulus", "Tingkat kehadiran (%)", "Rata-rata peningkatan pre/post", "Pagu dana (Rp)"]]
    names = {"in_person": "tatap muka", "online": "daring", "hybrid": "hibrida"}
    for t in f["trainings"]:
        d = t["delivered_by_mode"]
        f_rows.append([cell(x) for x in (t["id"], t["title"], t["region_code"], names[t["planned_mode"]], t["sessions_planned"],
                                         d["in_person"], d["online"], d["hybrid"], 0, 0, len(t["switches"]),
                                         t["trainees_enrolled"], t["trainees_attended"], t["trainees_completed"],
                                         t["attendance_rate_pct"], t["mean_gain"], None)])
    tt = f["totals"]
    d = tt["delivered_by_mode"]
    f_rows.append([cell(x) for x in (None, "Jumlah", None, None, tt["sessions_planned"], d["in_person"], d["online"], d["hybrid"],
                                     0, 0, tt["switches"], tt["trainees_enrolled"], tt["trainees_attended"],
                                     tt["trainees_completed"], tt["attendance_rate_pct"], tt["mean_gain"], 750000000)])
    return {"session_attendance": s_rows, "training_attendance": t_rows, "completion": c_rows, "funding": f_rows}


def write(name, value):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    write("session_attendance.json", session_report())
    write("training_attendance.json", training_report())
    write("completion.json", completion_report())
    write("funding.json", funding_report(False))
    write("funding_filtered.json", funding_report(True))
    write("spreadsheets.json", spreadsheets())
