#pragma once
// QR code images (SVG, via libqrencode): the check-in code the trainer projects and the
// verification link printed on certificates.
#include <string>
#include <string_view>

namespace daring::server {

// An SVG image of `text` as a QR code (error correction M, 4-module quiet zone). Throws
// std::runtime_error when the text does not fit.
std::string qr_svg(std::string_view text);

}  // namespace daring::server
