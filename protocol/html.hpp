#pragma once
// Text into HTML: the five characters that could end an element or an attribute are written as
// entities. For pages the server builds itself (certificates, offline recordings).
#include <string>
#include <string_view>

namespace daring::protocol {

std::string html_escape(std::string_view text);

}  // namespace daring::protocol
