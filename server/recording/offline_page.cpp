#include "server/recording/offline_page.hpp"

#include "protocol/html.hpp"
#include "server/util/base64.hpp"

namespace daring::server {

namespace {

// JSON inside <script>: no "</" can close the element early.
std::string script_json(const protocol::json& j) {
    auto text = protocol::dump(j);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
            out += "<\\/";
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The player: slides follow the audio, chat lines appear at their moments, speed buttons, the
// position kept in the browser. Text goes in through textContent only.
constexpr const char* player_script = R"js(
const data = JSON.parse(document.getElementById('data').textContent);
const audio = document.getElementById('audio');
const slide = document.getElementById('slide');
const lines = document.getElementById('events');
const events = data.recording.events || [];
const key = 'daring.offline.' + data.session_id;
const ns = 'http://www.w3.org/2000/svg';
let shown = null;
let inked = -1;
function slideAt(ms) {
  let s = null;
  for (const e of events) { if (e.at_ms > ms) break; if (e.type === 'slide') s = e; }
  if (s) return s;
  const first = data.slides[0];
  return first ? { index: 0, title: first.title, body: first.body } : null;
}
function draw(ms) {
  const s = slideAt(ms);
  const index = s ? s.index : -1;
  if (index !== shown) {
    shown = index;
    slide.dataset.index = index;
    slide.replaceChildren();
    if (s) {
      const h = document.createElement('h2'); h.textContent = s.title; slide.append(h);
      const picture = s.page && data.pages[s.page.small];
      if (picture) {
        const box = document.createElement('div'); box.className = 'page';
        const img = document.createElement('img'); img.src = picture; img.alt = s.title;
        img.width = s.page.width; img.height = s.page.height;
        const svg = document.createElementNS(ns, 'svg');
        svg.setAttribute('viewBox', '0 0 1 ' + s.page.height / s.page.width);
        svg.setAttribute('preserveAspectRatio', 'none');
        box.append(img, svg); slide.append(box);
      } else {
        for (const para of String(s.body || '').split('\n')) {
          const p = document.createElement('p'); p.textContent = para; slide.append(p);
        }
      }
    }
    inked = -1;
  }
  const svg = slide.querySelector('svg');
  if (svg && s) {
    let strokes = [];
    for (const e of events) {
      if (e.at_ms > ms) break;
      if (e.slide !== s.index) continue;
      if (e.type === 'ink') strokes.push(e.stroke); else if (e.type === 'ink_clear') strokes = [];
    }
    if (strokes.length !== inked) {
      inked = strokes.length;
      const aspect = s.page.height / s.page.width;
      svg.replaceChildren(...strokes.map((st) => {
        const l = document.createElementNS(ns, 'polyline');
        l.setAttribute('points', st.points.map(([x, y]) => x + ',' + y * aspect).join(' '));
        l.setAttribute('fill', 'none'); l.setAttribute('stroke', st.color);
        l.setAttribute('stroke-width', st.width / 1000); l.setAttribute('stroke-linecap', 'round');
        return l;
      }));
    }
  }
  lines.replaceChildren(...events.filter((e) => e.type === 'chat' && e.at_ms <= ms).map((e) => {
    const li = document.createElement('li');
    li.textContent = (e.from && e.from.name ? e.from.name + ': ' : '') + (e.deleted ? data.text.deleted : e.hidden ? data.text.hidden : e.text);
    return li;
  }));
}
if (audio) {
  const now = () => audio.currentTime * 1000;
  audio.addEventListener('timeupdate', () => draw(now()));
  audio.addEventListener('seeked', () => draw(now()));
  audio.addEventListener('loadedmetadata', () => {
    const saved = Number(localStorage.getItem(key) || 0);
    if (saved > 0 && saved < audio.duration) audio.currentTime = saved;
  });
  audio.addEventListener('pause', () => localStorage.setItem(key, String(audio.currentTime)));
  for (const b of document.querySelectorAll('button[data-speed]')) {
    b.addEventListener('click', () => { audio.playbackRate = Number(b.dataset.speed); });
  }
}
draw(0);
)js";

}  // namespace

offline_parts offline_page_parts(const std::string& title, const protocol::json& recording,
                                 const protocol::json& slides, bool has_audio,
                                 const std::string& lang, const protocol::json& pages) {
    const bool en = lang == "en";
    protocol::json data = {
        {"session_id", recording.value("session_id", 0)},
        {"recording", {{"events", recording.value("events", protocol::json::array())}}},
        {"slides", slides},
        {"pages", pages},
        {"text",
         {{"deleted", en ? "(deleted)" : "(dihapus)"},
          {"hidden", en ? "(hidden by the sender)" : "(disembunyikan oleh pengirim)"}}}};
    offline_parts out;
    out.head = "<!doctype html>\n<html lang=\"" + std::string(en ? "en" : "id") +
               "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
               "content=\"width=device-width, initial-scale=1\"><title>" +
               protocol::html_escape(title) +
               "</title><style>body{font-family:sans-serif;margin:0.8rem;max-width:40rem}"
               "#slide{border:1px solid #ccc;border-radius:0.4rem;padding:0.6rem;margin:0.6rem 0}"
               "audio{width:100%}button{margin:0.2rem;padding:0.4rem 0.7rem}"
               ".page{position:relative;line-height:0}.page img{width:100%;height:auto}"
               ".page svg{position:absolute;inset:0;width:100%;height:100%}</style></head><body>";
    out.head += "<h1>" + protocol::html_escape(title) + "</h1>";
    // Without audio, everything is the head (the tail stays empty).
    auto& rest = has_audio ? out.tail : out.head;
    if (has_audio) {
        out.head +=
            "<audio id=\"audio\" controls preload=\"metadata\" src=\"data:audio/ogg;base64,";
        rest += "\"></audio><div>";
        for (const char* speed : {"1", "1.25", "1.5", "2"})
            rest += "<button type=\"button\" data-speed=\"" + std::string(speed) + "\">" + speed +
                    "x</button>";
        rest += "</div>";
    } else {
        rest += en ? "<p>This recording has no audio.</p>" : "<p>Rekaman ini tanpa suara.</p>";
    }
    rest += "<section id=\"slide\"></section><h3>" + std::string(en ? "Chat" : "Obrolan") +
            "</h3><ul id=\"events\"></ul>";
    rest += "<script type=\"application/json\" id=\"data\">" + script_json(data) + "</script>";
    rest += "<script>" + std::string(player_script) + "</script></body></html>\n";
    return out;
}

}  // namespace daring::server
