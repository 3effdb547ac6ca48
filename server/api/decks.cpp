// A trainer's own deck and a training's handouts: POST /sessions/{id}/deck (the file as the
// body, converted in a child process), GET /sessions/{id}/decks, GET /decks/{id} (progress),
// GET /decks/{id}/pages/{hash}.webp (page images, immutable), and the handouts: POST and GET
// /trainings/{id}/materials, GET /materials/{id}/file, DELETE /materials/{id}.
#include <filesystem>
#include <fstream>

#include "protocol/deck.hpp"
#include "server/api/handler_support.hpp"
#include "server/api/routes.hpp"
#include "server/decks/deck_converter.hpp"
#include "server/http/byte_range.hpp"
#include "server/http/file_body.hpp"
#include "server/services/training_access.hpp"
#include "storage/deck_repo.hpp"

namespace daring::server {

using namespace protocol;
using storage::connection;
namespace fs = std::filesystem;

namespace {

// How long an upload's body may take to arrive: 50 MB at about 1 Mbit/s.
constexpr int upload_body_timeout_s = 600;
constexpr route_options deck_upload{deck_upload_limit, lane::worker, "too_large",
                                    upload_body_timeout_s};
constexpr route_options material_upload{material_upload_limit, lane::worker, "too_large",
                                        upload_body_timeout_s};
// Seconds a client is asked to wait when the conversion queue is full.
constexpr int busy_retry_s = 30;
// Page images and handouts never change under their names.
constexpr const char* immutable = "private, max-age=31536000, immutable";

std::string deck_target(std::int64_t id) {
    return "deck:" + std::to_string(id);
}

http_response busy() {
    auto res = error_response(503, "busy",
                              "Decks are converting: try again in a moment (Berkas lain sedang "
                              "dikonversi: coba lagi sebentar lagi)");
    res.set_header("Retry-After", std::to_string(busy_retry_s));
    return res;
}

http_response upload_deck(request_context& ctx) {
    const auto session_id = ctx.params.integer("id");
    auto& decks = ctx.svc.decks;
    const auto s = ctx.svc.db.read(
        [&](connection& c) { return require_session(c, session_id, ctx.user(), staff_or_403); });
    if (s.current.status == session_status::ended || s.current.status == session_status::cancelled)
        throw http_error(409, "session_ended",
                         "The session is over; its slides no longer change (Sesi sudah selesai)");
    if (ctx.req.body.empty())
        throw http_error(422, "invalid_field",
                         "The body must be the deck file (PDF, PPTX, PPT, ODP)");
    const auto kind = sniff_deck(ctx.req.body);
    if (!kind)
        throw http_error(415, "unsupported_type",
                         "Upload a PDF, PowerPoint (.pptx, .ppt) or OpenDocument (.odp, .fodp) "
                         "file (Unggah berkas PDF, PowerPoint atau OpenDocument)");
    auto added = decks.add(session_id, ctx.user().id, *kind, ctx.req.body,
                           [&](connection& c, const deck& d) {
                               ctx.audit(c, "deck.upload", deck_target(d.id),
                                         {{"session_id", session_id},
                                          {"kind", to_string(*kind)},
                                          {"bytes", d.source_bytes}});
                           });
    if (!added) return busy();
    const auto& d = *added;
    auto res = json_response(202, to_json(d));
    res.set_header("Location", "/api/v1/decks/" + std::to_string(d.id));
    return res;
}

// The deck and its session, when the caller may see the session as `need` says (404 else).
deck visible_deck(request_context& ctx, connection& c, const access_need& need) {
    auto d = storage::find_deck(c, ctx.params.integer("id"));
    if (!d) throw http_error(404, "not_found", "No such deck");
    require_session(c, d->session_id, ctx.user(), need);
    return *d;
}

http_response get_deck(request_context& ctx) {
    auto d = ctx.svc.db.read([&](connection& c) { return visible_deck(ctx, c, staff_or_404); });
    return json_response(200, to_json(d));
}

http_response session_decks(request_context& ctx) {
    auto list = ctx.svc.db.read([&](connection& c) {
        require_session(c, ctx.params.integer("id"), ctx.user(), staff_or_403);
        return storage::session_decks(c, ctx.params.integer("id"));
    });
    return json_response(200, {{"decks", json_list(list)}});
}

// A stored file under its content name: a strong ETag, 304 when the client has it, immutable.
http_response asset_answer(const request_context& ctx, const fs::path& file,
                           const std::string& hash, const std::string& type) {
    const auto etag = "\"" + hash + "\"";
    http_response res;
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", immutable);
    res.set_header("X-Content-Type-Options", "nosniff");
    if (ctx.req.header("if-none-match") == etag) {
        res.status = 304;
        return res;
    }
    const auto size = fs::file_size(file);
    res.set_header("Content-Type", type);
    res.set_header("Accept-Ranges", "bytes");
    // Ranges let a phone fetch a page ahead in small paced pieces that never stand long in front
    // of the audio on a slow link.
    const auto range = parse_byte_range(ctx.req.header("range"), size);
    if (range.result == byte_range::kind::unsatisfiable) {
        res.status = 416;
        res.set_header("Content-Range", "bytes */" + std::to_string(size));
        return res;
    }
    std::uint64_t first = 0, count = size;
    if (range.result == byte_range::kind::partial) {
        res.status = 206;
        first = range.first;
        count = range.last - range.first + 1;
        res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                            std::to_string(range.last) + "/" +
                                            std::to_string(size));
    }
    res.stream = std::make_shared<file_body_source>(file, first, count);
    res.stream_length = count;
    return res;
}

http_response page_image(request_context& ctx) {
    const auto& name = ctx.params.text("file");
    const auto hash = name.ends_with(".webp") ? name.substr(0, name.size() - 5) : std::string();
    if (!asset_store::valid_name(hash)) throw http_error(404, "not_found", "No such page");
    ctx.svc.db.read([&](connection& c) {
        auto d = visible_deck(ctx, c, {training_role::trainee, when_denied::hide});
        if (!storage::deck_has_image(c, d.id, hash))
            throw http_error(404, "not_found", "No such page");
        return d;
    });
    auto file = ctx.svc.decks.assets().find(hash);
    if (!file) throw http_error(404, "not_found", "No such page");
    return asset_answer(ctx, *file, hash, "image/webp");
}

http_response upload_material(request_context& ctx) {
    const auto training_id = ctx.params.integer("id");
    const auto name = clean_material_name(ctx.req.query_param("name").value_or(""));
    if (!name)
        throw http_error(422, "invalid_field",
                         "name must be the file's name: 1 to 120 characters, no slashes", "name");
    if (ctx.req.body.empty()) throw http_error(422, "invalid_field", "The body must be the file");
    ctx.svc.db.read([&](connection& c) {
        require_training(c, training_id, ctx.user(), staff_or_403);
        if (storage::training_materials(c, training_id).size() >=
            static_cast<std::size_t>(materials_per_training_limit))
            throw http_error(409, "too_many_materials",
                             "A training holds at most " +
                                 std::to_string(materials_per_training_limit) + " handouts");
        return 0;
    });
    material m;
    m.training_id = training_id;
    m.name = *name;
    m.content_type = material_content_type(ctx.req.body, *name);
    m.bytes = static_cast<std::int64_t>(ctx.req.body.size());
    m.file = ctx.svc.decks.assets().put(ctx.req.body);
    m.created_by = ctx.user().id;
    m.created_at = ctx.svc.clk.now();
    m.id = ctx.svc.db.write([&](connection& c) {
        auto id = storage::insert_material(c, m);
        ctx.audit(c, "material.upload", "material:" + std::to_string(id),
                  {{"training_id", training_id}, {"name", m.name}, {"bytes", m.bytes}});
        return id;
    });
    auto res = json_response(201, to_json(m));
    res.set_header("Location", "/api/v1/materials/" + std::to_string(m.id) + "/file");
    return res;
}

http_response list_materials(request_context& ctx) {
    auto list = ctx.svc.db.read([&](connection& c) {
        require_training(c, ctx.params.integer("id"), ctx.user());
        return storage::training_materials(c, ctx.params.integer("id"));
    });
    std::int64_t total = 0;
    for (const auto& m : list) total += m.bytes;
    return json_response(200, {{"materials", json_list(list)}, {"bytes", total}});
}

material visible_material(request_context& ctx, connection& c, const access_need& need) {
    auto m = storage::find_material(c, ctx.params.integer("id"));
    if (!m) throw http_error(404, "not_found", "No such handout");
    require_training(c, m->training_id, ctx.user(), need);
    return *m;
}

// RFC 6266 filename*: the name percent-encoded as UTF-8, with a plain ASCII fallback.
std::string attachment_header(const std::string& name) {
    std::string plain, encoded;
    for (unsigned char ch : name) {
        plain.push_back(ch < 0x80 && ch != '"' && ch != '\\' ? static_cast<char>(ch) : '_');
        if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') {
            encoded.push_back(static_cast<char>(ch));
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", ch);
            encoded += buf;
        }
    }
    return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

http_response material_file(request_context& ctx) {
    auto m = ctx.svc.db.read([&](connection& c) { return visible_material(ctx, c, any_member); });
    auto file = ctx.svc.decks.assets().find(m.file);
    if (!file) throw http_error(404, "not_found", "The handout's file is missing");
    auto res = asset_answer(ctx, *file, m.file, m.content_type);
    res.set_header("Content-Disposition", attachment_header(m.name));
    return res;
}

http_response delete_material(request_context& ctx) {
    const auto id = ctx.params.integer("id");
    auto unused = ctx.svc.db.write([&](connection& c) {
        auto m = visible_material(ctx, c, staff_or_403);
        storage::delete_material(c, id, ctx.svc.clk.now());
        ctx.audit(c, "material.delete", "material:" + std::to_string(id), {{"name", m.name}});
        return storage::asset_in_use(c, m.file) ? std::string() : m.file;
    });
    if (!unused.empty()) ctx.svc.decks.assets().remove(unused);
    return no_content();
}

}  // namespace

void add_deck_routes(router& r) {
    r.add({
        {"POST", "/api/v1/sessions/{id:int}/deck", staff_only, upload_deck, deck_upload},
        {"GET", "/api/v1/sessions/{id:int}/decks", staff_only, session_decks},
        {"GET", "/api/v1/decks/{id:int}", staff_only, get_deck},
        {"GET", "/api/v1/decks/{id:int}/pages/{file}", access::signed_in(), page_image},
        {"POST", "/api/v1/trainings/{id:int}/materials", staff_only, upload_material,
         material_upload},
        {"GET", "/api/v1/trainings/{id:int}/materials", access::signed_in(), list_materials},
        {"GET", "/api/v1/materials/{id:int}/file", access::signed_in(), material_file},
        {"DELETE", "/api/v1/materials/{id:int}", staff_only, delete_material},
    });
}

}  // namespace daring::server
