#include "server/reports/qr_code.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace daring::server {

std::string qr_svg(std::string_view text) {
    const std::string input(text);
    std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
        QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!qr) throw std::runtime_error("the text does not fit in a QR code");
    const int margin = 4;
    const int size = qr->width + 2 * margin;
    std::string svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
        std::to_string(size) + "\" shape-rendering=\"crispEdges\">" +
        "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < qr->width; ++y) {
        for (int x = 0; x < qr->width; ++x) {
            if (qr->data[y * qr->width + x] & 1) {
                svg += "M" + std::to_string(x + margin) + " " + std::to_string(y + margin) +
                       "h1v1h-1z";
            }
        }
    }
    svg += "\"/></svg>";
    return svg;
}

}  // namespace daring::server
