#include "server/http/compression.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

using namespace daring::server;

namespace {

std::string gunzip(const std::string& in) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    std::string out(1 << 20, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(out.size() - z.avail_out);
    inflateEnd(&z);
    return out;
}

std::string header_of(const http_response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return {};
}

http_request accepting(std::string encodings) {
    http_request req;
    req.method = "GET";
    req.headers = {{"accept-encoding", std::move(encodings)}};
    return req;
}

std::string slides_json() {
    std::string body = "[";
    for (int i = 0; i < 40; ++i)
        body += R"({"title":"Materi )" + std::to_string(i) + R"(","body":"Pokok bahasan"},)";
    body.back() = ']';
    return body;
}

}  // namespace

TEST(Compression, GzipsAJsonAnswerForAClientThatAcceptsIt) {
    auto res = json_text_response(200, slides_json());
    ASSERT_TRUE(compress_if_worth(accepting("gzip, deflate, br"), res));
    EXPECT_EQ(header_of(res, "Content-Encoding"), "gzip");
    EXPECT_EQ(header_of(res, "Vary"), "Accept-Encoding");
    EXPECT_LT(res.body.size(), slides_json().size() / 4);
    EXPECT_EQ(gunzip(res.body), slides_json());
}

TEST(Compression, LeavesAloneWhatGainsNothingOrMustNotChange) {
    auto plain = json_text_response(200, slides_json());
    EXPECT_FALSE(compress_if_worth(accepting("identity"), plain));  // the client did not ask
    EXPECT_EQ(plain.body, slides_json());

    auto small = json_text_response(200, R"({"ok":true})");
    EXPECT_FALSE(compress_if_worth(accepting("gzip"), small));  // below compress_min_bytes

    http_response picture;
    picture.set_header("Content-Type", "image/webp");
    picture.body = std::string(4096, 'x');
    EXPECT_FALSE(compress_if_worth(accepting("gzip"), picture));  // already compressed media

    auto ranged = json_text_response(206, slides_json());
    EXPECT_FALSE(compress_if_worth(accepting("gzip"), ranged));  // a range of the bytes as stored

    auto encoded = json_text_response(200, slides_json());
    encoded.set_header("Content-Encoding", "gzip");
    EXPECT_FALSE(compress_if_worth(accepting("gzip"), encoded));
    EXPECT_EQ(encoded.body, slides_json());
}
